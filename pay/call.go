package pay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// Do sends any action with the transaction data as given, for actions or
// fields the typed methods do not cover. data is not changed: it is
// copied, and for a money-moving catalogue action without an order id
// (order_id, orderId, or prepay_order_id for PREPAY_INIT) a generated one
// is added to the copy. No defaults are filled in and the data is not
// validated. An empty version means the catalogue's version of the action;
// an action the catalogue does not know needs one, and is treated as
// money-moving (never retried).
//
// The answer is verified and checked as for the typed methods.
func (c *Client) Do(ctx context.Context, action, version string, data *codec.Object) (*Result, error) {
	info := c.byName[action]
	if info == nil {
		if version == "" {
			return nil, &Error{Action: action, Stage: "request",
				Err: errors.New("the catalogue does not know " + codec.Quote(action, 40) + "; give its version")}
		}
		info = unknownAction(action, version)
	}
	if version == "" {
		version = info.action.Version
	}
	var d codec.Object
	if data != nil {
		d.Members = append([]codec.Member(nil), data.Members...)
	}
	orderID, err := prepare(info, &d)
	if err != nil {
		return nil, &Error{Action: action, Stage: "request", Err: err}
	}
	return c.send(ctx, info, version, &d, nil, orderID)
}

// request is transaction data built by a typed method.
type request struct {
	data      codec.Object
	env       []codec.Member
	extraKeys []string // keys of the caller's Extra members
	err       error
}

func (r *request) str(name, v string) {
	if v != "" {
		r.data.SetString(name, v)
	}
}

// cents sets an amount: a required one always, an optional one when not
// zero.
func (r *request) cents(name string, v Cents, required bool) {
	if v < 0 && r.err == nil {
		r.err = errors.New(strconv.Quote(name) + " is " + v.String() + ", but amounts are non-negative whole cents")
		return
	}
	if v != 0 || required {
		r.data.SetString(name, v.String())
	}
}

func (r *request) extra(ms []codec.Member) {
	for _, m := range ms {
		if _, dup := r.data.Get(m.Key); dup && r.err == nil {
			r.err = errors.New("Extra member " + codec.Quote(m.Key, 40) + " is a documented field; set the field instead")
			return
		}
		r.data.Set(m.Key, m.Value)
		r.extraKeys = append(r.extraKeys, m.Key)
	}
}

func (r *request) envStr(name, v string) {
	if v != "" {
		r.env = append(r.env, codec.Member{Key: name, Value: codec.Value{Kind: codec.KindString, Text: v}})
	}
}

// or returns v, or def when v is empty.
func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// call validates the data of a typed method and sends it.
func (c *Client) call(ctx context.Context, id string, r *request) (*Result, error) {
	info := c.actions[id]
	if info == nil {
		return nil, &Error{Action: id, Stage: "request", Err: errors.New("the catalogue has no action " + strconv.Quote(id))}
	}
	name := info.action.Name
	for _, k := range r.extraKeys {
		if f, ok := info.action.Field(codec.Request, k); ok && r.err == nil {
			r.err = errors.New("Extra member " + codec.Quote(k, 40) + " is the documented field " + f.Name + "; set the field instead")
		}
	}
	if r.err != nil {
		return nil, &Error{Action: name, Stage: "request", Err: fmt.Errorf("%w (nothing was sent): %w", ErrInvalidRequest, r.err)}
	}
	orderID, err := prepare(info, &r.data)
	if err != nil {
		return nil, &Error{Action: name, Stage: "request", Err: err}
	}
	if problems := catalog.ValidateData(info.action, codec.Request, &r.data); catalog.HasErrors(problems) {
		var msgs []string
		for _, p := range problems {
			if p.Severity == catalog.Error && len(msgs) < 4 {
				msgs = append(msgs, p.Message)
			}
		}
		return nil, &Error{Action: name, OrderID: orderID, Stage: "request",
			Err: fmt.Errorf("%w (nothing was sent): %s", ErrInvalidRequest, strings.Join(msgs, "; "))}
	}
	return c.send(ctx, info, info.action.Version, &r.data, r.env, orderID)
}

