// Package sandbox is a local OTT Pay gateway, for Go tests and for trying
// an integration by hand: a library first (like fake-gcs-server), also
// served by `ottpay sandbox`.
//
//	sb, err := sandbox.New(sandbox.Options{Merchants: map[string]string{"ON00004652": "A8B5FE540E38A5A9"}})
//	defer sb.Close()
//	// point the client at sb.Endpoint() (URL()+"/processV2") with sb.HTTPClient()
//
// OTT Pay has no sandbox of its own ("all of the test will be real
// transactions"), so this one is stateful: orders are created, paid,
// refunded and closed; payments call back to the order's callback URL,
// sealed with the merchant's sign key, and are retried until acknowledged.
// It listens on loopback only (127.0.0.1:0 by default) and calls back to
// loopback only, unless Options.AllowRemote says otherwise. Every answer
// carries the header X-OTTPay-Sandbox: Version.
//
// # The gateway
//
// POST /processV2 (and /process) takes a request envelope. It is decoded
// strictly with the merchant's sign key (codec.DecodeBody) and checked
// against the catalogue (catalog.Match, catalog.ValidateData):
//
//   - unknown merchant_id, a body that is not a request envelope, data that
//     does not open or verify with the merchant's key, an unknown action:
//     rsp_code FAIL, rsp_msg saying what is wrong and what to do, no data and
//     no md5 (as the gateway answers failures);
//   - a required field missing or empty: PARAM_INVALID; a field present but
//     malformed (an amount that is not whole cents, a duration that is not
//     seconds, a callback URL off this machine, a merchant_id in the data
//     other than the envelope's): PARAM_ERROR; rsp_msg names the field.
//
// Otherwise the response is rsp_code SUCCESS with the action's documented
// response fields filled with plausible values, sealed with the merchant's
// key; code_url, payinfo and codeUrl point to the sandbox's pay page,
// /_sandbox/pay/{order}.
//
// # Orders
//
// ACTIVEPAY, H5PAY, MAPPPAY, PREPAY_INIT, CC_PURCHASE and CC_PREAUTH create
// an order in state processing (the card actions answer rspCode
// PROCESSING, "User paying"). It is paid by the control API, the pay page,
// Server.Pay, `ottpay sandbox pay`, or by itself after
// Options.AutoPayAfter. PASSIVEPAY pays at once (order_status SUCCESS) and
// never calls back, as documented. An order is identified by its order_id
// (orderId for the card actions, prepay_order_id for PREPAY_INIT); one is
// generated when the request has none. States:
//
//	processing -> paid -> partly_refunded -> fully_refunded
//	processing -> closed  (PREPAY_INIT duration expired, declined, closed)
//
// A create with an order_id already used answers ORDER_USED, or ORDER_PAID
// when that order is paid. PREPAY_INIT's duration is seconds until the
// unpaid order closes, multiplied by Options.TimeScale. REFUND refunds
// part or all of what was charged (amount + tip + convenience fee); a
// refund of an unpaid, closed or fully refunded order, or of more than is
// left, answers FAIL with the amounts; a refund's own order_id reused
// answers ORDER_USED.
//
// # Declared choices (where the docs are silent or cut off)
//
//   - STATUS_QUERY, CC_QUERYPAY and PASSIVEPAY order_status: PROCESSING
//     (unpaid), SUCCESS (paid wallet order), captured / authorised (paid
//     CC_PURCHASE / CC_PREAUTH order, the documented card words),
//     partial_refund, fully_refunded (the apidocs paymentStatus words), and
//     ORDERCLOSE (closed, PREPAY_QUERY's word). PREPAY_QUERY status is
//     PROCESSING, SUCCESS (also once refunded) or ORDERCLOSE.
//     STATUS_QUERY also sends refund_amount (cents) once something is
//     refunded.
//   - REFUND response data: order_id (the refund's), ori_order_id,
//     refund_amt, refund_status "success", order_status of the original
//     order after the refund (partial_refund or fully_refunded) and
//     refund_amount (all refunded so far). Refunds do not call back.
//   - Card variants whose response the docs omit (Elavon Converge, Portico)
//     answer rspCode, rspMsg, codeUrl, orderId and amount; PREPAY_INIT
//     answers payinfo and prepay_order_id; CC_QUERYPAY for UnionPay answers
//     the Portico variant's fields.
//   - EX_RATE_QUERY answers fixed rates to CNY scaled by 10^8: CAD
//     520000000, USD 710000000, CNY 100000000, EUR 780000000, HKD 91000000;
//     other currencies FAIL.
//   - Times are written "2006-01-02 15:04:05" in UTC, as the docs' examples
//     write them.
//   - Nested values (MAPPPAY payInfo, PREPAY_QUERY payments_methods) are
//     sent as strings holding their JSON text under the documented
//     strings-only scheme, and as nested JSON under the java, php and js
//     sender rules.
//   - Callbacks go only on payment success (the docs: "after OTT Pay API
//     server receive payment success"), for exactly the actions the
//     catalogue gives callback data, to call_back_url (wallets, checkout) or
//     backUrl (cards); an order without either gets none. Callback data:
//     the documented callback fields that have a value: finish_time,
//     merchant_id, order_id, order_status, amount (charged, without tip),
//     tip, bizpay_order_id, remarks and sale_num (when the request had
//     them), exchange_rate, convenience_fee, sub_openId (wallet orders). For
//     PREPAY_INIT, order_id is the OTT order ID PREPAY_QUERY shows once paid
//     and sale_num echoes the merchant's; for every other action order_id is
//     the merchant's order ID. The envelope is rsp_code SUCCESS, rsp_msg
//     success, merchant_id.
//   - Card data (cc_number, cvn2, cc_sha, cc_expiry) and PASSIVEPAY's
//     auth_code are not kept with the order.
//   - Orders are one namespace per sandbox: an order_id used by one
//     merchant is ORDER_USED for another; a query by another merchant finds
//     nothing.
//
// # Callback delivery
//
// A callback's first POST goes at once; each unacknowledged attempt is
// followed by the next after the next wait of Options.RetrySchedule
// (default DefaultRetrySchedule, WeChat Pay's 15s, 15s, 30s, 3m, 10m, 20m,
// 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h), multiplied by TimeScale, so a
// delivery makes at most 1+len(RetrySchedule) POSTs (16 by default) and is
// then marked gave_up. An answer acknowledges by Options.Ack: by default
// (AckSuccess) a 2xx status and a body containing SUCCESS; AckAny2xx
// accepts any 2xx. Every attempt is recorded (time, status, latency, an
// escaped excerpt of at most MaxExcerpt bytes of the answer, the error).
// POST /_sandbox/callbacks/{id}/resend starts a new round.
//
// # Magic amounts
//
// The amount of a create (amount, or txnAmt for cards) in cents, modulo
// 100, picks a failure mode:
//
//	91  the payer declines: paying the order closes it (declined), no callback;
//	    PASSIVEPAY answers FAIL
//	92  FAIL, no order
//	93  SYSTEM_ERROR, no order
//	94  the order is created but the response is held until the client
//	    gives up (at most HoldLimit): a timeout with an unknown outcome
//	95  the callback is delivered twice (two deliveries, identical bodies)
//	96  no callback at all (the payment still succeeds)
//	97  PWD_INCORRECT for PASSIVEPAY, no order (other actions: normal)
//	98  a 1-cent convenience fee: the response amount and the callback
//	    amount are one cent more, convenience_fee is "1"
//
// Any other amount (e.g. 1000, 1050, 1099) behaves normally.
//
// # Sender quirks
//
// Options.Rule (or the X-OTTPay-Sandbox-Values request header) makes the
// responses and callbacks as the known senders make them, so decoders are
// tested against real habits: "js" sends amounts, rates and durations as
// JSON numbers hashed as JavaScript's String does; "php" also writes the
// plaintext as json_encode does ("\/" and \uXXXX escapes) and breaks the
// Base64 data with a space every 60 characters, as the docs' published
// example does; "java" sends numbers hashed as Gson's Double (100.0) and
// writes Gson's HTML-safe escapes (\u003d for =). The default, "strings",
// is the documented scheme.
//
// # Control API
//
// JSON in and out, under /_sandbox/:
//
//	GET    /_sandbox/healthz                     {"status":"ok","version":"1"}
//	GET    /_sandbox/orders                      {"orders":[Order...]}
//	GET    /_sandbox/orders/{id}                 Order
//	POST   /_sandbox/orders/{id}/pay             pay (409 ORDER_PAID, ORDERCLOSE, DECLINED)
//	POST   /_sandbox/orders/{id}/decline         payer declines; closes the order
//	POST   /_sandbox/orders/{id}/close           close now, as if expired
//	GET    /_sandbox/callbacks                   {"callbacks":[Delivery...]} with every attempt
//	POST   /_sandbox/callbacks/{id}/resend       a new round of attempts
//	DELETE /_sandbox/data                        delete every order and delivery
//	GET    /_sandbox/pay/{id}                    the pay page: Pay and Decline buttons
//
// The pay page is plain HTML whose buttons are forms POSTing to the control
// API (answered with a redirect back to the page). Once a PREPAY_INIT order
// is paid, its return link is redirect_url with the documented parameters
// total_fee, trade_no, out_trade_no and trade_status=Trade_Finished. The
// page runs no script and is served with Content-Security-Policy
// "default-src 'none'; form-action 'self'". POSTs carrying another site's
// Origin are refused.
//
// # State
//
// State lives in a Store (Options.Store; in memory by default), whose
// records are plain JSON-encodable structs changed in transactions. A
// server started on a store resumes its pending deliveries, expiries and
// auto-payments.
package sandbox
