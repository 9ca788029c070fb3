package callback_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/callback/callbacktest"
)

// A merchant's callback handler, and a test of it with a callback made by
// callbacktest.
func ExampleNewHandler() {
	keys, err := callback.ParseKeys([]byte(`{"ON00004652":"A8B5FE540E38A5A9"}`))
	if err != nil {
		panic(err)
	}
	h := callback.NewHandler(keys, func(ctx context.Context, n *callback.Notification) error {
		// Check the amount against the order, then confirm the status
		// with a query before delivering.
		fmt.Println("order", n.OrderID, "amount", n.Amount.Money(), "verified under", n.Rule)
		return nil
	}, callback.WithLogger(slog.New(slog.DiscardHandler)))

	n := &callback.Notification{MerchantID: "ON00004652", OrderID: "16795056216014900", Amount: 300}
	body, err := callbacktest.Body(callbacktest.Object(n), "A8B5FE540E38A5A9", "")
	if err != nil {
		panic(err)
	}
	for range 2 { // the second copy is acknowledged without calling the function
		w := httptest.NewRecorder()
		h.ServeHTTP(w, callbacktest.NewRequest("/ottpay/callback", body))
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// order 16795056216014900 amount 3.00 verified under strings
	// 200 SUCCESS
	// 200 SUCCESS
}
