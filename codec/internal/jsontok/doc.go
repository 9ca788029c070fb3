// Package jsontok is the one reader and the one string writer of JSON
// text in the codec: the codec's parser, the nested-value renderer of the
// rules, the scanner and the report all read JSON with it, so that what
// counts as JSON, and how a string is escaped, cannot drift between them.
//
// # The strict reader
//
// A Reader reads one JSON text token by token, in order, taking
// substrings of its text wherever a value needs no unescaping. It applies
// these rules, the codec's for every message:
//
//   - RFC 8259 syntax: no comments, no trailing commas, no single quotes,
//     no leading zeros, no bare control characters inside strings.
//   - UTF-8: every byte of a string is part of a valid UTF-8 sequence
//     (surrogate halves and overlong forms are not); any other byte above
//     0x7f outside strings is a syntax error.
//   - Every escape: \" \\ \/ \b \f \n \r \t and \uXXXX, a surrogate pair
//     written as two \u escapes giving the one character; a lone half of
//     a pair is an error (code Surrogate), as is any other escape.
//   - Duplicate names: Value refuses an object that names a member twice
//     (code Duplicate); a caller reading members with Name checks its own
//     (the codec does, with CheckDuplicates).
//   - Depth: Enter refuses a container nested deeper than MaxDepth
//     (code TooDeep), so recursion is bounded.
//   - Size: the reader holds no limit of its own; its callers refuse text
//     over their size limit before reading it (the codec's MaxMessageSize).
//
// Errors are *Error values with a Code and the byte offset where the text
// went wrong; the codec words them for its own layers.
//
// # The tolerant scanner
//
// ScanString, ScanNumber, SkipEscape and AppendUnescaped are the same
// lexical rules for the scanner, which finds envelopes in logs: they read
// a []byte that may end in the middle of a token (status More), allow raw
// line breaks that broke Base64 text inside a string (status Broken), and
// unescape leniently (an invalid escape is kept as written, a lone
// surrogate becomes U+FFFD). Each examines every byte once.
//
// # The writer
//
// AppendString writes a JSON string as JSON.stringify does: raw UTF-8,
// only '"', '\' and control characters escaped, never HTML characters.
//
// # Why not jsontext
//
// github.com/go-json-experiment/json/jsontext (v0.0.0-20260213210345,
// the API of encoding/json/jsontext under GOEXPERIMENT=jsonv2) applies the
// same rules, and was measured as the reader of the codec's messages by
// BenchmarkTokenize (bench_test.go): every member of the peer corpus's
// envelopes and transaction data read as the codec reads them, the two
// readers interleaved in one run, 5 rounds on a busy 2-core machine,
// medians (ns/op, allocs/op):
//
//	class    jsontok          jsontext          jsontext/jsontok
//	small      773 ns,   1     2084 ns,  10     2.7x
//	medium    2485 ns,   3    14863 ns,  37     6.0x
//	large    86546 ns,   9   592487 ns, 827     6.8x
//
// (a quieter single run: 281 vs 1744, 4310 vs 16599, 78615 vs 554391
// ns/op). jsontext's Decoder reads from an io.Reader and copies every
// string token out as a new Go string, while this reader slices the one
// string it is given and allocates only for strings holding escapes. The
// codec reads every message of a sandbox, a batch and a scan, so it keeps
// this reader, and stays standard-library-only.
package jsontok
