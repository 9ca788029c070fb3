package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// FuzzScan checks that scanning any input never panics, that every
// finding lies inside the input, in order, on the line it says, with a Raw
// the envelope parser accepts as an envelope of a known kind, or else with
// the error saying why not, and that a Reader given the input one byte at
// a time, and so scanning it line by line, finds the same.
func FuzzScan(f *testing.F) {
	for _, c := range loadCases(f) {
		f.Add(c.input)
	}
	for _, s := range []string{
		"", "{", "}", "{{{{{{{{", `{"a":{"a":{"a":`, `{\"`, `{\\\"a\\\":`, `"{\"rsp_code\":`,
		"curl '", "curl -d \"{\\\"", "POST / HTTP/1.1\n", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\nffffff\n{",
		"eyJ", "eyJyc3BfY29kZSI6IkZBSUwiLCJyc3BfbXNnIjoieCJ9", "data=&md5=&rsp_code=&rsp_msg=",
		`{"rsp_code":"A","rsp_msg":"B","data":"QUJD` + "\r\n" + `REVG","md5":"x"}`,
		strings.Repeat(`{"rsp_code":"A","rsp_msg":"B"}`, 3), "\\u", `{"\ud800":"\udc00"}`,
		`{"action":null,"merchant_id":"M","data":"QUJD","md5":"x"}`, `{"rsp_code":"A","rsp_code":"B","rsp_msg":"C"}`,
		`{"action":"A","merchant_id":"M","data":1}`, "data=x&data=y&md5=z&rsp_code=A",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got := Scan(in)
		pos, line := 0, 1
		for i, fd := range got {
			if fd.Start < pos || fd.End > len(in) || fd.Start >= fd.End {
				t.Fatalf("finding %d: span [%d,%d) out of order or outside the %d-byte input", i, fd.Start, fd.End, len(in))
			}
			line += bytes.Count(in[pos:fd.Start], []byte{'\n'})
			pos = fd.Start
			if fd.Line != line {
				t.Fatalf("finding %d: line %d, but offset %d is on line %d", i, fd.Line, fd.Start, line)
			}
			e, err := codec.ParseEnvelope(fd.Raw)
			switch {
			case (fd.Envelope == nil) == (fd.Err == nil):
				t.Fatalf("finding %d: envelope %v and error %v, want exactly one", i, fd.Envelope, fd.Err)
			case fd.Envelope != nil && (err != nil || e.Kind == 0):
				t.Fatalf("finding %d: Raw %q is not an envelope of a known kind: %v", i, fd.Raw, err)
			case fd.Err != nil && err == nil && e.Kind != 0:
				t.Fatalf("finding %d: Raw %q is an envelope, but the finding says %v", i, fd.Raw, fd.Err)
			case fd.Err != nil && !errors.As(fd.Err, new(*codec.Error)):
				t.Fatalf("finding %d: error %v is not a *codec.Error", i, fd.Err)
			}
		}
		r := NewReader(iotest.OneByteReader(bytes.NewReader(in)))
		for i := 0; ; i++ {
			fd, err := r.Next()
			if err == io.EOF {
				if i != len(got) {
					t.Fatalf("the Reader found %d envelopes, Scan %d", i, len(got))
				}
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if i >= len(got) || fd.Start != got[i].Start || fd.End != got[i].End || fd.Line != got[i].Line || !bytes.Equal(fd.Raw, got[i].Raw) ||
				fmt.Sprint(fd.Err) != fmt.Sprint(got[i].Err) {
				t.Fatalf("the Reader's finding %d differs from Scan's", i)
			}
		}
	})
}
