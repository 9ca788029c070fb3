package scan

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// FuzzScan checks that scanning any input never panics, that every
// finding lies inside the input, in order, on the line it says, with a
// Raw the envelope parser accepts, and that a Reader scanning the input in
// small steps finds the same.
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
			if fd.Envelope == nil {
				t.Fatalf("finding %d: no envelope", i)
			}
			if _, err := codec.ParseEnvelope(fd.Raw); err != nil {
				t.Fatalf("finding %d: Raw %q is not an envelope: %v", i, fd.Raw, err)
			}
		}
		r := NewReader(iotest.HalfReader(bytes.NewReader(in)))
		r.gather = 1
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
			if i >= len(got) || fd.Start != got[i].Start || fd.End != got[i].End || fd.Line != got[i].Line || !bytes.Equal(fd.Raw, got[i].Raw) {
				t.Fatalf("the Reader's finding %d differs from Scan's", i)
			}
		}
	})
}
