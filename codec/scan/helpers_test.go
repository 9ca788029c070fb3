package scan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// want is one expected finding of a case under testdata/cases: NAME.txt is
// the input, NAME.want holds one JSON want per line, in order.
type want struct {
	Line   int      `json:"line"`
	Via    []string `json:"via"`
	Kind   string   `json:"kind"`
	MD5    string   `json:"md5"`
	Code   string   `json:"code"` // action of a request, rsp_code otherwise
	Begins string   `json:"begins"`
	Ends   string   `json:"ends"`
	Len    int      `json:"len"`
	Notes  []string `json:"notes"`
	// Error names the codec sentinel a broken envelope's Err wraps, such
	// as "ErrDuplicate"; Kind, MD5 and Code are then not checked.
	Error string `json:"error"`
}

// sentinels are the codec errors a want may name.
var sentinels = map[string]error{
	"ErrNotJSON":      codec.ErrNotJSON,
	"ErrNotObject":    codec.ErrNotObject,
	"ErrDuplicate":    codec.ErrDuplicate,
	"ErrTooDeep":      codec.ErrTooDeep,
	"ErrNotUTF8":      codec.ErrNotUTF8,
	"ErrMissingField": codec.ErrMissingField,
	"ErrFieldType":    codec.ErrFieldType,
}

type testCase struct {
	name  string
	input []byte
	wants []want
}

func loadCases(t testing.TB) []testCase {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "cases", "*.txt"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no cases under testdata/cases: %v", err)
	}
	var cases []testCase
	for _, name := range names {
		input, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		wf, err := os.Open(strings.TrimSuffix(name, ".txt") + ".want")
		if err != nil {
			t.Fatalf("case %s has no .want file: %v", name, err)
		}
		c := testCase{name: strings.TrimSuffix(filepath.Base(name), ".txt"), input: input}
		sc := bufio.NewScanner(wf)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var w want
			if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
				t.Fatalf("%s.want: %v", c.name, err)
			}
			c.wants = append(c.wants, w)
		}
		wf.Close()
		cases = append(cases, c)
	}
	return cases
}

// codeOf is what a want's Code holds for an envelope.
func codeOf(e *codec.Envelope) string {
	if e.Kind == codec.Request {
		return e.Action
	}
	return e.RspCode
}

// checkFindings compares findings with the wants of c; a is the
// accepter they were found with, strict whether it is codec.ParseEnvelope
// (the stand-in of the finding-layer tests refuses fewer broken envelopes,
// so with it a broken envelope may come as either).
func checkFindings(t *testing.T, c testCase, got []Found, a accepter, strict bool) {
	t.Helper()
	if len(got) != len(c.wants) {
		t.Errorf("%s: found %d envelopes, want %d:\n%s", c.name, len(got), len(c.wants), describe(c.input, got))
		return
	}
	for i, f := range got {
		w := c.wants[i]
		where := fmt.Sprintf("%s: finding %d", c.name, i+1)
		if f.Start < 0 || f.End > len(c.input) || f.Start >= f.End {
			t.Errorf("%s: span [%d,%d) is not inside the %d-byte input", where, f.Start, f.End, len(c.input))
			continue
		}
		span := string(c.input[f.Start:f.End])
		if !strings.HasPrefix(span, w.Begins) || !strings.HasSuffix(span, w.Ends) || len(span) != w.Len {
			t.Errorf("%s: span %q (%d bytes), want %q…%q (%d bytes)", where, clip(span), len(span), w.Begins, w.Ends, w.Len)
		}
		if f.Line != w.Line {
			t.Errorf("%s: line %d, want %d", where, f.Line, w.Line)
		}
		if !reflect.DeepEqual(nonNil(f.Via), nonNil(w.Via)) {
			t.Errorf("%s: via %q, want %q", where, f.Via, w.Via)
		}
		if !reflect.DeepEqual(nonNil(f.Notes), nonNil(w.Notes)) {
			t.Errorf("%s: notes %q, want %q", where, f.Notes, w.Notes)
		}
		if (f.Envelope == nil) == (f.Err == nil) {
			t.Errorf("%s: envelope %v and error %v: want exactly one", where, f.Envelope, f.Err)
			continue
		}
		if w.Error != "" {
			sentinel, ok := sentinels[w.Error]
			if !ok {
				t.Fatalf("%s: the want names an unknown error %q", where, w.Error)
			}
			if strict && !errors.Is(f.Err, sentinel) {
				t.Errorf("%s: error %v, want one wrapping codec.%s", where, f.Err, w.Error)
			}
			continue
		}
		if f.Envelope == nil {
			t.Errorf("%s: no envelope but the error %v", where, f.Err)
			continue
		}
		if k := f.Envelope.Kind.String(); k != w.Kind {
			t.Errorf("%s: kind %q, want %q", where, k, w.Kind)
		}
		if f.Envelope.MD5 != w.MD5 || codeOf(f.Envelope) != w.Code {
			t.Errorf("%s: md5 %q code %q, want md5 %q code %q", where, f.Envelope.MD5, codeOf(f.Envelope), w.MD5, w.Code)
		}
		e, err := a(f.Raw)
		if err != nil || e.MD5 != f.Envelope.MD5 {
			t.Errorf("%s: Raw does not parse to the same envelope: %v", where, err)
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:40] + "…" + s[len(s)-30:]
	}
	return s
}

func describe(input []byte, got []Found) string {
	var sb strings.Builder
	for _, f := range got {
		fmt.Fprintf(&sb, "  line %d [%d,%d) via %q: %q", f.Line, f.Start, f.End, f.Via, clip(string(input[f.Start:f.End])))
		if f.Err != nil {
			fmt.Fprintf(&sb, " (%v)", f.Err)
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// shapeAccept stands in for codec.ParseEnvelope in the tests of the
// finding layers: it reads the envelope members with encoding/json and
// accepts string members only.
func shapeAccept(b []byte) (*codec.Envelope, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	e := &codec.Envelope{}
	for key, dst := range map[string]*string{
		"action": &e.Action, "version": &e.Version, "merchant_id": &e.MerchantID,
		"rsp_code": &e.RspCode, "rsp_msg": &e.RspMsg, "data": &e.Data, "md5": &e.MD5,
	} {
		v, ok := m[key]
		if !ok {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, errors.New(key + " is not a string")
		}
		*dst = s
	}
	if s, ok := m["rep_code"].(string); ok && e.RspCode == "" {
		e.RspCode = s
	}
	_, e.HasData = m["data"]
	_, e.HasMD5 = m["md5"]
	switch {
	case e.Action != "":
		e.Kind = codec.Request
	case e.RspCode != "" && e.MerchantID != "":
		e.Kind = codec.Callback
	case e.RspCode != "":
		e.Kind = codec.Response
	default:
		return nil, errors.New("not an envelope")
	}
	return e, nil
}

// scanWith is Scan with another accepter.
func scanWith(text []byte, a accepter) []Found {
	s := newScanner(a)
	s.top(text, 0, 0, true, true)
	s.number(text, 0, 0, 0)
	return s.out
}
