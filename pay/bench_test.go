package pay_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// memTransport answers every request with one sealed body, in memory, so
// that the benchmarks measure the client and not the network.
type memTransport struct{ body []byte }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
		Body: io.NopCloser(bytes.NewReader(m.body))}, nil
}

const benchOrder = "12345678901234567890"

func benchResponse(b *testing.B) []byte {
	var d codec.Object
	d.SetString("code_url", "weixin://wxpay/bizpayurl?pr=abcdefg")
	d.SetString("order_id", benchOrder)
	return sealResponse(b, "SUCCESS", "success", &d, testKey)
}

// BenchmarkActivePay is one typed payment through the client: build,
// validate, seal, POST (in memory), decode strictly, verify, check, type.
// Compare with BenchmarkCodecOnly, the codec work alone.
func BenchmarkActivePay(b *testing.B) {
	c, err := pay.NewClient(testMerchant, testKey, pay.WithURL("http://127.0.0.1/processV2"),
		pay.WithHTTPClient(&http.Client{Transport: memTransport{benchResponse(b)}}))
	if err != nil {
		b.Fatal(err)
	}
	req := &pay.ActivePayRetailRequest{OrderID: benchOrder, OperatorID: "0000000437", Amount: 100,
		BizType: "WECHATPAY", CallBackURL: "https://shop.example/back"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ActivePayRetail(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodecOnly seals the same request and decodes the same response
// with the codec alone: the floor BenchmarkActivePay is measured against.
func BenchmarkCodecOnly(b *testing.B) {
	body := benchResponse(b)
	b.ReportAllocs()
	for b.Loop() {
		var d codec.Object
		d.SetString("order_id", benchOrder)
		d.SetString("operator_id", "0000000437")
		d.SetString("amount", "100")
		d.SetString("biz_type", "WECHATPAY")
		d.SetString("call_back_url", "https://shop.example/back")
		d.SetString("merchant_id", testMerchant)
		env := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: testMerchant}
		if err := env.Seal(&d, testKey, codec.RuleStrings); err != nil {
			b.Fatal(err)
		}
		if _, err := env.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
		if _, _, err := codec.DecodeBody(body, testKey); err != nil {
			b.Fatal(err)
		}
	}
}
