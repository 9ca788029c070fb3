// Package gen writes the typed methods, request and response structs and
// response-code sentinels of package pay from the catalogue
// (codec/catalog), so that the client and the catalogue cannot drift:
// pay's tests regenerate the file in memory and compare.
package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strings"
	"unicode"

	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// FileName is the generated file, in package pay's folder.
const FileName = "catalog_gen.go"

// actionNames are the Go names of the documented actions; an action not
// listed gets a name made from its words.
var actionNames = map[string]string{
	"ACTIVEPAY":     "ActivePay",
	"PASSIVEPAY":    "PassivePay",
	"STATUS_QUERY":  "StatusQuery",
	"REFUND":        "Refund",
	"EX_RATE_QUERY": "ExRateQuery",
	"H5PAY":         "H5Pay",
	"MAPPPAY":       "MAppPay",
	"PREPAY_INIT":   "PrepayInit",
	"PREPAY_QUERY":  "PrepayQuery",
	"CC_PURCHASE":   "CCPurchase",
	"CC_PREAUTH":    "CCPreauth",
	"CC_QUERYPAY":   "CCQueryPay",
}

// words spells the words of names whose plain title case reads wrong.
var words = map[string]string{
	"id": "ID", "url": "URL", "cc": "CC", "sha": "SHA", "md5": "MD5", "db": "DB",
	"pc": "PC", "wechat": "WeChat", "unionpay": "UnionPay", "securepay": "SecurePay",
	"payinfo": "PayInfo", "openid": "OpenID",
}

// MethodName returns the Go method name of an action variant: the
// action's name, followed by the variant's words when the catalogue
// documents more than one variant of the action.
func MethodName(a catalog.Action) string {
	base, ok := actionNames[a.Name]
	if !ok {
		base = goName(strings.ToLower(a.Name))
	}
	if len(catalog.Lookup(a.Name)) > 1 {
		base += goName(a.Variant)
	}
	return base
}

// SentinelName returns the Go name of the sentinel error of an Appendix B
// code: ORDER_USED is ErrOrderUsed.
func SentinelName(code string) string { return "Err" + goName(strings.ToLower(code)) }

// goName turns a documented name (order_id, orderId, cc_channelType,
// unionpay-securepay-pc) into an exported Go identifier.
func goName(s string) string {
	var parts []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == ' ' || r == '/' || r == '.':
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		}
	}
	flush()
	var b strings.Builder
	for _, p := range parts {
		lp := strings.ToLower(p)
		if w, ok := words[lp]; ok {
			b.WriteString(w)
			continue
		}
		r := []rune(lp)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// FieldName returns the Go name of the struct field of a documented field.
func FieldName(f catalog.Field) string { return fieldName(f) }

// fieldName names a struct field after the documented name, or after a
// documented spelling that shows its words when the name does not
// (payinfo is named after payInfo, respcode after rspCode).
func fieldName(f catalog.Field) string {
	n := f.Name
	if isFlat(n) {
		for _, a := range f.Aliases {
			if !isFlat(a) {
				n = a
				break
			}
		}
	}
	return goName(n)
}

func isFlat(s string) bool {
	return strings.ToLower(s) == s && !strings.ContainsAny(s, "_-")
}

type goField struct {
	f     catalog.Field
	name  string
	typ   string // "string", "Cents" or "codec.Value"
	names []string
}

func goFields(fs []catalog.Field, taken map[string]bool, prefix string) ([]goField, error) {
	var out []goField
	for _, f := range fs {
		g := goField{f: f, name: prefix + fieldName(f), typ: "string", names: append([]string{f.Name}, f.Aliases...)}
		switch {
		case f.Unit == catalog.UnitCents:
			g.typ = "Cents"
		case f.Type == "object" || f.Type == "array":
			g.typ = "codec.Value"
		}
		if taken[g.name] {
			return nil, fmt.Errorf("gen: field %q of gives Go name %s twice", f.Name, g.name)
		}
		taken[g.name] = true
		out = append(out, g)
	}
	return out, nil
}

// defaultOf returns the client field that fills an empty request field.
func defaultOf(f catalog.Field) string {
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		switch n {
		case "operator_id":
			return "c.operatorID"
		case "shop_id":
			return "c.shopID"
		case "merchant_id":
			return "c.merchantID"
		}
	}
	return ""
}

