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
// A candidate is a JSON object whose member names have the envelope shape:
// a request has action, version, merchant_id, data and md5; a response has
// rsp_code (or rep_code, as the common rules spell it) and rsp_msg, and
// usually data and md5 (a failure response may carry neither); a callback
// is a response with merchant_id. An object that lacks some of these is
// still a candidate when it has data, a kind member (action, rsp_code or
// rep_code) and one more member that only envelopes have: merchant_id or
// md5. An application's own JSON, such as {"action":"click","data":{...}}
// or {"code":0,"data":[...]}, is not a candidate.
//
// A candidate that codec.ParseEnvelope accepts is reported with its
// Envelope, and not searched further (its data is ciphertext). One that it
// refuses (a duplicate member, a member that is not a string, text that is
// not UTF-8) is reported as a broken envelope, with Envelope nil and Err
// saying why; so is one whose action or rsp_code is null, which leaves it
// without a kind. The members of a broken envelope, like those of any
// other object, are searched for envelopes.
//
// # Wrappings
//
// Found.Via lists the wrappings around an envelope, whole or broken,
// outermost first, using these words:
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
// Scanning never panics, and its time and memory are linear in the size of
// the input, whatever the input:
//
//   - Work. Scan examines each byte of its input a bounded number of times:
//     at most 96 byte examinations and parse attempts per byte of input
//     (work_test.go counts them on inputs built against every construct the
//     scanner looks for). A failed attempt at an object, an escaped object
//     or a curl command is not repeated from the positions it covered: a
//     curl word inside a command already read without data stops reading
//     where the two readings agree, so a line of repeated "curl " or
//     "curl -H x " costs no more than any other line. Wrappings are
//     unwrapped at most eight levels deep. Most of the bound is for envelope
//     candidates nested in one another: the envelope parser reads each of
//     them down to codec.MaxDepth levels, so a byte is read once for each of
//     the codec.MaxDepth candidates around it; the test inputs without
//     such candidates cost under 20 per byte.
//   - Memory. Scan allocates at most 96 bytes per byte of input, findings
//     included, and a finding's Raw shares its copy with the findings
//     nested in it; envelope candidates nested in one another allocate up
//     to 10*codec.MaxDepth bytes per byte (mostly the envelope parser's own,
//     released as it goes).
//   - A Reader does the work of Scan, plus the scans again of an unfinished
//     construct: once the text after it is an eighth of it, or, from a
//     source that has no more at once, on every new line as long as each
//     byte read has paid for at most 64 bytes of such scans. It holds at
//     most its buffer size (DefaultBufferSize unless set with
//     NewReaderSize); an envelope, HTTP dump or curl command longer than
//     that is not found by a Reader, though the envelopes inside it still
//     are.
//
// Scan and a Reader report the same envelopes for inputs without such
// giants. A Reader is for one goroutine; Scan may be called from many.
package scan
