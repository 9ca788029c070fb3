package codec_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// A request is built from transaction data whose member order and value
// text are kept exactly, then sealed with the merchant's sign key.
func ExampleEnvelope_Seal() {
	var data codec.Object
	data.SetString("orderId", "1234567890")
	data.SetString("amount", "100")
	req := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: "QC00005496"}
	if err := req.Seal(&data, "6698851A525C9433", codec.RuleStrings); err != nil {
		fmt.Println(err)
		return
	}
	body, err := json.Marshal(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(body))
	// Output:
	// {"action":"ACTIVEPAY","version":"1.0","merchant_id":"QC00005496","data":"H8cUqzni7kK748V/05k1NYqbU/w7O1ywAqy0Dgo501xmp55JN14fB2f4LrDXXXx7","md5":"BB88AB70A86F07BD6CAA8D8D67F1CCAE"}
}

// A callback handler decodes one HTTP body under the strict rules and
// tells a wrong key from a message that does not verify.
func ExampleDecodeBody() {
	body := []byte(`{"action":"ACTIVEPAY","version":"1.0","merchant_id":"QC00005496","data":"H8cUqzni7kK748V/05k1NYqbU/w7O1ywAqy0Dgo501xmp55JN14fB2f4LrDXXXx7","md5":"BB88AB70A86F07BD6CAA8D8D67F1CCAE"}`)
	for _, key := range []string{"6698851A525C9433", "0000000000000000"} {
		env, opened, err := codec.DecodeBody(body, key)
		switch {
		case errors.Is(err, codec.ErrMD5Mismatch):
			fmt.Println("decrypted, but the md5 does not verify: do not trust it")
		case errors.Is(err, codec.ErrPadding):
			fmt.Println("wrong sign key")
		case err != nil:
			fmt.Println(err)
		default:
			amount, _ := opened.Object.Get("amount")
			fmt.Println(env.Action, env.MerchantID, "verified under", opened.Rule, "amount", amount.Text)
		}
	}
	// Output:
	// ACTIVEPAY QC00005496 verified under strings amount 100
	// wrong sign key
}
