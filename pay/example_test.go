package pay_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/ottpay-toolkit/ottpay/pay"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// A payment against the sandbox, then the same order id again.
func Example() {
	sb, err := sandbox.New(sandbox.Options{Merchants: map[string]string{"ON00004652": "A8B5FE540E38A5A9"}})
	if err != nil {
		log.Fatal(err)
	}
	defer sb.Close()

	c, err := pay.NewClient("ON00004652", "A8B5FE540E38A5A9",
		pay.WithURL(sb.Endpoint()), pay.WithHTTPClient(sb.HTTPClient()),
		pay.WithOperatorID("0000000437"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	req := &pay.ActivePayRetailRequest{
		Amount:      1250, // 12.50
		BizType:     "WECHATPAY",
		CallBackURL: "http://127.0.0.1:1/ottpay/callback",
	}
	rsp, err := c.ActivePayRetail(ctx, req)
	if err != nil {
		log.Fatal(err) // errors.Is(err, pay.ErrOutcomeUnknown): query the order it names
	}
	fmt.Println(rsp.Code, rsp.Opened.Verified, rsp.Sandbox, rsp.CodeURL != "")
	fmt.Println("order id generated:", len(rsp.RequestOrderID) == pay.OrderIDLength)

	// Sending the same order id again is refused by the gateway.
	req.OrderID = rsp.RequestOrderID
	_, err = c.ActivePayRetail(ctx, req)
	fmt.Println(errors.Is(err, pay.ErrOrderUsed))
	// Output:
	// SUCCESS true true true
	// order id generated: true
	// true
}
