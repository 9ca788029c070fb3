package callback_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// H1: the callback the docs publish parses with every field typed from its
// decrypted data, and the handler acknowledges it with 200 and exactly
// "SUCCESS".
func TestPublishedCallback(t *testing.T) {
	v := loadVector(t)
	n, err := callback.Parse([]byte(v.Body), testKeys(v))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	var plain map[string]string
	if err := json.Unmarshal([]byte(v.Plaintext), &plain); err != nil {
		t.Fatal(err)
	}
	cents := func(s string) pay.Cents {
		c, err := pay.ParseCents(s)
		if err != nil {
			t.Fatalf("vector amount %q: %v", s, err)
		}
		return c
	}
	want := callback.Notification{
		MerchantID: plain["merchant_id"], OrderID: plain["order_id"], OrderStatus: plain["order_status"],
		Amount: cents(plain["amount"]), Tip: cents(plain["tip"]),
		BizpayOrderID: plain["bizpay_order_id"], Remarks: plain["remarks"], SubOpenID: plain["sub_openId"],
		ExchangeRate: plain["exchange_rate"], FinishTime: plain["finish_time"],
		Rule: codec.RuleStrings,
	}
	got := *n
	got.Data, got.Envelope = nil, nil
	if got != want {
		t.Errorf("Notification\n got %+v\nwant %+v", got, want)
	}
	if got.Amount != 3 || got.Tip != 1 || got.Remarks != "可以" {
		t.Errorf("amount %d tip %d remarks %q: the vector says 3, 1, 可以", got.Amount, got.Tip, got.Remarks)
	}
	// Data is the decrypted object, every member in the order sent.
	if d := string(n.Data.AppendJSON(nil)); d != v.Plaintext {
		t.Errorf("Data\n got %s\nwant %s", d, v.Plaintext)
	}
	if n.Envelope == nil || n.Envelope.Kind != codec.Callback || n.Envelope.MerchantID != merchant || n.Envelope.MD5 == "" {
		t.Errorf("Envelope %+v, want the callback envelope of %s", n.Envelope, merchant)
	}
	if k := n.Key(); k != (callback.Key{MerchantID: merchant, OrderID: plain["order_id"]}) {
		t.Errorf("Key %+v", k)
	}

	var rec recorder
	s := serve(t, callback.NewHandler(testKeys(v), rec.fn))
	a := post(t, s.Client(), s.URL+"/ottpay/callback", []byte(v.Body))
	if a.status != http.StatusOK || a.body != "SUCCESS" {
		t.Fatalf("answer %d %q, want 200 %q", a.status, a.body, "SUCCESS")
	}
	if cl := a.header.Get("Content-Length"); cl != "7" {
		t.Errorf("Content-Length %q, want 7", cl)
	}
	if rec.count() != 1 || typed(rec.calls[0]) != typed(n) {
		t.Fatalf("the function got %d calls, want 1 with the parsed notification", rec.count())
	}
}

// A tampered or foreign callback: what the handler must answer, and the
// layer and sentinel the error of Parse must name.
type tamperCase struct {
	name   string
	body   []byte
	keys   callback.Keys
	method string // "" is POST
	status int
	layers []codec.Layer // the layer must be one of these ("" for none: the handler alone refuses)
	is     error         // and the error must wrap this, when not nil
}

