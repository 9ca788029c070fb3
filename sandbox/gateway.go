package sandbox

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// MaxRequestBody bounds a request body to the gateway.
const MaxRequestBody = 1 << 20

// HoldLimit bounds how long a magic-94 response is held when the client
// does not give up first.
const HoldLimit = 65 * time.Second

// timeLayout is how the sandbox writes times (trade_time, finish_time,
// create_time, expire_time): the docs' examples' "2023-03-23 01:21:53".
const timeLayout = "2006-01-02 15:04:05"

// answer is the outcome of one request: a code, a message and, for a
// success, the transaction data of the response.
type answer struct {
	code, msg string
	data      *codec.Object
	action    catalog.Action
	hold      bool // magic 94
}

func fail(code, format string, args ...any) answer {
	return answer{code: code, msg: fmt.Sprintf(format, args...)}
}

// serveGateway answers POST /processV2 and /process.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	var ans answer
	var key string
	rule := s.rule
	if v := r.Header.Get(ValuesHeader); v != "" {
		rr, perr := codec.ParseRule(v)
		if perr == nil {
			perr = checkRule(rr)
		}
		if perr != nil {
			s.writeAnswer(w, r, fail("FAIL", "the %s header is %q: the sandbox sends as strings, js, php or java", ValuesHeader, excerpt([]byte(v), 40)), "", rule)
			return
		}
		rule = rr
	}
	if err != nil {
		ans = fail("FAIL", "the request body could not be read or is larger than %d bytes: %v", MaxRequestBody, err)
	} else {
		ans, key = s.process(body, rule)
	}
	if ans.hold {
		t := time.NewTimer(HoldLimit)
		select {
		case <-r.Context().Done():
		case <-s.ctx.Done():
		case <-t.C:
		}
		t.Stop()
		if r.Context().Err() != nil || s.ctx.Err() != nil {
			s.logf("magic amount 94: held the response until the client gave up")
			return
		}
	}
	s.writeAnswer(w, r, ans, key, rule)
}

// writeAnswer seals and writes the response envelope. A failure carries
// no data and no md5, as the gateway answers failures.
func (s *Server) writeAnswer(w http.ResponseWriter, r *http.Request, ans answer, key string, rule codec.Rule) {
	e := &codec.Envelope{Kind: codec.Response, RspCode: ans.code, RspMsg: ans.msg}
	if ans.data != nil && key != "" {
		if err := sealAs(e, asSender(ans.data, ans.action, codec.Response, rule), key, rule); err != nil {
			e = &codec.Envelope{Kind: codec.Response, RspCode: "SYSTEM_ERROR", RspMsg: "the sandbox could not seal its response: " + err.Error()}
		}
	}
	b, err := e.MarshalJSON()
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
	s.logf("%s %s -> %s %s", r.URL.Path, excerpt([]byte(ans.action.ID()), 64), ans.code, excerpt([]byte(ans.msg), 160))
}

// process decodes, validates and carries out one request.
func (s *Server) process(body []byte, rule codec.Rule) (answer, string) {
	env, err := codec.ParseEnvelope(body)
	if err != nil {
		return fail("FAIL", "the body is not an OTT Pay request envelope: %v", err), ""
	}
	if env.Kind != codec.Request {
		return fail("FAIL", "the body is a %s envelope; POST a request {\"action\",\"version\",\"merchant_id\",\"data\",\"md5\"}", env.Kind), ""
	}
	if env.MerchantID == "" {
		return fail("FAIL", "merchant_id is missing from the envelope; add the merchant_id OTT Pay issued"), ""
	}
	key, ok := s.merchants[env.MerchantID]
	if !ok {
		return fail("FAIL", "unknown merchant_id %q: the sandbox has no sign key for it; start the sandbox with this merchant's sign key (Options.Merchants, --keys)", excerpt([]byte(env.MerchantID), 40)), ""
	}
	_, opened, err := codec.DecodeBody(body, key)
	if err != nil {
		return fail("FAIL", "the request does not open with merchant %s's sign key: %v", env.MerchantID, err), ""
	}
	a, problems, ok := catalog.Match(env.Action, codec.Request, opened.Object)
	if !ok {
		return fail("FAIL", "unknown action %q; run 'ottpay explain --list' for the documented actions", excerpt([]byte(env.Action), 40)), ""
	}
	data := opened.Object
	for _, p := range problems {
		if p.Severity != catalog.Error {
			continue
		}
		code := "PARAM_ERROR"
		if v, ok := fieldValue(a, data, p.Field); !ok || v == "" {
			code = "PARAM_INVALID"
		}
		ans := fail(code, "%s", p.Message)
		ans.action = a
		return ans, key
	}
	req := requestFields(a, data)
	if m := req["merchant_id"]; m != "" && m != env.MerchantID {
		ans := fail("PARAM_ERROR", "merchant_id in the data is %q but the envelope's is %q; send the same merchant_id in both", excerpt([]byte(m), 40), env.MerchantID)
		ans.action = a
		return ans, key
	}
	var ans answer
	switch a.Name {
	case "STATUS_QUERY", "CC_QUERYPAY":
		ans = s.query(a, env.MerchantID, first(req, "order_id", "orderId"))
	case "PREPAY_QUERY":
		ans = s.query(a, env.MerchantID, req["prepay_order_id"])
	case "REFUND":
		ans = s.refund(a, env.MerchantID, req)
	case "EX_RATE_QUERY":
		ans = s.rate(a, req["fee_type"])
	default:
		if len(a.Callback) == 0 && a.Name != "PASSIVEPAY" {
			ans = fail("FAIL", "the sandbox does not carry out %s", a.Name)
			break
		}
		ans = s.create(a, env, req, rule)
	}
	ans.action = a
	return ans, key
}

