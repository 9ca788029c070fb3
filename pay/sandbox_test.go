package pay_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/pay"
	"github.com/ottpay-toolkit/ottpay/pay/internal/gen"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// C1: every catalogue action and variant round-trips through its typed
// method against the sandbox: the answer verifies, comes from the sandbox,
// and every documented response field lands in its typed field. Queries
// ask about orders the payments before them created.
func TestEveryVariantAgainstSandbox(t *testing.T) {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("SUCCESS"))
	}))
	defer receiver.Close()
	sb, err := sandbox.New(sandbox.Options{Merchants: map[string]string{testMerchant: testKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c, err := pay.NewClient(testMerchant, testKey, pay.WithURL(sb.Endpoint()),
		pay.WithHTTPClient(sb.HTTPClient()), pay.WithShopID("ON00004652001"))
	if err != nil {
		t.Fatal(err)
	}

	// Which payment's order each query (or refund) asks about.
	about := map[string]string{
		"STATUS_QUERY": "ACTIVEPAY", "REFUND": "PASSIVEPAY",
		"PREPAY_QUERY": "PREPAY_INIT", "CC_QUERYPAY": "CC_PURCHASE",
	}
	created := map[string]string{} // action name -> its first order id
	methods := typedMethods()
	tested := 0
	for _, a := range catalog.Actions() {
		m := methods[gen.MethodName(a)]
		id := func(f catalog.Field) string {
			if !f.IsRequired() && f.Name != "ori_order_id" {
				return "" // optional ids: generated for payments, left out of queries
			}
			return created[about[a.Name]]
		}
		req := fillRequest(t, a, m, receiver.URL+"/back", id)
		out := m.Func.Call([]reflect.Value{reflect.ValueOf(c), reflect.ValueOf(context.Background()), req})
		if err, _ := out[1].Interface().(error); err != nil {
			t.Errorf("%s: %v", a.ID(), err)
			continue
		}
		res := out[0].Elem().FieldByName("Result").Interface().(pay.Result)
		if !res.Sandbox {
			t.Errorf("%s: the answer does not say it came from the sandbox", a.ID())
		}
		if _, ok := created[a.Name]; !ok && res.RequestOrderID != "" {
			created[a.Name] = res.RequestOrderID
		}
		checkTypedResponse(t, a, out[0])
		tested++
	}
	if want := len(catalog.Actions()); tested != want {
		t.Errorf("%d of %d catalogue variants round-tripped", tested, want)
	}
}

// C5 with the sandbox: a payment whose answer is held (magic amount 94)
// fails with ErrOutcomeUnknown after the caller's 200 ms, and the order id
// the error names finds the order the sandbox did create.
func TestHeldPaymentThenQueryAgainstSandbox(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{Merchants: map[string]string{testMerchant: testKey}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c, err := pay.NewClient(testMerchant, testKey, pay.WithURL(sb.Endpoint()), pay.WithHTTPClient(sb.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.ActivePayRetail(ctx, &pay.ActivePayRetailRequest{OperatorID: "0000000437", Amount: 1094,
		BizType: "WECHATPAY", CallBackURL: "http://127.0.0.1:1/back"})
	var pe *pay.Error
	if !errors.Is(err, pay.ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &pe) {
		t.Fatalf("error %v, want ErrOutcomeUnknown wrapping context.DeadlineExceeded", err)
	}
	orders, err := sb.Orders()
	if err != nil || len(orders) != 1 {
		t.Fatalf("the sandbox holds %d orders (%v), want 1", len(orders), err)
	}
	rsp, err := c.StatusQuery(context.Background(), &pay.StatusQueryRequest{OrderID: pe.OrderID})
	if err != nil {
		t.Fatal(err)
	}
	if rsp.OrderID != pe.OrderID || rsp.OrderStatus != "PROCESSING" {
		t.Errorf("query found order %q in state %q, want %q PROCESSING", rsp.OrderID, rsp.OrderStatus, pe.OrderID)
	}
}