func tamperCases(t testing.TB, v vector) []tamperCase {
	body := []byte(v.Body)
	replace := func(edit func(e *codec.Envelope)) []byte { return editOuter(t, body, edit) }

	// A data byte: one Base64 character of the middle block changed to
	// another valid one.
	dataByte := replace(func(e *codec.Envelope) {
		b := []byte(e.Data)
		i := len(b) / 2
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		e.Data = string(b)
	})
	// The last data block, where the padding is.
	lastBlock := replace(func(e *codec.Envelope) {
		b := []byte(e.Data)
		i := len(b) - 3
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		e.Data = string(b)
	})
	md5Changed := replace(func(e *codec.Envelope) {
		b := []byte(e.MD5)
		if b[0] == 'F' {
			b[0] = 'E'
		} else {
			b[0] = 'F'
		}
		e.MD5 = string(b)
	})
	// The md5 of another message, with the data re-encrypted under the
	// key that md5 gives: it decrypts, and only the md5 check can refuse it.
	other := seal(t, `{"merchant_id":"ON00004652","order_id":"1","amount":"100000"}`, v.SignKey, codec.RuleStrings)
	otherEnv, err := codec.ParseEnvelope(other)
	if err != nil {
		t.Fatal(err)
	}
	foreignMD5 := replace(func(e *codec.Envelope) {
		data, err := codec.EncryptData(codec.AESKey(otherEnv.MD5, v.SignKey), []byte(v.Plaintext))
		if err != nil {
			t.Fatal(err)
		}
		e.Data, e.MD5 = data, otherEnv.MD5
	})
	md5Only := replace(func(e *codec.Envelope) { e.MD5 = otherEnv.MD5 })
	// Data of merchant ON00000002 sealed under ON00004652's key and sent
	// as ON00004652's; and data naming no merchant at all.
	foreignData := seal(t, `{"merchant_id":"ON00000002","order_id":"7","amount":"100"}`, v.SignKey, codec.RuleStrings)
	foreignData = editOuter(t, foreignData, func(e *codec.Envelope) { e.MerchantID = merchant })
	noMerchant := editOuter(t, seal(t, `{"merchant_id":"X","order_id":"7","amount":"100"}`, v.SignKey, codec.RuleStrings), func(e *codec.Envelope) {
		o, _ := codec.ParseObject([]byte(`{"order_id":"7","amount":"100"}`))
		if err := e.Seal(o, v.SignKey, codec.RuleStrings); err != nil {
			t.Fatal(err)
		}
		e.MerchantID = merchant
	})
	response := replace(func(e *codec.Envelope) { e.Kind, e.MerchantID = codec.Response, "" })
	unknown := replace(func(e *codec.Envelope) { e.MerchantID = "ON99999999" })
	unknownBadMD5 := replace(func(e *codec.Envelope) { e.MerchantID, e.MD5 = "ON99999999", "x" })
	unknownBadBase64 := replace(func(e *codec.Envelope) { e.MerchantID, e.Data = "ON99999999", "%%%%" })
	wrongKeys := callback.KeyMap(map[string]string{merchant: otherKey})
	badAmount := seal(t, `{"merchant_id":"ON00004652","order_id":"8","amount":"1.50"}`, v.SignKey, codec.RuleStrings)
	twoSpellings := seal(t, `{"merchant_id":"ON00004652","order_id":"8","orderId":"9"}`, v.SignKey, codec.RuleStrings)
	overLimit := append(append([]byte(nil), body...), bytes.Repeat([]byte(" "), callback.DefaultMaxBody)...)

	decrypted := []codec.Layer{codec.LayerDecrypt, codec.LayerPlaintext, codec.LayerVerify}
	return []tamperCase{
		{name: "a data byte", body: dataByte, status: 401, layers: decrypted},
		{name: "the last data block", body: lastBlock, status: 401, layers: decrypted},
		{name: "the md5 changed", body: md5Changed, status: 401, layers: decrypted},
		{name: "the md5 of another message", body: md5Only, status: 401, layers: decrypted},
		{name: "the md5 of another message, data re-encrypted", body: foreignMD5, status: 401, layers: []codec.Layer{codec.LayerVerify}, is: codec.ErrMD5Mismatch},
		{name: "a wrong key", body: body, keys: wrongKeys, status: 401, layers: decrypted},
		{name: "inner merchant_id not the key's merchant", body: foreignData, status: 401, layers: []codec.Layer{callback.LayerMerchant}, is: callback.ErrMerchantMismatch},
		{name: "no inner merchant_id", body: noMerchant, status: 401, layers: []codec.Layer{callback.LayerMerchant}, is: callback.ErrMerchantMismatch},
		{name: "an unknown merchant", body: unknown, status: 401, layers: []codec.Layer{callback.LayerMerchant}, is: callback.ErrUnknownMerchant},
		{name: "an unknown merchant, md5 not hex", body: unknownBadMD5, status: 400, layers: []codec.Layer{codec.LayerEnvelope}, is: codec.ErrBadMD5},
		{name: "an unknown merchant, data not Base64", body: unknownBadBase64, status: 400, layers: []codec.Layer{codec.LayerBase64}, is: codec.ErrBase64},
		{name: "truncated", body: body[:len(body)/2], status: 400, layers: []codec.Layer{codec.LayerEnvelope}, is: codec.ErrNotJSON},
		{name: "not JSON", body: []byte("rsp_code=SUCCESS&data=x"), status: 400, layers: []codec.Layer{codec.LayerEnvelope}, is: codec.ErrNotJSON},
		{name: "empty", body: nil, status: 400, layers: []codec.Layer{codec.LayerEnvelope}},
		{name: "a response, not a callback", body: response, status: 400, layers: []codec.Layer{codec.LayerEnvelope}, is: callback.ErrNotCallback},
		{name: "an amount that is not cents", body: badAmount, status: 400, layers: []codec.Layer{callback.LayerFields}, is: callback.ErrField},
		{name: "two spellings of order_id", body: twoSpellings, status: 400, layers: []codec.Layer{callback.LayerFields}, is: callback.ErrField},
		{name: "over the limit", body: overLimit, status: 413},
		{name: "GET", body: body, method: http.MethodGet, status: 405},
		{name: "PUT", body: body, method: http.MethodPut, status: 405},
	}
}

