package scan

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// A JSON string's content unescapes to its text, and each byte of the
// text remembers the offset of what it came from.
func TestUnescapeJSON(t *testing.T) {
	for _, c := range []struct {
		in, out string
		tab     []int
	}{
		{`a\"b`, `a"b`, []int{0, 1, 3, 4}},
		{`\/\\\n`, "/\\\n", []int{0, 2, 4, 6}},
		{`\u00e9!`, "é!", []int{0, 0, 6, 7}},
		{`\ud83d\ude00`, "😀", []int{0, 0, 0, 0, 12}},
		{`\ud800x`, "\uFFFDx", []int{0, 0, 0, 6, 7}},
		{`\q\u12`, `\q\u12`, []int{0, 1, 2, 3, 4, 5, 6}},
		{`end\`, `end\`, []int{0, 1, 2, 3, 4}},
	} {
		out, tab := unescapeJSON([]byte(c.in), true)
		if string(out) != c.out || !slices.Equal(tab, c.tab) {
			t.Errorf("unescape %q = %q %v, want %q %v", c.in, out, tab, c.out, c.tab)
		}
	}
}

// Base64 decodes in either alphabet, padded or not, across line breaks,
// up to the first byte of neither alphabet.
func TestDecodeBase64(t *testing.T) {
	body := []byte(`{"rsp_code":"SUCCESS","rsp_msg":"成功?>>"}`)
	std := base64.StdEncoding.EncodeToString(body)
	url := base64.RawURLEncoding.EncodeToString(body)
	if !strings.ContainsAny(std, "+/") || !strings.ContainsAny(url, "-_") {
		t.Fatalf("the sample does not exercise both alphabets: %s %s", std, url)
	}
	for _, in := range []string{std, url, std[:20] + "\r\n" + std[20:40] + "\n" + std[40:], url + "!trailing", std + "=garbage"} {
		if got := decodeBase64([]byte(in)); !bytes.Equal(got, body) {
			t.Errorf("decode %q = %q", in, got)
		}
	}
}

// The object parser finds where an object ends, says which nested objects
// a failure leaves open, and asks for more text when it runs out.
func TestParseObject(t *testing.T) {
	s := newScanner(shapeAccept)
	in := []byte(`{"a":[1,-2.5e3,true,false,null,{"b":"c"},[]],"d":{}} tail`)
	if end, more := s.parseObject(in, 0, true); end != len(in)-5 || more {
		t.Errorf("parse = %d %v, want %d", end, more, len(in)-5)
	}
	s.ev = s.ev[:0]
	in = []byte(`{"a":{"b":{"c":x}}}`)
	if end, _ := s.parseObject(in, 0, true); end != -1 || !slices.Equal(s.cover, []int{5, 10}) {
		t.Errorf("parse of a broken object = %d, covering %v; want -1 covering [5 10]", end, s.cover)
	}
	for _, in := range []string{`{"a":`, `{"a":"b`, `{"a":tr`, `{"a":12`, `{"a":"\u00`} {
		if end, more := s.parseObject([]byte(in), 0, false); end != -1 || !more {
			t.Errorf("parse of %q before its end = %d %v, want more", in, end, more)
		}
		if end, more := s.parseObject([]byte(in), 0, true); end != -1 || more {
			t.Errorf("parse of %q at its end = %d %v, want a failure", in, end, more)
		}
	}
	if len(s.ev) != 0 {
		t.Errorf("failed parses left %d events", len(s.ev))
	}
}

// A raw line break is allowed inside a string only where it broke
// Base64-like text; the object is then marked for repair.
func TestRawLineBreaks(t *testing.T) {
	s := newScanner(shapeAccept)
	for in, ok := range map[string]bool{
		"{\"data\":\"QUJDREVGR0hJ\r\nSktMTU5P\"}":  true,
		"{\"data\":\"QUJDREVGR0hJ\nSktM\nTU5P\"}":  true,
		"{\"data\":\"QUJD\nREVGR0hJ\"}":            false, // too short before the break
		"{\"msg\":\"a, b; c!\nnext\"}":             false, // not Base64
		"{\"data\":\"QUJDREVGR0hJ\n, \\\"x\\\"\"}": false, // not Base64 after it
	} {
		end, _ := s.parseObject([]byte(in), 0, true)
		if (end > 0) != ok {
			t.Errorf("parse %q = %d, want success %v", in, end, ok)
			continue
		}
		if ok {
			if !s.ev[0].repair {
				t.Errorf("%q: not marked for repair", in)
			}
			if r := removeBreaks([]byte(in)); bytes.ContainsAny(r, "\r\n") {
				t.Errorf("repair of %q left line breaks: %q", in, r)
			}
		}
		s.ev = s.ev[:0]
	}
}

// Shell words lose their quotes, escapes and line continuations, and each
// byte remembers where it was.
func TestShellWords(t *testing.T) {
	in := "curl -d 'a b' \"c \\\"d\\\" \\$e\" $'f\\ng' h\\ i \\\n  j\\\r\n  k ; echo no"
	var cmd command
	end, more, ok := parseCommand(&cmd, []byte(in), 4, true)
	if !ok || more || in[end] != ';' {
		t.Fatalf("parse = end %d more %v ok %v", end, more, ok)
	}
	var got []string
	for k := range cmd.words {
		got = append(got, string(cmd.word(k)))
	}
	want := []string{"-d", "a b", `c "d" $e`, "f\ng", "h i", "j", "k"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
	w := cmd.words[2]
	if d := cmd.tab[w.vs+2]; in[d] != '\\' || in[d+1] != '"' {
		t.Errorf("the escaped quote maps to %d (%q)", d, in[d:d+2])
	}
	if _, more, ok := parseCommand(&cmd, []byte(`curl -d '{"a":`), 4, false); !more || ok {
		t.Errorf("an open quote before the end of the text gave more %v ok %v", more, ok)
	}
	if _, more, ok := parseCommand(&cmd, []byte(`curl -d '{"a":`), 4, true); more || ok {
		t.Errorf("an open quote at the end of the text gave more %v ok %v", more, ok)
	}
}

// The data options of curl, in all their spellings.
func TestDataFlags(t *testing.T) {
	for w, want := range map[string][2]any{
		"-d": {true, -1}, "-dX": {true, 2}, "-sSd": {true, -1}, "-sdX": {true, 3},
		"--data": {true, -1}, "--data-raw": {true, -1}, "--data-binary": {true, -1},
		"--data-urlencode": {true, -1}, "--json": {true, -1}, "--data=X": {true, 7},
		"-H": {false, -1}, "--header": {false, -1}, "-X": {false, -1}, "--dump-header": {false, -1}, "-1d": {false, -1},
		"-Hdate: x": {false, -1}, "-XPOSTd": {false, -1},
	} {
		isFlag, at := dataValue([]byte(w))
		if isFlag != want[0] || at != want[1] {
			t.Errorf("dataValue(%q) = %v %d, want %v %d", w, isFlag, at, want[0], want[1])
		}
	}
}

// HTTP start lines.
func TestStartLine(t *testing.T) {
	for line, want := range map[string]string{
		"POST /processV2 HTTP/1.1\r":           ViaHTTPRequest,
		"GET https://x.example/a?b=c HTTP/2":   ViaHTTPRequest,
		"HTTP/1.1 200 OK":                      ViaHTTPResponse,
		"HTTP/2 502":                           ViaHTTPResponse,
		"HTTP/1.0 404 Not Found":               ViaHTTPResponse,
		"POST the form":                        "",
		"POSTED /x HTTP/1.1":                   "",
		"HTTP/1.1 2000 OK":                     "",
		"GET /x HTTP/1.1 trailing":             "",
		"HTTP/1.1 200 OK {\"rsp_code\":\"A\"}": "",
	} {
		if got, _ := startLine([]byte(line)); got != want {
			t.Errorf("startLine(%q) = %q, want %q", line, got, want)
		}
	}
}

// A chunked body is reassembled by its sizes, or by its lines when a copy
// changed its line endings.
func TestDechunk(t *testing.T) {
	body := `{"rsp_code":"FAIL","rsp_msg":"x"}`
	for _, in := range []string{
		"5\r\n" + body[:5] + "\r\n1C\r\n" + body[5:] + "\r\n0\r\n\r\nnext",
		"5;ext=1\n" + body[:5] + "\n1c\n" + body[5:] + "\n0\n\nnext",
		"5\n" + body[:5] + "\n99\n" + body[5:] + "\n0\n\nnext", // a size that lies
	} {
		out, tab, end, _, more, ok := dechunk([]byte(in), 0, true)
		if !ok || more || string(out) != body {
			t.Errorf("dechunk %q = %q ok %v", in, out, ok)
			continue
		}
		if in[end:] != "next" {
			t.Errorf("dechunk %q ends at %d, before %q", in, end, in[end:])
		}
		for i := range out {
			if in[tab[i]] != out[i] {
				t.Errorf("dechunk %q: byte %d maps to %q", in, i, in[tab[i]])
				break
			}
		}
	}
	if _, _, _, _, _, ok := dechunk([]byte("hello\nworld\n"), 0, true); ok {
		t.Errorf("text without chunk sizes was reassembled")
	}
}

// Form bodies: percent escapes, '+' as a space outside data, and a data
// whose '+' became spaces, with or without members after it.
func TestFormBodies(t *testing.T) {
	md5 := "5A917182659DE14DCB3022CA6518F34F"
	data := "ab+c/d+ef+g=" // 11 Base64 characters and padding
	for _, c := range []struct{ in, data, msg string }{
		{"rsp_code=FAIL&rsp_msg=bad+sign%21&md5=" + md5 + "&data=ab%2Bc%2Fd%2Bef%2Bg%3D", data, "bad sign!"},
		{"rsp_code=FAIL&rsp_msg=x&md5=" + md5 + "&data=ab c/d ef g=", data, "x"},
		{"rsp_code=FAIL&rsp_msg=x&md5=" + md5 + "&data=ab c/d ef g= took 3 ms", data, "x"},
		{"rsp_code=FAIL&rsp_msg=x&md5=" + md5 + "&data=ab+c/d+ef+g= trailing", data, "x"},
		{"rsp_code=FAIL&rsp_msg=x&md5=" + md5 + "&data=abcd efg", "abcd", "x"},
		{"rsp_code=FAIL&rsp_msg=x&md5=" + md5 + "&data=" + strings.Repeat("ab cd efgh ", 8)[:64] + " took 3 ms", strings.ReplaceAll(strings.Repeat("ab cd efgh ", 8)[:64], " ", "+"), "x"},
		{"data=ab c/d ef g=&rsp_code=FAIL&rsp_msg=x&md5=" + md5, data, "x"},
	} {
		got := scanWith([]byte("body: "+c.in+"\n"), shapeAccept)
		if len(got) != 1 {
			t.Errorf("%q: %d findings", c.in, len(got))
			continue
		}
		e := got[0].Envelope
		if e.Data != c.data || e.RspMsg != c.msg || e.MD5 != md5 {
			t.Errorf("%q: data %q msg %q md5 %q, want %q %q", c.in, e.Data, e.RspMsg, e.MD5, c.data, c.msg)
		}
	}
}

// An envelope is found under more nesting than one parse follows, and
// after any broken construct on the lines before it.
func TestRobustness(t *testing.T) {
	env := string(testEnvelopes(t)[0])
	deep := strings.Repeat(`{"a":[`, 600) + env + strings.Repeat("]}", 600)
	got := Scan([]byte(deep))
	if len(got) != 1 || got[0].Start != 600*6 || !slices.Contains(got[0].Via, ViaJSON) {
		t.Errorf("under 600 levels: %d findings %v", len(got), got)
	}
	for _, prefix := range []string{
		`{`, `{"a":`, `{"a":"`, `{"data":"QUJDREVGR0hJSktM`, `{\"a\":\"`, `"{\"a`, `eyJhIjoi`,
		`curl -d '`, `curl -d "`, "POST / HTTP/1.1", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\nff",
		`data=`, `rsp_code=A&rsp_m`, strings.Repeat("{", 1000), strings.Repeat(`{"a":[`, 1000),
	} {
		in := prefix + "\n" + env + "\n"
		got := Scan([]byte(in))
		if len(got) != 1 || string(got[0].Raw) != env {
			t.Errorf("after %q: %d findings", clip(prefix), len(got))
		}
	}
}

// An object shaped like an envelope that the envelope parser refuses is
// reported with the parser's reason, and its members are still searched.
func TestRefusedShapeIsReportedAndSearched(t *testing.T) {
	env := string(testEnvelopes(t)[0])
	in := `{"rsp_code":1,"rsp_msg":"not a string code","inner":` + env + `}`
	got := Scan([]byte(in))
	if len(got) != 2 {
		t.Fatalf("%d findings, want the broken outer object and the envelope in it:\n%s", len(got), describe([]byte(in), got))
	}
	if got[0].Envelope != nil || !errors.Is(got[0].Err, codec.ErrFieldType) || got[0].Start != 0 || got[0].End != len(in) {
		t.Errorf("first finding [%d,%d) envelope %v error %v, want the whole object with codec.ErrFieldType",
			got[0].Start, got[0].End, got[0].Envelope, got[0].Err)
	}
	if got[1].Envelope == nil || string(got[1].Raw) != env || !slices.Equal(got[1].Via, []string{ViaJSON}) {
		t.Errorf("second finding: envelope %v via %q, want the inner envelope via json", got[1].Envelope, got[1].Via)
	}
}

// A null action or rsp_code leaves an envelope without a kind: it is
// reported as broken, saying which member is null.
func TestNullKindIsBroken(t *testing.T) {
	for _, in := range []string{
		`{"action":null,"version":"1.0","merchant_id":"M","data":"QUJDREVGR0hJSktMTU5P","md5":"5A917182659DE14DCB3022CA6518F34F"}`,
		`{"rsp_code":null,"rsp_msg":"ok","data":"QUJDREVGR0hJSktMTU5P","md5":"5A917182659DE14DCB3022CA6518F34F"}`,
		`{"rep_code":null,"rsp_msg":"failed"}`,
	} {
		got := Scan([]byte(in))
		if len(got) != 1 || got[0].Envelope != nil || !errors.Is(got[0].Err, codec.ErrMissingField) {
			t.Errorf("%s: %d findings %v, want one broken envelope wrapping codec.ErrMissingField", in, len(got), got)
			continue
		}
		var ce *codec.Error
		name := in[2 : strings.IndexByte(in[2:], '"')+2]
		if !errors.As(got[0].Err, &ce) || ce.Layer != codec.LayerEnvelope || !strings.Contains(ce.What, `"`+name+`" is null`) {
			t.Errorf("%s: error %v, want the envelope layer saying %q is null", in, got[0].Err, name)
		}
	}
}

// Every wrapping the cases expect is one of the documented words.
func TestViaWords(t *testing.T) {
	known := []string{ViaLogLine, ViaHTTPRequest, ViaHTTPResponse, ViaCurl, ViaJSON, ViaJSONString, ViaBase64, ViaForm}
	seen := map[string]bool{}
	for _, c := range loadCases(t) {
		for _, w := range c.wants {
			for _, v := range w.Via {
				if !slices.Contains(known, v) {
					t.Errorf("%s: unknown wrapping %q", c.name, v)
				}
				seen[v] = true
			}
		}
	}
	for _, v := range known {
		if !seen[v] {
			t.Errorf("no case is wrapped as %q", v)
		}
	}
}

// Many envelopes sharing one span (a Base64 array) are all reported, in
// order: the index that finds an envelope met twice tells them apart.
func TestManyEnvelopesInOneSpan(t *testing.T) {
	var arr []string
	for i := range 40 {
		arr = append(arr, fmt.Sprintf(`{"rsp_code":"FAIL","rsp_msg":"attempt %d"}`, i))
	}
	b64 := base64.StdEncoding.EncodeToString([]byte("[" + strings.Join(arr, ",") + "]"))
	in := "batch " + b64 + "\n"
	got := Scan([]byte(in))
	if len(got) != len(arr) {
		t.Fatalf("%d findings, want %d", len(got), len(arr))
	}
	for i, f := range got {
		if string(f.Raw) != arr[i] || f.Start != len("batch ") || f.End != len(in)-1 {
			t.Errorf("finding %d: %s at [%d,%d), want %s at the Base64 run", i, f.Raw, f.Start, f.End, arr[i])
		}
	}
}