// prepare returns the order id of the data, generating one for a
// money-moving action that has none.
func prepare(info *actionInfo, data *codec.Object) (string, error) {
	if info.gen != nil {
		if v, _, ok := find(data, info.gen.names); !ok || v.Text == "" {
			id, err := newOrderID(info.gen.maxLen)
			if err != nil {
				return "", errors.New("cannot generate an order id: " + err.Error())
			}
			data.SetString(info.gen.name, id)
			return id, nil
		}
	}
	for _, id := range info.ids {
		if v, _, ok := find(data, id.names); ok && v.Text != "" {
			return v.Text, nil
		}
	}
	return "", nil
}

// send seals the data, POSTs it (retrying queries) and checks the answer.
func (c *Client) send(ctx context.Context, info *actionInfo, version string, data *codec.Object, env []codec.Member, orderID string) (*Result, error) {
	name := info.action.Name
	fail := func(stage string, unknown bool, err error) error {
		return &Error{Action: name, OrderID: orderID, Stage: stage, Unknown: unknown, Err: err}
	}
	req := &codec.Envelope{Kind: codec.Request, Action: name, Version: version, MerchantID: c.merchantID, Extra: env}
	if err := req.Seal(data, c.signKey, c.rule); err != nil {
		return nil, fail("request", false, err)
	}
	body, err := req.MarshalJSON()
	if err != nil {
		return nil, fail("request", false, err)
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			// Nothing of this attempt was sent; an earlier one (a
			// query) failed, so nothing is unknown either.
			return nil, fail("send", false, err)
		}
		status, header, rbody, sent, err := c.post(ctx, name, version, attempt, body)
		retry := !info.moves && attempt <= c.retries && ctx.Err() == nil &&
			((err != nil && !errors.Is(err, codec.ErrTooLarge)) || status >= 500)
		if retry {
			if werr := wait(ctx, c.backoff, attempt); werr != nil {
				if err == nil {
					err = statusError(status, rbody)
				}
				return nil, fail("wait", false, errors.Join(werr, err))
			}
			continue
		}
		if err != nil {
			return nil, fail("send", info.moves && sent, err)
		}
		if status < 200 || status > 299 {
			return nil, fail("HTTP status", info.moves && status >= 500, statusError(status, rbody))
		}
		res, err := c.finish(info, req, data, orderID, status, header, rbody)
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				return nil, err
			}
			return nil, fail("response", info.moves, err)
		}
		return res, nil
	}
}

// post makes one HTTP attempt. sent is false only when the request
// certainly did not leave (no connection could be made).
func (c *Client) post(ctx context.Context, action, version string, attempt int, body []byte) (status int, header http.Header, rbody []byte, sent bool, err error) {
	start := time.Now()
	defer func() {
		if c.observe != nil {
			c.observe(Exchange{Action: action, Version: version, URL: c.url, Attempt: attempt,
				Request: bytes.Clone(body), Response: bytes.Clone(rbody), Status: status,
				Duration: time.Since(start), Err: err})
		}
	}()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, false, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(hreq)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			err = errors.Join(err, cerr)
		}
		return 0, nil, nil, !notSent(err), err
	}
	defer resp.Body.Close()
	rbody, err = io.ReadAll(io.LimitReader(resp.Body, codec.MaxMessageSize+1))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			err = errors.Join(err, cerr)
		}
		return resp.StatusCode, resp.Header, nil, true, errors.Join(errors.New("reading the response body failed"), err)
	}
	if len(rbody) > codec.MaxMessageSize {
		return resp.StatusCode, resp.Header, nil, true, &codec.Error{Layer: codec.LayerEnvelope, Err: codec.ErrTooLarge,
			What: "the response body is longer than " + strconv.Itoa(codec.MaxMessageSize) + " bytes",
			Hint: "not an OTT Pay response: check the URL"}
	}
	return resp.StatusCode, resp.Header, rbody, true, nil
}