// H2: every tampered or foreign callback is refused with a 4xx before the
// function is called; the error names the layer and carries no key.
func TestTamperMatrix(t *testing.T) {
	v := loadVector(t)
	for _, tc := range tamperCases(t, v) {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.keys
			if keys == nil {
				keys = testKeys(v)
			}
			md5 := ""
			if e, err := codec.ParseEnvelope(tc.body); err == nil {
				md5 = e.MD5
			}
			secrets := keyMaterial(md5, v.SignKey, otherKey, thirdKey)

			if tc.layers != nil {
				n, err := callback.Parse(tc.body, keys)
				if err == nil {
					t.Fatalf("Parse accepted it: %+v", n)
				}
				var ce *codec.Error
				if !errors.As(err, &ce) {
					t.Fatalf("error %v is not a *codec.Error", err)
				}
				if !layerIn(ce.Layer, tc.layers) {
					t.Errorf("layer %q, want one of %q (error: %v)", ce.Layer, tc.layers, err)
				}
				if !strings.HasPrefix(err.Error(), string(ce.Layer)+": ") || ce.What == "" {
					t.Errorf("error %q does not start with its layer and say what was wrong", err)
				}
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Errorf("error %v does not wrap %v", err, tc.is)
				}
				if got := callback.HTTPStatus(err); got != tc.status {
					t.Errorf("HTTPStatus %d, want %d", got, tc.status)
				}
				noSecrets(t, "error", err.Error(), secrets)
				if len(err.Error()) > 600 {
					t.Errorf("error is %d bytes long: %q", len(err.Error()), err)
				}
			}

			var rec recorder
			var log logBuffer
			s := serve(t, callback.NewHandler(keys, rec.fn, callback.WithLogger(log.logger())))
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, s.URL, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			a := do(t, s.Client(), req)
			if a.status != tc.status {
				t.Errorf("answered %d %q, want %d", a.status, a.body, tc.status)
			}
			if rec.count() != 0 {
				t.Errorf("the function was called %d times, want 0", rec.count())
			}
			if tc.status == 405 && a.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow %q, want POST", a.header.Get("Allow"))
			}
			if a.body == "SUCCESS" || strings.Contains(a.body, "SUCCESS") {
				t.Errorf("a refusal answered %q", a.body)
			}
			noSecrets(t, "answer", a.body, secrets)
			l := log.String()
			if !strings.Contains(l, "status="+strconv.Itoa(tc.status)) {
				t.Errorf("the log does not record the refusal: %q", l)
			}
			noSecrets(t, "log", l, secrets)
			if strings.Contains(l, v.Body[10:60]) {
				t.Errorf("the log holds the body: %q", l)
			}
		})
	}
}

func layerIn(l codec.Layer, ls []codec.Layer) bool {
	for _, x := range ls {
		if l == x {
			return true
		}
	}
	return false
}

func noSecrets(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the %s contains key material %q: %q", what, s, text)
		}
	}
}

