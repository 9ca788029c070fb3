// Package scan finds OTT Pay envelopes (requests, responses and callbacks)
// in pasted text and says where each one was and how it was wrapped.
//
// A support engineer pastes whatever they have: a raw body, a
// pretty-printed one, a log line with a timestamp prefix and trailing text,
// a JSON log record holding the body as an escaped string (once or twice
// escaped), the Base64 of a body, an HTTP request or response dump, a curl
// command, a form-urlencoded body, or many of these mixed, one per line or
// not. Scan finds every envelope in such text; Reader does the same over a
// stream in bounded memory, for logs too large to hold.
//
// # What is an envelope
//
// A candidate is a JSON object whose members have the envelope shape:
// a request has action, version, merchant_id, data and md5; a response has
// rsp_code (or rep_code, as the common rules spell it) and rsp_msg, and
// usually data and md5 (a failure response may carry neither); a callback
// is a response with merchant_id. A candidate is reported when
// codec.ParseEnvelope accepts it. An object that is not an envelope is
// searched for envelopes in its member values; an envelope is not searched
// further (its data is ciphertext).
//
// # Wrappings
//
// Found.Via lists the wrappings around an envelope, outermost first, using
// these words:
//
//	log-line       other text precedes it on its line, such as the log
//	               prefix "2024-01-08 16:29:03 INFO callback body=" (an
//	               earlier envelope or list punctuation does not count)
//	http-request   the body of an HTTP request dump (request line, headers,
//	http-response  blank line, body) or of a response dump; chunked bodies
//	               are reassembled
//	curl           the data of a curl command (-d, --data, --data-raw,
//	               --data-binary, --data-ascii, --data-urlencode, --json),
//	               after shell unquoting and line continuations
//	json           a member value of a larger JSON document
//	json-string    the content of a JSON string, unescaped (twice escaped
//	               text gives json-string twice)
//	base64         the Base64 (standard or URL-safe, possibly wrapped) of
//	               the body
//	form           a form-urlencoded body (data=...&md5=...); a space in
//	               data is read as the '+' it was before a careless decode
//
// An empty Via means the envelope stood on its own in the text.
//
// # Positions
//
// Start and End are byte offsets into the input. When the envelope's text
// is in the input, perhaps escaped, they delimit that text (for an escaped
// body, the escaped text). When the envelope was encoded (Base64, a form
// body), they delimit the outermost encoded span that held it, so that
// several envelopes can share one span. Line is the 1-based line of Start.
// Raw is the envelope's JSON text after unwrapping, which is what
// codec.ParseEnvelope read. Notes lists any repair made to Raw, such as
// line breaks removed from inside the Base64 data.
//
// The same envelope found through two wrappings of the same span is
// reported once.
//
// # Limits
//
// Scanning never panics and takes time linear in the size of the input:
// a failed attempt at an object is not repeated from the positions it
// covered, and wrappings are unwrapped at most eight levels deep. A Reader
// holds at most its buffer size (DefaultBufferSize unless set with
// NewReaderSize); an envelope, HTTP dump or curl command longer than that
// is not found by a Reader, though the envelopes inside it still are.
// Scan and a Reader report the same envelopes for inputs without such
// giants. A Reader is for one goroutine; Scan may be called from many.
package scan
