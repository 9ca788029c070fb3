// Package pay is a client for the OTT Pay payment Web API: one typed
// method per documented action and variant (generated from codec/catalog),
// plus Do for anything else.
//
//	c, err := pay.NewClient("ON00004652", signKey, pay.WithOperatorID("0000000437"))
//	rsp, err := c.ActivePayRetail(ctx, &pay.ActivePayRetailRequest{
//		Amount: 1250, BizType: "WECHATPAY", CallBackURL: "https://shop.example/ottpay",
//	})
//	// rsp.CodeURL is the QR code to show; rsp.RequestOrderID the order to query.
//
// Every response is decoded under the codec's strict rules and its md5
// verified before any typed value is returned; a response whose order id
// or merchant id is not the request's is refused. SUCCESS gives a nil
// error; PROCESSING too, with Result.Processing() true; any other rsp_code
// is an *APIError that errors.Is matches against its sentinel
// (ErrOrderUsed, ErrParamInvalid, ...). Failures that are not answers are
// an *Error naming the stage, wrapping a *codec.Error naming the layer
// when the response did not decode.
//
// # Money and retries
//
// OTT Pay has no idempotency key, so an action that moves money (one whose
// request carries an amount) is sent exactly once. When it times out, the
// connection is cut after it was sent, the status is 5xx or the answer does
// not verify, the error wraps ErrOutcomeUnknown and names the order id:
// query that order (StatusQuery, PrepayQuery, CCQueryPay) before trying
// again. So that such a query is always possible, the client generates an
// order id (NewOrderID) whenever a money-moving request has none. Queries
// move no money and are retried on connection errors and 5xx statuses
// with exponential backoff (WithQueryRetries), never after the context
// ends.
//
// # What a verified answer means
//
// Verification proves only that whoever made the answer held the sign key
// (see the codec package doc: the scheme is obfuscation with a checksum,
// not authentication). The outer rsp_code of a failure response without
// data is protected by nothing; APIError.Verified says which kind it was.
// Check amounts against your own order, and settle a payment from a query,
// not from a single answer or callback.
//
// The production endpoint takes real transactions; point WithURL at a
// sandbox for tests.
package pay

//go:generate go run gen.go