// H3: the outer rsp_code, rsp_msg and merchant_id are not protected.
// Editing them never changes the Notification: either it parses to the
// same one, or the key lookup or the merchant check refuses it. A
// PROCESSING callback stays PROCESSING whatever rsp_code says.
func TestOuterMembersDecideNothing(t *testing.T) {
	v := loadVector(t)
	// ON00000003 shares the documented merchant's key: relabelling a
	// callback as its must still be refused by the merchant check.
	keys := callback.KeyMap(map[string]string{merchant: v.SignKey, otherMerchant: otherKey, "ON00000003": v.SignKey})
	processing := seal(t, `{"merchant_id":"ON00004652","order_id":"P1","order_status":"PROCESSING","amount":"500"}`, v.SignKey, codec.RuleStrings)
	processing = editOuter(t, processing, func(e *codec.Envelope) { e.RspCode, e.RspMsg = "PROCESSING", "in progress" })

	for _, base := range [][]byte{[]byte(v.Body), processing} {
		orig, err := callback.Parse(base, keys)
		if err != nil {
			t.Fatal(err)
		}
		edits := []struct {
			name string
			edit func(e *codec.Envelope)
			ok   bool // parses (to the same notification)
		}{
			{"rsp_code SUCCESS", func(e *codec.Envelope) { e.RspCode = "SUCCESS" }, true},
			{"rsp_code FAIL", func(e *codec.Envelope) { e.RspCode = "FAIL" }, true},
			{"rsp_code ORDER_PAID", func(e *codec.Envelope) { e.RspCode = "ORDER_PAID" }, true},
			{"rsp_msg with control characters", func(e *codec.Envelope) { e.RspMsg = "paid\n\x1b[31mOK" }, true},
			{"rep_code spelling", func(e *codec.Envelope) { e.RspCodeName = "rep_code"; e.RspCode = "SUCCESS" }, true},
			{"merchant_id of another known merchant", func(e *codec.Envelope) { e.MerchantID = otherMerchant }, false},
			{"merchant_id of a merchant sharing the key", func(e *codec.Envelope) { e.MerchantID = "ON00000003" }, false},
			{"merchant_id unknown", func(e *codec.Envelope) { e.MerchantID = "ON99999999" }, false},
			{"merchant_id lower-cased", func(e *codec.Envelope) { e.MerchantID = strings.ToLower(e.MerchantID) }, false},
		}
		for _, ed := range edits {
			body := editOuter(t, base, ed.edit)
			n, err := callback.Parse(body, keys)
			if !ed.ok {
				if err == nil {
					t.Errorf("%s: accepted as %+v", ed.name, n)
				} else if !errors.Is(err, callback.ErrUnknownMerchant) && !errors.Is(err, callback.ErrMerchantMismatch) && callback.HTTPStatus(err) != 401 {
					t.Errorf("%s: %v, want the key lookup or the merchant check to refuse it", ed.name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", ed.name, err)
				continue
			}
			if typed(n) != typed(orig) {
				t.Errorf("%s changed the notification:\n%s\n%s", ed.name, typed(n), typed(orig))
			}
			if orig.OrderStatus == "PROCESSING" && n.OrderStatus != "PROCESSING" {
				t.Errorf("%s turned PROCESSING into %q", ed.name, n.OrderStatus)
			}
		}
	}
}

// H6: callbacks whose data holds numbers, booleans and nulls verify under
// the rule of the sender that made them, and the Notification says which.
// The bodies are written as those senders write them: Gson's \u003d and
// Base64 wrapped every 60 characters for Java, PHP's \/ escapes.
func TestSenderRules(t *testing.T) {
	v := loadVector(t)
	cases := []struct {
		rule   codec.Rule
		data   string // the plaintext as the sender writes it
		amount pay.Cents
	}{
		// js and php agree on 1.5 and 300; java writes 300.0, cryptojs 1.5.0.
		{codec.RuleJava, `{"merchant_id":"ON00004652","order_id":"J1","amount":300.0,"rate":1.5,"remarks":"a\u003db"}`, 300},
		{codec.RuleJS, `{"merchant_id":"ON00004652","order_id":"S1","amount":"300","tip":25,"paid":true}`, 300},
		{codec.RulePHP, `{"merchant_id":"ON00004652","order_id":"P1","amount":"300","paid":true,"url":"https:\/\/shop.example\/r"}`, 300},
		{codec.RuleCryptoJS, `{"merchant_id":"ON00004652","order_id":"C1","amount":"300","rate":1.5}`, 300},
	}
	for _, c := range cases {
		t.Run(string(c.rule), func(t *testing.T) {
			o, err := codec.ParseObject([]byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			md5, err := codec.Digest(o, c.rule)
			if err != nil {
				t.Fatal(err)
			}
			data, err := codec.EncryptData(codec.AESKey(md5, v.SignKey), []byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if c.rule == codec.RuleJava {
				data = wrap(data, 60, "\r\n")
			}
			env := codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: merchant,
				Data: data, MD5: md5, HasData: true, HasMD5: true}
			body, err := env.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			n, err := callback.Parse(body, testKeys(v))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if n.Rule != c.rule {
				t.Errorf("Rule %q, want %q", n.Rule, c.rule)
			}
			if n.Amount != c.amount {
				t.Errorf("Amount %d, want %d", n.Amount, c.amount)
			}
			// Under the documented scheme alone the same data does not
			// verify: the rule is what made it pass.
			if _, err := codec.Digest(o, codec.RuleStrings); err == nil {
				t.Errorf("the case's data is all strings; it does not test the rule")
			}
		})
	}
}

func wrap(s string, n int, sep string) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteString(sep)
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}