// notSent reports a transport error that happened before any connection
// existed (DNS, dial), so the request cannot have reached the gateway.
func notSent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// wait sleeps before retry number attempt: backoff doubled per attempt, at
// most maxBackoff, with the upper half jittered. It returns the context's
// error if the context ends first.
func wait(ctx context.Context, backoff time.Duration, attempt int) error {
	d := backoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	if d > 1 {
		d = d/2 + rand.N(d/2)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// statusError describes a non-2xx response with a short escaped excerpt
// of its body.
func statusError(status int, body []byte) error {
	msg := ErrHTTPStatus.Error() + ": " + strconv.Itoa(status)
	if t := http.StatusText(status); t != "" {
		msg += " " + t
	}
	if len(body) > 0 {
		msg += ", body " + codec.Quote(string(body), 64)
	}
	return &statusErr{msg}
}

type statusErr struct{ msg string }

func (e *statusErr) Error() string { return e.msg }
func (e *statusErr) Unwrap() error { return ErrHTTPStatus }

// Names of the response code and message some actions carry inside the
// data; the verified inner code wins over the envelope's.
var (
	innerCode = []string{"rspCode", "rsp_code", "respcode"}
	innerMsg  = []string{"rspMsg", "rsp_msg", "respmsg"}
)

// finish decodes and verifies one response body and checks it belongs to
// the request.
func (c *Client) finish(info *actionInfo, req *codec.Envelope, data *codec.Object, orderID string, status int, header http.Header, body []byte) (*Result, error) {
	res := &Result{Action: info.action.Name, Version: req.Version, RequestOrderID: orderID, Request: req,
		HTTPStatus: status, Sandbox: header.Get("X-OTTPay-Sandbox") != ""}
	env, opened, err := codec.DecodeBody(body, c.signKey)
	res.Envelope = env
	isResponse := env != nil && (env.Kind == codec.Response || env.Kind == codec.Callback)
	if env != nil && !isResponse {
		return nil, &codec.Error{Layer: codec.LayerEnvelope, Err: ErrNotResponse,
			What: "the body is a " + env.Kind.String() + " envelope, not a response",
			Hint: "check that the URL is OTT Pay's endpoint and not a proxy echoing requests"}
	}
	if err != nil {
		if isResponse && !env.HasData && !env.HasMD5 && !okCode(env.RspCode) {
			// A failure response without data: the documented way to
			// refuse a request, even though nothing protects it.
			res.Code, res.Message = env.RspCode, env.RspMsg
			return nil, apiError(res, false)
		}
		return nil, err
	}
	res.Opened = opened
	got := opened.Object
	for _, id := range info.ids {
		sentV, _, ok := find(data, id.names)
		if !ok || sentV.Text == "" {
			continue
		}
		if v, name, ok := find(got, id.names); ok && v.Text != sentV.Text {
			return nil, codecError(ErrOrderMismatch,
				name+" in the response is "+codec.Quote(v.Text, 40)+", the request sent "+codec.Quote(sentV.Text, 40),
				"the response belongs to another request (mixed-up or replayed replies); do not trust it, query the order")
		}
	}
	if v, name, ok := find(got, []string{"merchant_id", "merId"}); ok && v.Text != c.merchantID {
		return nil, codecError(ErrMerchantMismatch,
			name+" in the response is "+codec.Quote(v.Text, 40)+", the client's is "+codec.Quote(c.merchantID, 40),
			"the response belongs to another merchant; do not trust it")
	}
	res.Code, res.Message = env.RspCode, env.RspMsg
	if v, _, ok := find(got, innerCode); ok && v.Kind == codec.KindString && v.Text != "" {
		res.Code = v.Text
		if m, _, ok := find(got, innerMsg); ok && m.Kind == codec.KindString {
			res.Message = m.Text
		}
	}
	if okCode(res.Code) {
		return res, nil
	}
	return nil, apiError(res, true)
}

func okCode(code string) bool {
	return strings.EqualFold(code, "SUCCESS") || strings.EqualFold(code, "PROCESSING")
}

func apiError(res *Result, verified bool) *APIError {
	e := &APIError{Action: res.Action, OrderID: res.RequestOrderID, Code: res.Code, Message: res.Message,
		Verified: verified, Result: res}
	if code, ok := catalog.ResponseCode(res.Code); ok {
		e.Meaning = code.Meaning
	}
	return e
}