func movesMoney(a catalog.Action) bool {
	for _, f := range a.Request {
		if f.Unit == catalog.UnitCents {
			return true
		}
	}
	return false
}

func generatedID(a catalog.Action) string {
	if !movesMoney(a) {
		return ""
	}
	for _, f := range a.Request {
		if f.Name == "order_id" {
			return f.Name
		}
		for _, al := range f.Aliases {
			if al == "order_id" {
				return f.Name
			}
		}
	}
	for _, f := range a.Request {
		if f.Name == "prepay_order_id" {
			return f.Name
		}
	}
	return ""
}

// Generate returns the gofmt-ed source of FileName.
func Generate() ([]byte, error) {
	var w bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	p("// Code generated by pay/internal/gen from codec/catalog; DO NOT EDIT.\n")
	p("// Regenerate with: go generate ./pay\n\n")
	p("package pay\n\n")
	p("import (\n\t\"context\"\n\t\"errors\"\n\n\t\"github.com/ottpay-toolkit/ottpay/codec\"\n)\n\n")

	codes := catalog.Codes()
	doc(&w, "", "Sentinel errors of the Appendix B response codes, one per code but SUCCESS and PROCESSING, which are not errors. An *APIError matches the sentinel of its code with errors.Is. Appendix B: "+catalog.CodesSource())
	p("var (\n")
	for _, c := range codes {
		if c.Code == "SUCCESS" || c.Code == "PROCESSING" {
			continue
		}
		meaning := strings.TrimSuffix(strings.TrimSpace(c.Meaning), ".")
		p("\t// %s is the rsp_code %s: %s.\n", SentinelName(c.Code), c.Code, meaning)
		p("\t%s = errors.New(%q)\n", SentinelName(c.Code), c.Code+": "+meaning)
	}
	p(")\n\n")
	p("// sentinel returns the sentinel error of an Appendix B code, or nil.\n")
	p("func sentinel(code string) error {\n\tswitch code {\n")
	for _, c := range codes {
		if c.Code == "SUCCESS" || c.Code == "PROCESSING" {
			continue
		}
		p("\tcase %q:\n\t\treturn %s\n", c.Code, SentinelName(c.Code))
	}
	p("\t}\n\treturn nil\n}\n\n")

	seen := map[string]string{}
	for _, a := range catalog.Actions() {
		m := MethodName(a)
		if other, dup := seen[m]; dup {
			return nil, fmt.Errorf("gen: %s and %s both give method %s", other, a.ID(), m)
		}
		seen[m] = a.ID()
		if err := genAction(&w, a, m); err != nil {
			return nil, err
		}
	}
	out, err := format.Source(w.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gen: generated code does not parse: %w", err)
	}
	return out, nil
}

