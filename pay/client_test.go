package pay_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// C6: the defaults are the documented endpoint and a client with a finite
// timeout, never http.DefaultClient.
func TestNewClientDefaults(t *testing.T) {
	c, err := pay.NewClient(testMerchant, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if c.URL() != pay.ProductionURL || pay.ProductionURL != "https://frontapi.ottpay.com:443/processV2" {
		t.Errorf("URL() = %q, want the documented %q", c.URL(), pay.ProductionURL)
	}
	if c.HTTPClient() == http.DefaultClient {
		t.Error("the default HTTP client is http.DefaultClient")
	}
	if c.HTTPClient().Timeout <= 0 {
		t.Errorf("the default HTTP client's timeout is %v, want > 0", c.HTTPClient().Timeout)
	}
	if c.MerchantID() != testMerchant {
		t.Errorf("MerchantID() = %q", c.MerchantID())
	}
}

func TestNewClientRefusesBadSettings(t *testing.T) {
	cases := []struct {
		name        string
		merchant    string
		key         string
		opt         pay.Option
		want        error  // matched with errors.Is, if not nil
		wantMessage string // in the error text
	}{
		{"empty key", testMerchant, "", nil, codec.ErrEmptySignKey, "sign key"},
		{"empty merchant", "", testKey, nil, nil, "merchant id"},
		{"relative URL", testMerchant, testKey, pay.WithURL("/processV2"), nil, "absolute"},
		{"ftp URL", testMerchant, testKey, pay.WithURL("ftp://127.0.0.1/processV2"), nil, "http"},
		{"nil HTTP client", testMerchant, testKey, pay.WithHTTPClient(nil), nil, "non-nil"},
		{"unknown rule", testMerchant, testKey, pay.WithRule("cobol"), nil, "WithRule"},
		{"negative retries", testMerchant, testKey, pay.WithQueryRetries(-1, 0), nil, "n >= 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pay.NewClient(tc.merchant, tc.key, tc.opt)
			if err == nil || c != nil {
				t.Fatalf("NewClient = %v, %v; want an error", c, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v is not %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.wantMessage) {
				t.Errorf("error %q does not mention %q", err, tc.wantMessage)
			}
			noKey(t, err.Error())
		})
	}
}

// requestVector is one documented request from testdata/requests.json.
type requestVector struct {
	ID, Source, Action, Variant string
	SignKey                     string `json:"sign_key"`
	MerchantID                  string `json:"merchant_id"`
	Version, MD5, Plaintext     string
}

func loadRequestVectors(t *testing.T) map[string]requestVector {
	t.Helper()
	b, err := os.ReadFile("testdata/requests.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Vectors []requestVector }
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]requestVector{}
	for _, v := range file.Vectors {
		out[v.ID] = v
	}
	if len(out) != 2 {
		t.Fatalf("testdata/requests.json holds %d vectors, want 2", len(out))
	}
	return out
}

// vectorValues reads a vector's plaintext and returns a getter that
// records which members the test used, and a check that all were.
func vectorValues(t *testing.T, v requestVector) (get func(string) string, cents func(string) pay.Cents, allUsed func()) {
	o, err := codec.ParseObject([]byte(v.Plaintext))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	get = func(k string) string {
		val, ok := o.Get(k)
		if !ok {
			t.Fatalf("%s: no %q in the documented data", v.ID, k)
		}
		used[k] = true
		return val.Text
	}
	cents = func(k string) pay.Cents {
		c, err := pay.ParseCents(get(k))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	allUsed = func() {
		for _, m := range o.Members {
			if !used[m.Key] {
				t.Errorf("%s: the test does not set %q", v.ID, m.Key)
			}
		}
	}
	return get, cents, allUsed
}

// C2: typed requests built from the documented values give the documented
// md5, in one POST with the documented headers.
func TestDocumentedRequests(t *testing.T) {
	vectors := loadRequestVectors(t)
	check := func(t *testing.T, f *fake, v requestVector) {
		t.Helper()
		got := f.requests()
		if len(got) != 1 {
			t.Fatalf("the gateway got %d requests, want 1", len(got))
		}
		r := got[0]
		if r.Method != http.MethodPost || r.Path != "/processV2" {
			t.Errorf("request %s %s, want POST /processV2", r.Method, r.Path)
		}
		if r.ContentType != "application/json" || r.Accept != "application/json" {
			t.Errorf("Content-Type %q, Accept %q; want application/json", r.ContentType, r.Accept)
		}
		if r.OpenErr != nil {
			t.Fatalf("the request does not open: %v", r.OpenErr)
		}
		if r.Env.MD5 != v.MD5 {
			t.Errorf("md5 %s, want the documented %s", r.Env.MD5, v.MD5)
		}
		if r.Env.Action != v.Action || r.Env.Version != v.Version || r.Env.MerchantID != v.MerchantID {
			t.Errorf("envelope %s %s %s, want %s %s %s", r.Env.Action, r.Env.Version, r.Env.MerchantID,
				v.Action, v.Version, v.MerchantID)
		}
		doc, _ := codec.ParseObject([]byte(v.Plaintext))
		if len(r.Data.Members) != len(doc.Members) {
			t.Errorf("the request data has %d members, the documented %d", len(r.Data.Members), len(doc.Members))
		}
		for _, m := range doc.Members {
			if got, _ := r.Data.Get(m.Key); got != m.Value {
				t.Errorf("%s = %q, documented %q", m.Key, got.Text, m.Value.Text)
			}
		}
		noKey(t, string(r.Body))
	}

	t.Run("H5PAY", func(t *testing.T) {
		v := vectors["h5pay-request"]
		get, cents, allUsed := vectorValues(t, v)
		f := newFake(t)
		rsp, err := f.client(t).H5Pay(context.Background(), &pay.H5PayRequest{
			SubmitType:   get("submit_type"),
			ShopID:       get("shop_id"),
			Amount:       cents("amount"),
			CurrencyType: get("currency_type"),
			OpenID:       get("open_id"),
			OperatorID:   get("operator_id"),
			BizType:      get("biz_type"),
			MerchantID:   get("merchant_id"),
			OrderID:      get("order_id"),
			CallBackURL:  get("call_back_url"),
		})
		allUsed()
		if err != nil {
			t.Fatal(err)
		}
		check(t, f, v)
		if rsp.RequestOrderID != "20220510125455761" || rsp.OrderID != rsp.RequestOrderID {
			t.Errorf("order ids %q / %q, want the request's", rsp.RequestOrderID, rsp.OrderID)
		}
		if rsp.PayInfo != "v-payinfo" || rsp.Amount != 100 || len(rsp.Extra) != 0 {
			t.Errorf("typed response %+v", rsp)
		}
	})
	t.Run("PREPAY_INIT", func(t *testing.T) {
		v := vectors["prepay-init-request"]
		get, cents, allUsed := vectorValues(t, v)
		f := newFake(t)
		rsp, err := f.client(t).PrepayInit(context.Background(), &pay.PrepayInitRequest{
			Amount:        cents("amount"),
			SaleNum:       get("sale_num"),
			OperatorID:    get("operator_id"),
			PrepayOrderID: get("prepay_order_id"),
			BizType:       get("biz_type"),
			MerchantID:    get("merchant_id"),
			Duration:      get("duration"),
			ShopID:        get("shop_id"),
			CurrencyType:  get("currency_type"),
			Email:         get("email"),
			Remarks:       get("remarks"),
			RedirectURL:   get("redirect_url"),
			CallBackURL:   get("call_back_url"),
		})
		allUsed()
		if err != nil {
			t.Fatal(err)
		}
		check(t, f, v)
		if rsp.RequestOrderID != "prepay20220727132626764" {
			t.Errorf("RequestOrderID %q, want the prepay_order_id sent", rsp.RequestOrderID)
		}
		if !rsp.Opened.Verified || rsp.Code != "SUCCESS" || rsp.Processing() {
			t.Errorf("result %+v", rsp.Result)
		}
	})
}

// The client fills the merchant, operator and shop ids the caller left
// empty, and keeps the caller's when given.
func TestDefaultIDs(t *testing.T) {
	f := newFake(t)
	c := f.client(t, pay.WithOperatorID("0000000437"), pay.WithShopID("ON00004652001"))
	req := &pay.H5PayRequest{Amount: 5, CurrencyType: "CAD", BizType: "WECHATPAY", SubmitType: "form",
		CallBackURL: "https://shop.example/back"}
	if _, err := c.H5Pay(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	req.OperatorID, req.ShopID = "0000000999", "ON00004652002"
	if _, err := c.H5Pay(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := f.requests()
	want := []map[string]string{
		{"operator_id": "0000000437", "shop_id": "ON00004652001", "merchant_id": testMerchant},
		{"operator_id": "0000000999", "shop_id": "ON00004652002", "merchant_id": testMerchant},
	}
	for i, w := range want {
		for k, v := range w {
			if g, _ := got[i].Data.Get(k); g.Text != v {
				t.Errorf("request %d: %s = %q, want %q", i, k, g.Text, v)
			}
		}
	}
}

// A money-moving request without an order id gets a fresh one within the
// documented limits; the caller sees it in the result.
func TestGeneratedOrderIDs(t *testing.T) {
	f := newFake(t)
	c := f.client(t, pay.WithOperatorID("0000000437"))
	seen := map[string]bool{}
	for range 3 {
		rsp, err := c.ActivePayRetail(context.Background(), &pay.ActivePayRetailRequest{
			Amount: 100, BizType: "WECHATPAY", CallBackURL: "https://shop.example/back"})
		if err != nil {
			t.Fatal(err)
		}
		id := rsp.RequestOrderID
		if len(id) != pay.OrderIDLength || strings.Trim(id, "0123456789") != "" || id[0] == '0' {
			t.Errorf("generated order id %q is not %d digits", id, pay.OrderIDLength)
		}
		if seen[id] {
			t.Errorf("order id %q generated twice", id)
		}
		seen[id] = true
		if rsp.OrderID != id {
			t.Errorf("response order id %q, request's %q", rsp.OrderID, id)
		}
	}
	// Card actions allow at most 20 letters and digits (orderId).
	rsp, err := c.CCPurchaseUnionPaySecurePayPC(context.Background(), &pay.CCPurchaseUnionPaySecurePayPCRequest{
		TxnTime: "20240101120000", TxnAmt: 100, FrontURL: "https://shop.example/front",
		BackURL: "https://shop.example/back", ChannelType: "07", BizType: "000201", CCChannelType: "securePay"})
	if err != nil {
		t.Fatal(err)
	}
	last := f.requests()[len(f.requests())-1]
	if v, _ := last.Data.Get("orderId"); v.Text == "" || v.Text != rsp.RequestOrderID || len(v.Text) > 20 {
		t.Errorf("card orderId %q, result's %q", v.Text, rsp.RequestOrderID)
	}
	for _, p := range catalog.ValidateData(catalog.Lookup("CC_PURCHASE/unionpay-securepay-pc")[0], codec.Request, last.Data) {
		if p.Field == "orderId" && p.Severity != catalog.Info {
			t.Errorf("the generated card order id breaks the docs: %v", p)
		}
	}
}

// Data the docs call wrong is refused before anything is sent.
func TestInvalidRequestIsNotSent(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	_, err := c.ActivePayRetail(context.Background(), &pay.ActivePayRetailRequest{Amount: 100})
	if !errors.Is(err, pay.ErrInvalidRequest) {
		t.Fatalf("error %v, want ErrInvalidRequest", err)
	}
	for _, field := range []string{"operator_id", "biz_type", "call_back_url"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
	_, err = c.ActivePayRetail(context.Background(), &pay.ActivePayRetailRequest{Amount: -1,
		OperatorID: "0000000437", BizType: "WECHATPAY", CallBackURL: "https://shop.example/back"})
	if !errors.Is(err, pay.ErrInvalidRequest) || !strings.Contains(err.Error(), "amount") {
		t.Errorf("negative amount: error %v", err)
	}
	_, err = c.StatusQuery(context.Background(), &pay.StatusQueryRequest{
		Extra: []codec.Member{{Key: "order_id", Value: codec.Value{Text: "1"}}}})
	if err == nil {
		t.Error("an Extra member shadowing a documented field was accepted")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("the gateway got %d requests, want 0", n)
	}
}

// Unknown response members are kept, in order; every result keeps the raw
// envelopes and the opened data; the sandbox header is reported.
func TestResponseKeepsEverything(t *testing.T) {
	f := newFake(t)
	f.setAnswer(func(w http.ResponseWriter, _ *http.Request, rec *received) {
		d := responseData(rec)
		d.SetString("zz_new", "1")
		d.SetString("aa_new", "2")
		w.Header().Set("X-OTTPay-Sandbox", "test")
		f.reply(w, "SUCCESS", "success", d, testKey)
	})
	rsp, err := f.client(t).StatusQuery(context.Background(), &pay.StatusQueryRequest{OrderID: "123"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rsp.Extra) != 2 || rsp.Extra[0].Key != "zz_new" || rsp.Extra[1].Key != "aa_new" {
		t.Errorf("Extra = %+v, want zz_new then aa_new", rsp.Extra)
	}
	if !rsp.Sandbox || rsp.HTTPStatus != 200 || rsp.Envelope == nil || rsp.Request == nil || rsp.Data() == nil {
		t.Errorf("result %+v", rsp.Result)
	}
	if rsp.Request.Action != "STATUS_QUERY" || rsp.Envelope.RspCode != "SUCCESS" {
		t.Errorf("envelopes %+v / %+v", rsp.Request, rsp.Envelope)
	}
	if rsp.OrderStatus != "v-order_status" || rsp.TotalAmount != 100 {
		t.Errorf("typed fields %+v", rsp)
	}
}

// The observer sees every attempt's sealed bodies, never the key.
func TestObserver(t *testing.T) {
	f := newFake(t)
	var seen []pay.Exchange
	c := f.client(t, pay.WithObserver(func(e pay.Exchange) { seen = append(seen, e) }))
	if _, err := c.ExRateQuery(context.Background(), &pay.ExRateQueryRequest{FeeType: "CAD"}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("observer called %d times, want 1", len(seen))
	}
	e := seen[0]
	if e.Action != "EX_RATE_QUERY" || e.Status != 200 || e.Attempt != 1 || e.Err != nil || e.URL != f.URL() {
		t.Errorf("exchange %+v", e)
	}
	if string(e.Request) != string(f.requests()[0].Body) {
		t.Error("the observed request is not the body sent")
	}
	env, _, err := codec.DecodeBody(e.Response, testKey)
	if err != nil || env.RspCode != "SUCCESS" {
		t.Errorf("the observed response does not decode: %v", err)
	}
	noKey(t, string(e.Request)+string(e.Response))
}

// Do sends any action; the caller's data is not changed.
func TestDo(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	var data codec.Object
	data.SetString("operator_id", "0000000437")
	data.SetString("amount", "100")
	data.SetString("biz_type", "ALIPAY")
	data.SetString("call_back_url", "https://shop.example/back")
	res, err := c.Do(context.Background(), "ACTIVEPAY", "", &data)
	if err != nil {
		t.Fatal(err)
	}
	if len(data.Members) != 4 {
		t.Errorf("Do changed the caller's data: %+v", data.Members)
	}
	sent := f.requests()[0]
	if v, _ := sent.Data.Get("order_id"); v.Text == "" || v.Text != res.RequestOrderID {
		t.Errorf("sent order_id %q, result %q", v.Text, res.RequestOrderID)
	}
	if sent.Env.Version != "1.0" {
		t.Errorf("version %q, want the catalogue's 1.0", sent.Env.Version)
	}
	// An action the catalogue does not know needs a version.
	if _, err := c.Do(context.Background(), "NEW_ACTION", "", &data); err == nil {
		t.Error("Do sent an unknown action without a version")
	}
	if _, err := c.Do(context.Background(), "NEW_ACTION", "3.0", &data); err != nil {
		t.Fatal(err)
	}
	if got := f.requests(); len(got) != 2 || got[1].Env.Action != "NEW_ACTION" || got[1].Env.Version != "3.0" {
		t.Errorf("requests %d", len(got))
	}
}