// fieldValue finds the value of a documented request field in data, under
// its name or an alternative spelling.
func fieldValue(a catalog.Action, data *codec.Object, name string) (string, bool) {
	for _, m := range data.Members {
		if f, ok := a.Field(codec.Request, m.Key); ok && f.Name == name {
			return m.Value.Text, true
		}
	}
	return "", false
}

// requestFields maps the request's members to their documented names
// (orderId of a wallet action is read as order_id). Values are the text
// of strings and numbers; other members are kept under their own name.
func requestFields(a catalog.Action, data *codec.Object) map[string]string {
	req := map[string]string{}
	for _, m := range data.Members {
		name := m.Key
		if f, ok := a.Field(codec.Request, m.Key); ok {
			name = f.Name
		}
		switch m.Value.Kind {
		case codec.KindString, codec.KindNumber:
			req[name] = m.Value.Text
		}
	}
	return req
}

// first returns the first non-empty value among names.
func first(req map[string]string, names ...string) string {
	for _, n := range names {
		if v := req[n]; v != "" {
			return v
		}
	}
	return ""
}

// create carries out an action that creates an order.
func (s *Server) create(a catalog.Action, env *codec.Envelope, req map[string]string, rule codec.Rule) answer {
	amountName := "amount"
	if f, ok := a.Field(codec.Request, "txnAmt"); ok {
		amountName = f.Name
	}
	amountText := req[amountName]
	if amountText == "" {
		return fail("PARAM_INVALID", "%q is missing: the sandbox needs the amount of the order in cents (\"100\" is 1.00)", amountName)
	}
	amount, ok := parseCents(amountText)
	if !ok || amount == 0 {
		return fail("PARAM_ERROR", "%q is %q, but amounts are whole cents written as digits, more than 0 (\"100\" is 1.00)", amountName, excerpt([]byte(amountText), 24))
	}
	tip := int64(0)
	if t := first(req, "tip", "Tip"); t != "" {
		if tip, ok = parseCents(t); !ok {
			return fail("PARAM_ERROR", "tip is %q, but amounts are whole cents written as digits", excerpt([]byte(t), 24))
		}
	}
	magic := int(amount % 100)
	if magic < 91 || magic > 98 {
		magic = 0
	}
	switch {
	case magic == 92:
		return fail("FAIL", "failure (the sandbox's magic amount 92: an amount ending in .92 fails)")
	case magic == 93:
		return fail("SYSTEM_ERROR", "system error (the sandbox's magic amount 93)")
	case magic == 97 && a.Name == "PASSIVEPAY":
		return fail("PWD_INCORRECT", "password is incorrect (the sandbox's magic amount 97: the payer typed a wrong wallet password)")
	}

	idName := "order_id"
	if a.Name == "PREPAY_INIT" {
		idName = "prepay_order_id"
	} else if f, ok := a.Field(codec.Request, "order_id"); ok {
		idName = f.Name // orderId for the card actions
	}
	id := req[idName]
	if id == "" {
		id = s.newID("SBX")
	}
	if len(id) > 64 {
		return fail("PARAM_ERROR", "%q has %d characters; the sandbox keeps order IDs of at most 64", idName, len(id))
	}

	cbURL := ""
	if len(a.Callback) > 0 {
		cbURL = first(req, "call_back_url", "backUrl")
		if cbURL != "" {
			if msg := s.checkCallbackURL(cbURL); msg != "" {
				name := "call_back_url"
				if req["call_back_url"] == "" {
					name = "backUrl"
				}
				return fail("PARAM_ERROR", "%s %q %s", name, excerpt([]byte(cbURL), 200), msg)
			}
		}
	}

	now := s.now()
	o := Order{
		ID: id, MerchantID: env.MerchantID, Action: a.Name, Variant: a.Variant, Version: env.Version,
		State: StateProcessing, Amount: amount, Tip: tip, Magic: magic, CallbackURL: cbURL, Rule: rule,
		BizpayOrderID: s.newID("4200"), Request: withoutSecrets(req), CreatedAt: now,
	}
	if magic == 98 {
		o.Fee = 1
	}
	if d := req["duration"]; d != "" {
		secs, err := strconv.ParseInt(d, 10, 64)
		if err != nil || secs < 0 || secs > 10*365*24*3600 {
			return fail("PARAM_ERROR", "duration is %q, but it is a number of seconds written as digits (e.g. \"100\")", excerpt([]byte(d), 24))
		}
		o.ExpiresAt = now.Add(s.scaled(time.Duration(secs) * time.Second))
	}
	passive := a.Name == "PASSIVEPAY"
	switch {
	case passive && magic == 91:
		o.State, o.ClosedAt, o.CloseReason = StateClosed, now, "declined"
	case passive:
		o.State, o.PaidAt = StatePaid, now
	case s.autoPay > 0:
		o.AutoPayAt = now.Add(s.autoPay)
	}

	var code, msg string
	err := s.store.Update(func(tx Tx) error {
		old, exists, err := tx.Order(id)
		if err != nil {
			return err
		}
		if exists {
			s.expireIfDue(&old, now)
			if old.State != StateProcessing && old.State != StateClosed {
				code, msg = "ORDER_PAID", fmt.Sprintf("order paid: order %s is already paid; query it instead of paying again", id)
			} else {
				code, msg = "ORDER_USED", fmt.Sprintf("order number duplicated: order %s already exists; send a new order_id for a new payment", id)
			}
			return nil
		}
		if s.refundIDUsed(id) {
			code, msg = "ORDER_USED", fmt.Sprintf("order number duplicated: %s is the order ID of a refund", id)
			return nil
		}
		return tx.PutOrder(o)
	})
	if err != nil {
		return fail("SYSTEM_ERROR", "the sandbox's store failed: %v", err)
	}
	if code != "" {
		return fail(code, "%s", msg)
	}
	s.scheduleOrder(o)
	if passive && magic == 91 {
		return fail("FAIL", "failure: the payer declined (the sandbox's magic amount 91)")
	}
	return answer{code: "SUCCESS", msg: "success", data: s.responseData(a, o, nil, rule), hold: magic == 94}
}

