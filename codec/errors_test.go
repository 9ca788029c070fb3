package codec

import (
	"errors"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
	"testing"
)

// listedSentinels reads the sentinel list of errors.go: the names declared
// in the var block whose doc comment says every error wraps one of them.
func listedSentinels(t *testing.T) map[string]bool {
	t.Helper()
	f, err := goparser.ParseFile(token.NewFileSet(), "errors.go", nil, goparser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR || g.Doc == nil || !strings.Contains(g.Doc.Text(), "Every error the package returns") {
			continue
		}
		for _, spec := range g.Specs {
			for _, n := range spec.(*ast.ValueSpec).Names {
				listed[n.Name] = true
			}
		}
	}
	if len(listed) == 0 {
		t.Fatal("errors.go has no var block documented as the sentinel list")
	}
	return listed
}

// Every exported error variable of the package is in the sentinel list of
// errors.go, so the list tells the whole truth.
func TestSentinelListIsComplete(t *testing.T) {
	listed := listedSentinels(t)
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					if strings.HasPrefix(n.Name, "Err") && n.IsExported() && !listed[n.Name] {
						t.Errorf("%s declares %s outside the sentinel list of errors.go", name, n.Name)
					}
				}
			}
		}
	}
}

// Every error path reachable through the exported API returns an *Error
// that wraps a sentinel of the list, and every sentinel of the list is
// reached by some path.
func TestEveryErrorWrapsAListedSentinel(t *testing.T) {
	sentinels := map[string]error{
		"ErrAESKey": ErrAESKey, "ErrTooLarge": ErrTooLarge, "ErrNotJSON": ErrNotJSON, "ErrNotObject": ErrNotObject,
		"ErrDuplicate": ErrDuplicate, "ErrTooDeep": ErrTooDeep, "ErrNotUTF8": ErrNotUTF8,
		"ErrMissingField": ErrMissingField, "ErrFieldType": ErrFieldType, "ErrBadMD5": ErrBadMD5,
		"ErrNoData": ErrNoData, "ErrBase64": ErrBase64, "ErrLength": ErrLength, "ErrPadding": ErrPadding,
		"ErrKeyCase": ErrKeyCase, "ErrMD5Mismatch": ErrMD5Mismatch, "ErrNonString": ErrNonString,
		"ErrUnknownRule": ErrUnknownRule, "ErrEmptySignKey": ErrEmptySignKey,
	}
	listed := listedSentinels(t)
	for name := range listed {
		if sentinels[name] == nil {
			t.Fatalf("the sentinel list has %s, which this test does not know: add it to the table", name)
		}
	}
	for name := range sentinels {
		if !listed[name] {
			t.Errorf("%s is not in the sentinel list of errors.go", name)
		}
	}

	nonString := &Object{Members: []Member{{Key: "amount", Value: Value{Kind: KindNumber, Text: "100"}}}}
	badUTF8 := &Object{Members: []Member{{Key: "a", Value: Value{Kind: KindString, Text: "\xff"}}}}
	deep := "{\"a\":" + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + "}"
	huge := make([]byte, MaxMessageSize+1)
	lowerKey := strings.ToLower("ABCDEF0123456789")
	keyCaseData := sealRaw(exMD5, "ABCDEF0123456789", exPlain)
	body := func(data, md5 string) []byte {
		return []byte(`{"rsp_code":"SUCCESS","rsp_msg":"ok","merchant_id":"M","data":"` + data + `","md5":"` + md5 + `"}`)
	}
	second := func(_ any, err error) error { return err }
	third := func(_, _ any, err error) error { return err }
	paths := []struct {
		name string
		err  error
	}{
		{"ParseObject of a text over the limit", second(ParseObject(huge))},
		{"ParseObject of an empty text", second(ParseObject(nil))},
		{"ParseObject of an array", second(ParseObject([]byte(`[1]`)))},
		{"ParseObject with a member twice", second(ParseObject([]byte(`{"a":"1","a":"2"}`)))},
		{"ParseObject nested too deep", second(ParseObject([]byte(deep)))},
		{"ParseObject of a string that is not UTF-8", second(ParseObject([]byte("{\"a\":\"\xff\"}")))},
		{"UnmarshalJSON of a syntax error", new(Object).UnmarshalJSON([]byte(`{"a":}`))},
		{"ParseEnvelope with a number action", second(ParseEnvelope([]byte(`{"action":1}`)))},
		{"ParseEnvelope of no envelope", second(ParseEnvelope([]byte(`{"a":"b"}`)))},
		{"ParseEnvelope over the limit", second(ParseEnvelope(huge))},
		{"Envelope.Open without data and md5", second((&Envelope{Kind: Response, RspCode: "FAIL"}).Open(exKey))},
		{"Envelope.Open without data", second((&Envelope{MD5: exMD5, HasMD5: true}).Open(exKey))},
		{"Open with an empty sign key", second(openRaw(exMD5, exData, ""))},
		{"Open with an md5 that is not hex", second(openRaw("not an md5", exData, exKey))},
		{"Open of URL-safe Base64", second(openRaw(exMD5, strings.ReplaceAll(exData, "+", "-"), exKey))},
		{"Open of a cut ciphertext", second(openRaw(exMD5, exData[:20], exKey))},
		{"Open with a wrong key", second(openRaw(exMD5, exData, "0000000000000000"))},
		{"Open with the key in another case", second(openRaw(exMD5, keyCaseData, lowerKey))},
		{"Open of tampered data", second(openRaw(exMD5, sealRaw(exMD5, exKey, `{"orderId":"1"}`), exKey))},
		{"Open of a plaintext that is not JSON", second(openRaw(exMD5, sealRaw(exMD5, exKey, "text"), "0000000000000000"))},
		{"Open of data over the limit", second(openRaw(exMD5, strings.Repeat("A", 2*MaxMessageSize+4), exKey))},
		{"DecodeBody over the limit", third(DecodeBody(huge, exKey))},
		{"DecodeBody with a null data", third(DecodeBody([]byte(`{"rsp_code":"S","data":null,"md5":null}`), exKey))},
		{"DecodeBody with a wrong key", third(DecodeBody(body(exData, exMD5), "0000000000000000"))},
		{"Seal of a number under the strings rule", third(Seal(nonString, exKey, RuleStrings))},
		{"Seal under an unknown rule", third(Seal(nonString, exKey, "perl"))},
		{"Seal without a key", third(Seal(nonString, "", RuleStrings))},
		{"Seal of text that is not UTF-8", third(Seal(badUTF8, exKey, RuleJS))},
		{"Envelope.Seal of a number", (&Envelope{}).Seal(nonString, exKey, RuleStrings)},
		{"ParseRule of an unknown name", second(ParseRule("perl"))},
		{"SortedValues of a number", second(SortedValues(nonString, RuleStrings))},
		{"Digest under an unknown rule", second(Digest(nonString, "perl"))},
		{"EncryptData with a short key", second(EncryptData("short", []byte("x")))},
		{"DecryptData with a short key", third(DecryptData("short", exData))},
		{"DecryptData of bad Base64", third(DecryptData(AESKey(exMD5, exKey), "@@@@"))},
		{"MarshalJSON with an extra member named like a protocol member", second((&Envelope{Kind: Request, Extra: []Member{{Key: "md5", Value: Value{Kind: KindString}}}}).MarshalJSON())},
	}
	reached := map[string]bool{}
	for _, p := range paths {
		if p.err == nil {
			t.Errorf("%s: no error", p.name)
			continue
		}
		var e *Error
		if !errors.As(p.err, &e) || e.What == "" || e.Layer == "" {
			t.Errorf("%s: %v is not a complete *Error", p.name, p.err)
		}
		found := ""
		for name, s := range sentinels {
			if errors.Is(p.err, s) {
				found = name
			}
		}
		if found == "" {
			t.Errorf("%s: %v wraps none of the listed sentinels", p.name, p.err)
		}
		reached[found] = true
	}
	var missed []string
	for name := range sentinels {
		if !reached[name] {
			missed = append(missed, name)
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("no error path above reaches %v: add the path that returns it, or drop it from the list", missed)
	}
}

// Quote and Escape write every character that could act on a terminal or
// reorder text as a Go escape, and keep printable text, Chinese included.
func TestQuoteAndEscapeNeutraliseControls(t *testing.T) {
	tests := []struct{ in, quoted, escaped string }{
		{"QC0001", `"QC0001"`, "QC0001"},
		{"张三 可以", `"张三 可以"`, "张三 可以"},
		{"\x1b[2J", `"\x1b[2J"`, `\x1b[2J`},
		{"a\x07b\rc\nd\te", `"a\ab\rc\nd\te"`, `a\ab\rc\nd\te`},
		{"\x00\x7f", `"\x00\x7f"`, `\x00\x7f`},
		{"\u009b31m", `"\u009b31m"`, `\u009b31m`},
		{"\x9b31m", `"\x9b31m"`, `\x9b31m`},
		{"a\u202eb\u202ac\u202bd\u202ce\u202df", `"a\u202eb\u202ac\u202bd\u202ce\u202df"`, `a\u202eb\u202ac\u202bd\u202ce\u202df`},
		{"\u2066x\u2067y\u2068z\u2069", `"\u2066x\u2067y\u2068z\u2069"`, `\u2066x\u2067y\u2068z\u2069`},
		{"\u2028\u200b\ufeff", `"\u2028\u200b\ufeff"`, `\u2028\u200b\ufeff`},
		{`say "hi" \ bye`, `"say \"hi\" \\ bye"`, `say "hi" \ bye`},
	}
	for _, tt := range tests {
		if got := Quote(tt.in, 0); got != tt.quoted {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.quoted)
		}
		if got := Escape(tt.in); got != tt.escaped {
			t.Errorf("Escape(%q) = %s, want %s", tt.in, got, tt.escaped)
		}
	}
	if got := Quote("张三张三", 7); got != `"张三"...` {
		t.Errorf("Quote cut = %s, want the cut on a character boundary", got)
	}
	// Errors about sender text quote it: a member name holding an escape
	// sequence comes out escaped.
	_, err := ParseObject([]byte(`{"\u001b[2J":"1","\u001b[2J":"2"}`))
	if err == nil || strings.ContainsRune(err.Error(), 0x1b) || !strings.Contains(err.Error(), `"\x1b[2J"`) {
		t.Errorf("duplicate hostile member: %q", err)
	}
	o := &Object{Members: []Member{{Key: "a", Value: Value{Kind: KindObject, Text: "{\"k\":\"\u202e\"}"}}}}
	if _, err := SortedValues(o, RuleStrings); err == nil || strings.ContainsRune(err.Error(), 0x202e) {
		t.Errorf("non-string value error carries a raw bidi override: %q", err)
	}
}
