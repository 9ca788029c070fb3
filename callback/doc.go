// Package callback receives the callbacks OTT Pay posts to a merchant's
// call_back_url: it verifies them and hands the merchant's code a typed,
// verified Notification, once per order and status.
//
// Parse takes a raw body (from any web framework) and returns a
// Notification only when the data decrypted and its md5 verified under the
// sign key of the merchant it names. NewHandler is an http.Handler built on
// Parse that also bounds the body, skips duplicates and writes the
// acknowledgement byte for byte:
//
//	keys, err := callback.ParseKeys(keysJSON) // {"ON00004652":"A8B5...", ...}
//	h := callback.NewHandler(keys, func(ctx context.Context, n *callback.Notification) error {
//		return shop.MarkPaid(ctx, n.OrderID, n.Amount) // check the amount against the order
//	})
//	http.Handle("/ottpay/callback", h)
//
// # What the handler answers
//
//   - 405 with "Allow: POST" to anything but POST;
//   - 413 to a body over the limit (64 KiB unless WithMaxBody says
//     otherwise), 400 to a body that is not a well-formed callback;
//   - 401 to a callback that does not verify: unknown merchant, wrong key,
//     tampered data, an md5 that does not match, or decrypted data naming
//     another merchant than the one whose key opened it;
//   - the acknowledgement (200, body exactly "SUCCESS", unless WithAck says
//     otherwise) when the function returned nil, and at once, without
//     calling the function, to a callback already handled;
//   - 500 when the function returned an error or panicked, so that the
//     gateway sends the callback again; it is not marked handled.
//
// The function is never called with data that did not verify. Rejections
// are logged (WithLogger) with every sender-controlled character escaped;
// neither the log nor the answer ever carries a sign key or the body.
//
// # Duplicates
//
// Gateways send a callback again when they are unsure it arrived, so the
// same callback arriving twice is normal. The handler remembers each callback
// it handled by its Key: merchant, order_id and order_status (a later
// callback with a new status for the same order is new). Duplicates that
// arrive while the first is still being handled wait for it and get the
// answer it gets: the function runs once. The memory Deduper is the default
// (bounded, oldest forgotten first, empty after a restart); package
// boltdedupe keeps the keys in a bbolt file that survives restarts, and a
// Deduper backed by the merchant's own database can span several
// processes. Either way, make the function itself idempotent: a
// callback can arrive again after the memory forgot it, and two processes
// may handle the same callback at the same moment.
//
// # What the scheme cannot protect
//
// A verified callback is not an authenticated one (see the codec package
// doc): it proves only that whoever made it held the sign key. The scheme
// has no timestamp and no nonce, so a captured callback replays verbatim,
// forever. Only data and md5 are protected: the outer rsp_code, rsp_msg and
// merchant_id can be changed by anyone on the way. Parse therefore uses the
// outer merchant_id only to find a key, requires the decrypted merchant_id
// to be the merchant of that key, and types nothing from the outer members;
// decide from the Notification, never from Envelope.RspCode or
// Envelope.RspMsg.
//
// What the merchant must still check before delivering goods:
//
//   - the amount (and tip, fee) against its own order, and that the order
//     exists and belongs to this merchant;
//   - the order's status, by asking the gateway with the query action
//     (STATUS_QUERY or PREPAY_QUERY): a callback is a hint that something
//     happened, the query says what.
package callback