// secretFields are request fields the sandbox does not keep: card data
// and the payer's wallet code, which the control API would otherwise show.
var secretFields = []string{"cc_number", "cvn2", "cc_sha", "cc_expiry", "auth_code"}

// withoutSecrets returns req without the secretFields.
func withoutSecrets(req map[string]string) map[string]string {
	out := make(map[string]string, len(req))
	for k, v := range req {
		out[k] = v
	}
	for _, k := range secretFields {
		delete(out, k)
	}
	return out
}

// checkCallbackURL says what is wrong with a callback URL, or "".
func (s *Server) checkCallbackURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "is not an http:// or https:// URL the sandbox can POST the callback to"
	}
	if !s.remote && !isLoopbackHost(u.Hostname()) {
		return "is not on this machine: the sandbox calls back to loopback addresses (127.0.0.1, ::1, localhost) only, unless remote access is allowed (AllowRemote, --allow-remote)"
	}
	return ""
}

// refundIDUsed reports whether id is the order ID of a refund.
func (s *Server) refundIDUsed(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.refunds[id]
	return ok
}

// parseCents reads whole cents written as at most 15 digits.
func parseCents(s string) (int64, bool) {
	if !isDigits(s) || len(s) > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// query answers STATUS_QUERY, CC_QUERYPAY and PREPAY_QUERY.
func (s *Server) query(a catalog.Action, merchant, id string) answer {
	o, err := s.Order(id)
	if errors.Is(err, ErrNotFound) || (err == nil && o.MerchantID != merchant) {
		return fail("FAIL", "failure: merchant %s has no order %q in the sandbox", merchant, excerpt([]byte(id), 64))
	}
	if err != nil {
		return fail("SYSTEM_ERROR", "the sandbox's store failed: %v", err)
	}
	return answer{code: "SUCCESS", msg: "success", data: s.responseData(a, o, nil, o.Rule)}
}

// refund answers REFUND.
func (s *Server) refund(a catalog.Action, merchant string, req map[string]string) answer {
	oriID := req["ori_order_id"]
	amt, ok := parseCents(req["refund_amt"])
	if !ok || amt == 0 {
		return fail("PARAM_ERROR", "refund_amt is %q, but it is whole cents written as digits, more than 0", excerpt([]byte(req["refund_amt"]), 24))
	}
	refundID := first(req, "order_id", "orderId")
	if refundID == "" {
		refundID = s.newID("RF")
	}
	var o Order
	var ans answer
	reserved := false
	err := s.store.Update(func(tx Tx) error {
		var exists bool
		var err error
		o, exists, err = tx.Order(oriID)
		if err != nil {
			return err
		}
		if !exists || o.MerchantID != merchant {
			ans = fail("FAIL", "failure: merchant %s has no order %q to refund", merchant, excerpt([]byte(oriID), 64))
			return nil
		}
		if _, clash, err := tx.Order(refundID); err != nil || clash {
			ans = fail("ORDER_USED", "order number duplicated: the refund's order_id %s is already used", refundID)
			return err
		}
		if s.refundIDUsed(refundID) {
			ans = fail("ORDER_USED", "order number duplicated: the refund's order_id %s is already used", refundID)
			return nil
		}
		now := s.now()
		s.expireIfDue(&o, now)
		left := o.charged() - o.Refunded
		switch {
		case o.State == StateProcessing || o.State == StateClosed:
			ans = fail("FAIL", "failure: order %s is not paid (%s), so there is nothing to refund", oriID, o.State)
			return nil
		case o.State == StateFullyRefunded:
			ans = fail("FAIL", "failure: order %s is already fully refunded", oriID)
			return nil
		case amt > left:
			ans = fail("FAIL", "failure: refund_amt %d is more than the %d cents left to refund on order %s", amt, left, oriID)
			return nil
		}
		o.Refunded += amt
		o.Refunds = append(o.Refunds, Refund{ID: refundID, Amount: amt, At: now})
		o.State = StatePartRefunded
		if o.Refunded == o.charged() {
			o.State = StateFullyRefunded
		}
		// Reserved inside the transaction: the store runs one Update at a
		// time, so a concurrent refund with the same ID sees it.
		s.mu.Lock()
		s.refunds[refundID] = o.ID
		reserved = true
		s.mu.Unlock()
		return tx.PutOrder(o)
	})
	if err != nil {
		if reserved {
			s.mu.Lock()
			delete(s.refunds, refundID)
			s.mu.Unlock()
		}
		return fail("SYSTEM_ERROR", "the sandbox's store failed: %v", err)
	}
	if ans.code != "" {
		return ans
	}
	s.logf("order %s: refund %d -> %s", excerpt([]byte(oriID), 64), amt, o.State)
	extra := map[string]string{"order_id": refundID, "refund_amt": strconv.FormatInt(amt, 10)}
	data := &codec.Object{}
	for _, name := range refundResponse {
		if v, ok := s.value(name, o, extra); ok {
			data.Set(name, v)
		}
	}
	return answer{code: "SUCCESS", msg: "success", data: data}
}

// refundResponse is the sandbox's REFUND response data (undocumented; see
// the package doc).
var refundResponse = []string{"order_id", "ori_order_id", "refund_amt", "refund_status", "order_status", "refund_amount"}

// rates are the sandbox's fixed exchange rates to CNY, scaled by 10^8.
var rates = map[string]string{"CAD": "520000000", "USD": "710000000", "CNY": "100000000", "EUR": "780000000", "HKD": "91000000"}

// rate answers EX_RATE_QUERY.
func (s *Server) rate(a catalog.Action, fee string) answer {
	r, ok := rates[strings.ToUpper(fee)]
	if !ok {
		return fail("FAIL", "failure: the sandbox has no rate for %q; it knows CAD, USD, CNY, EUR and HKD", excerpt([]byte(fee), 8))
	}
	data := &codec.Object{}
	data.SetString("feeType", strings.ToUpper(fee))
	data.SetString("rate", r)
	return answer{code: "SUCCESS", msg: "success", data: data}
}

// charged is what the payer pays: amount, tip and convenience fee.
func (o Order) charged() int64 { return o.Amount + o.Tip + o.Fee }

// declaredResponses are the response fields the sandbox sends where the
// stored docs have no response table (see the package doc).
var declaredResponses = map[string][]string{
	"CC_PURCHASE/elavon-converge-hosted":  {"rspCode", "rspMsg", "codeUrl", "orderId", "amount"},
	"CC_PURCHASE/global-payments-portico": {"rspCode", "rspMsg", "codeUrl", "orderId", "amount"},
	"CC_PREAUTH/elavon-converge-hosted":   {"rspCode", "rspMsg", "codeUrl", "orderId", "amount"},
	"CC_PREAUTH/global-payments-portico":  {"rspCode", "rspMsg", "codeUrl", "orderId", "amount"},
	"CC_QUERYPAY/unionpay-securepay-pc": {"rspCode", "rspMsg", "order_status", "trade_time", "orderId",
		"bizpay_order_id", "amount", "receipt_amount", "buyer_pay_amount", "tip", "refund_amount"},
	"PREPAY_INIT/checkout": {"payinfo", "prepay_order_id"},
}

// responseData fills the documented response fields of a for order o.
func (s *Server) responseData(a catalog.Action, o Order, extra map[string]string, rule codec.Rule) *codec.Object {
	names := declaredResponses[a.ID()]
	if names == nil {
		for _, f := range a.Fields(codec.Response) {
			names = append(names, f.Name)
		}
	}
	data := &codec.Object{}
	for _, name := range names {
		if name == "payInfo" && a.Name == "MAPPPAY" {
			data.Set(name, s.miniProgramPayInfo(o, rule))
			continue
		}
		if name == "payments_methods" {
			data.Set(name, nested(`["WECHATPAY","ALIPAY","UNIONPAY"]`, codec.KindArray, rule))
			continue
		}
		if v, ok := s.value(name, o, extra); ok {
			data.Set(name, v)
		}
	}
	return data
}

// nested is a nested JSON value: for the strings rule its text as a
// string (the documented scheme hashes strings only), else the value.
func nested(text string, kind codec.Kind, rule codec.Rule) codec.Value {
	if rule == codec.RuleStrings || rule == "" {
		return codec.Value{Kind: codec.KindString, Text: text}
	}
	return codec.Value{Kind: kind, Text: text}
}

// miniProgramPayInfo is MAPPPAY's payInfo: what wx.requestPayment takes.
func (s *Server) miniProgramPayInfo(o Order, rule codec.Rule) codec.Value {
	var p codec.Object
	p.SetString("appId", o.Request["app_id"])
	p.SetString("timeStamp", strconv.FormatInt(o.CreatedAt.Unix(), 10))
	p.SetString("nonceStr", o.BizpayOrderID)
	p.SetString("packageStr", "prepay_id=wx"+o.BizpayOrderID)
	p.SetString("signType", "MD5")
	p.SetString("paySign", strings.Repeat("0", 32))
	return nested(string(p.AppendJSON(nil)), codec.KindObject, rule)
}

// value is the sandbox's value of a response or callback field for o.
func (s *Server) value(name string, o Order, extra map[string]string) (codec.Value, bool) {
	str := func(v string) (codec.Value, bool) { return codec.Value{Kind: codec.KindString, Text: v}, v != "" }
	cents := func(n int64) (codec.Value, bool) { return str(strconv.FormatInt(n, 10)) }
	paid := o.State != StateProcessing && o.State != StateClosed
	if v, ok := extra[name]; ok {
		return str(v)
	}
	switch name {
	case "order_id", "orderId":
		if o.Action == "PREPAY_INIT" {
			if !paid {
				return str("")
			}
			return str(o.BizpayOrderID)
		}
		return str(o.ID)
	case "prepay_order_id", "ori_order_id":
		return str(o.ID)
	case "code_url", "codeUrl", "payinfo", "payInfo":
		return str(s.payURL(o.ID))
	case "bizpay_order_id":
		return str(o.BizpayOrderID)
	case "amount", "total_amount", "pay_amount", "buyer_pay_amount":
		return cents(o.charged())
	case "receive_amount", "receipt_amount":
		if !paid {
			return str("")
		}
		return cents(o.Amount + o.Tip)
	case "refund_amount":
		if o.Refunded == 0 {
			return str("")
		}
		return cents(o.Refunded)
	case "tip", "Tip":
		if o.Tip == 0 {
			return str("")
		}
		return cents(o.Tip)
	case "convenience_fee":
		if isCard(o.Action) {
			return str("")
		}
		return cents(o.Fee)
	case "merchant_id":
		return str(o.MerchantID)
	case "merchant_name":
		return str("OTT Pay Sandbox Merchant")
	case "time_zone_id":
		return str("America/Toronto")
	case "sale_num":
		if v := o.Request["sale_num"]; v != "" {
			return str(v)
		}
		return str(o.BizpayOrderID)
	case "order_status":
		return str(orderStatus(o))
	case "status":
		return str(prepayStatus(o))
	case "refund_status":
		return str("success")
	case "trade_time", "finish_time":
		if !paid {
			return str("")
		}
		return str(o.PaidAt.Format(timeLayout))
	case "create_time":
		return str(o.CreatedAt.Format(timeLayout))
	case "expire_time":
		if o.ExpiresAt.IsZero() {
			return str("")
		}
		return str(o.ExpiresAt.Format(timeLayout))
	case "buyer_login_id":
		return str("sandbox-payer")
	case "sub_openId":
		if isCard(o.Action) {
			return str("")
		}
		return str("oSandboxPayer0000000000000000")
	case "exchange_rate":
		if isCard(o.Action) {
			return str("")
		}
		return str("5.200000")
	case "rspCode", "respcode", "rsp_code":
		if o.State == StateProcessing {
			return str("PROCESSING")
		}
		return str("SUCCESS")
	case "rspMsg", "respmsg", "rsp_msg":
		if o.State == StateProcessing {
			return str("User paying")
		}
		return str("success")
	}
	return str(o.Request[name]) // echoed request fields: shop_id, currency_type, remarks, ...
}

// isCard reports whether an action is a card action.
func isCard(action string) bool { return strings.HasPrefix(action, "CC_") }

// orderStatus is the order_status word of STATUS_QUERY, CC_QUERYPAY,
// PASSIVEPAY and callbacks (see the package doc).
func orderStatus(o Order) string {
	switch o.State {
	case StateProcessing:
		return "PROCESSING"
	case StateClosed:
		return "ORDERCLOSE"
	case StatePartRefunded:
		return "partial_refund"
	case StateFullyRefunded:
		return "fully_refunded"
	}
	switch o.Action {
	case "CC_PURCHASE":
		return "captured"
	case "CC_PREAUTH":
		return "authorised"
	}
	return "SUCCESS"
}

// prepayStatus is PREPAY_QUERY's status: SUCCESS, PROCESSING or
// ORDERCLOSE, as documented.
func prepayStatus(o Order) string {
	switch o.State {
	case StateProcessing:
		return "PROCESSING"
	case StateClosed:
		return "ORDERCLOSE"
	}
	return "SUCCESS"
}

// callbackData is the transaction data of a payment's callback: the
// documented callback fields that have a value for o.
func (s *Server) callbackData(a catalog.Action, o Order) *codec.Object {
	data := &codec.Object{}
	for _, f := range a.Callback {
		if f.Name == "reference" || (f.Name == "sale_num" && o.Request["sale_num"] == "") {
			continue // the merchant's own references: only when it sent them
		}
		if f.Name == "amount" {
			data.SetString("amount", strconv.FormatInt(o.Amount+o.Fee, 10))
			continue
		}
		if v, ok := s.value(f.Name, o, nil); ok {
			data.Set(f.Name, v)
		}
	}
	return data
}

// findVariant returns the catalogue entry of an action variant.
func findVariant(name, variant string) (catalog.Action, bool) {
	vs := catalog.Lookup(name + "/" + variant)
	if len(vs) == 0 {
		return catalog.Action{}, false
	}
	return vs[0], true
}