func genAction(w *bytes.Buffer, a catalog.Action, m string) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	taken := map[string]bool{"Extra": true}
	req, err := goFields(a.Request, taken, "")
	if err != nil {
		return fmt.Errorf("%s: %w", a.ID(), err)
	}
	env, err := goFields(a.EnvelopeExtra, taken, "Envelope")
	if err != nil {
		return fmt.Errorf("%s: %w", a.ID(), err)
	}
	rtaken := map[string]bool{"Extra": true, "Result": true}
	// Result's fields must not be shadowed by response fields.
	for _, n := range []string{"Action", "Version", "Code", "Message", "RequestOrderID", "Request", "Envelope", "Opened", "HTTPStatus", "Sandbox"} {
		rtaken[n] = true
	}
	rsp, err := goFieldsResponse(a.Response, rtaken)
	if err != nil {
		return fmt.Errorf("%s: %w", a.ID(), err)
	}
	gen := generatedID(a)
	desc := fmt.Sprintf("%s (variant %s, version %s)", a.Name, a.Variant, a.Version)

	// Request struct.
	doc(w, "", fmt.Sprintf("%sRequest is the transaction data of %s: %s.", m, desc, sentence(a.Title)))
	p("//\n// Documented at %s.\n", a.Source)
	p("type %sRequest struct {\n", m)
	for _, g := range req {
		comment(w, g, "request", gen == g.f.Name, defaultOf(g.f))
		p("\t%s %s\n", g.name, g.typ)
	}
	for _, g := range env {
		doc(w, "\t", fmt.Sprintf("%s is the plain envelope member %s (%s), sent beside data.", g.name, g.f.Name, reqWord(g.f)))
		p("\t%s %s\n", g.name, g.typ)
	}
	p("\t// Extra holds members the docs do not list, sent after the documented ones.\n")
	p("\tExtra []codec.Member\n}\n\n")

	// Response struct.
	doc(w, "", fmt.Sprintf("%sResponse is the verified answer to %s.", m, desc))
	if a.ResponseTruncated {
		p("//\n// The documented response table is cut short: look in Extra for the rest.\n")
	}
	p("type %sResponse struct {\n\tResult\n", m)
	for _, g := range rsp {
		comment(w, g, "response", false, "")
		p("\t%s %s\n", g.name, g.typ)
	}
	p("\t// Extra holds the members of the data the docs do not list, in order.\n")
	p("\tExtra []codec.Member\n}\n\n")

	// Method.
	doc(w, "", fmt.Sprintf("%s sends %s: %s.", m, desc, sentence(a.Title)))
	if movesMoney(a) {
		p("// It moves money, so it is never retried: if it fails with\n")
		p("// ErrOutcomeUnknown, query the order id the error names before sending it\n")
		p("// again.")
		if gen != "" {
			p(" An empty %s is generated (NewOrderID) and returned in\n", fieldName(findField(a.Request, gen)))
			p("// Result.RequestOrderID, or in the error.")
		}
		p("\n")
	} else {
		p("// It moves no money and is retried on connection errors and 5xx statuses\n")
		p("// (WithQueryRetries).\n")
	}
	p("func (c *Client) %s(ctx context.Context, req *%sRequest) (*%sResponse, error) {\n", m, m, m)
	p("\tif req == nil {\n\t\treq = new(%sRequest)\n\t}\n", m)
	p("\tvar r request\n")
	for _, g := range req {
		val := "req." + g.name
		if d := defaultOf(g.f); d != "" && g.typ == "string" {
			val = "or(" + val + ", " + d + ")"
		}
		switch g.typ {
		case "Cents":
			p("\tr.cents(%q, %s, %v)\n", g.f.Name, val, g.f.IsRequired())
		case "codec.Value":
			p("\tr.value(%q, %s)\n", g.f.Name, val)
		default:
			p("\tr.str(%q, %s)\n", g.f.Name, val)
		}
	}
	p("\tr.extra(req.Extra)\n")
	for _, g := range env {
		p("\tr.envStr(%q, req.%s)\n", g.f.Name, g.name)
	}
	p("\tres, err := c.call(ctx, %q, &r)\n", a.ID())
	p("\tif err != nil {\n\t\treturn nil, err\n\t}\n")
	p("\trsp := &%sResponse{Result: *res}\n", m)
	p("\tvar d decoder\n")
	p("\tfor _, m := range res.Data().Members {\n\t\tswitch m.Key {\n")
	for _, g := range rsp {
		var cases []string
		for _, n := range g.names {
			cases = append(cases, fmt.Sprintf("%q", n))
		}
		p("\t\tcase %s:\n", strings.Join(cases, ", "))
		switch g.typ {
		case "Cents":
			p("\t\t\trsp.%s = d.cents(m)\n", g.name)
		case "codec.Value":
			p("\t\t\trsp.%s = m.Value\n", g.name)
		default:
			p("\t\t\trsp.%s = d.str(m)\n", g.name)
		}
	}
	p("\t\tdefault:\n\t\t\trsp.Extra = append(rsp.Extra, m)\n\t\t}\n\t}\n")
	p("\tif err := d.check(res); err != nil {\n\t\treturn nil, err\n\t}\n")
	p("\treturn rsp, nil\n}\n\n")
	return nil
}

// goFieldsResponse names response fields; a name two documented fields
// share through aliases is read into the first.
func goFieldsResponse(fs []catalog.Field, taken map[string]bool) ([]goField, error) {
	var out []goField
	claimed := map[string]bool{}
	for _, f := range fs {
		g := goField{f: f, name: fieldName(f), typ: "string"}
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			if !claimed[n] {
				claimed[n] = true
				g.names = append(g.names, n)
			}
		}
		switch {
		case f.Unit == catalog.UnitCents:
			g.typ = "Cents"
		case f.Type == "object" || f.Type == "array":
			g.typ = "codec.Value"
		}
		if taken[g.name] {
			g.name = "Data" + g.name
		}
		if taken[g.name] || len(g.names) == 0 {
			return nil, fmt.Errorf("gen: response field %q gives Go name %s twice", f.Name, g.name)
		}
		taken[g.name] = true
		out = append(out, g)
	}
	return out, nil
}

func findField(fs []catalog.Field, name string) catalog.Field {
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	return catalog.Field{Name: name}
}

func reqWord(f catalog.Field) string {
	switch f.Required {
	case "Y":
		return "required"
	case "O":
		return "optional by the docs' \"O\""
	case "":
		return "not marked required or optional"
	}
	return "optional"
}

// comment writes the doc comment of one struct field.
func comment(w *bytes.Buffer, g goField, kind string, generated bool, def string) {
	var s strings.Builder
	fmt.Fprintf(&s, "%s is %s", g.name, g.f.Name)
	if len(g.f.Aliases) > 0 {
		fmt.Fprintf(&s, " (also spelled %s)", strings.Join(g.f.Aliases, ", "))
	}
	if kind == "request" {
		fmt.Fprintf(&s, ", %s", reqWord(g.f))
	}
	s.WriteString(".")
	if n := clean(g.f.Note); n != "" {
		s.WriteString(" " + sentence(n) + ".")
	}
	switch g.typ {
	case "Cents":
		s.WriteString(" An amount in cents, sent as its decimal string.")
	case "codec.Value":
		fmt.Fprintf(&s, " A JSON %s, kept as sent.", g.f.Type)
	}
	if len(g.f.Enum) > 0 {
		var vs []string
		for _, v := range g.f.Enum {
			vs = append(vs, strings.TrimSpace(v))
		}
		fmt.Fprintf(&s, " Documented values: %s.", strings.Join(vs, ", "))
	}
	if g.f.MaxLen > 0 {
		fmt.Fprintf(&s, " At most %d characters", g.f.MaxLen)
		if g.f.AlNum {
			s.WriteString(", letters and digits only")
		}
		s.WriteString(".")
	}
	if generated {
		s.WriteString(" Left empty, the client generates one (NewOrderID).")
	}
	switch def {
	case "c.operatorID":
		s.WriteString(" Left empty, WithOperatorID's id is sent.")
	case "c.shopID":
		s.WriteString(" Left empty, WithShopID's id is sent.")
	case "c.merchantID":
		s.WriteString(" Left empty, the client's merchant id is sent.")
	}
	doc(w, "\t", s.String())
}

// doc writes text as a comment wrapped at about 76 columns.
func doc(w *bytes.Buffer, indent, text string) {
	for _, line := range wrap(text, 76-len(indent)) {
		fmt.Fprintf(w, "%s// %s\n", indent, line)
	}
}

// clean folds a documentation note into one line of plain text.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// sentence trims a trailing full stop so that one can be added.
func sentence(s string) string {
	s = clean(s)
	return strings.TrimRight(s, ". ")
}

func wrap(s string, width int) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		if cur != "" && len(cur)+1+len(word) > width {
			lines = append(lines, cur)
			cur = word
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// Methods returns the Go method name of every catalogue action variant,
// sorted, for tests that count them.
func Methods() []string {
	var out []string
	for _, a := range catalog.Actions() {
		out = append(out, MethodName(a))
	}
	sort.Strings(out)
	return out
}
