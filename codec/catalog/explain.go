package catalog

import (
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// ExplainValue describes a field value for people, knowing the field only
// by name (the meaning documented first, see LookupField; envelope members
// such as rsp_code too):
//
//   - money amounts are cents: "100" is "1.00", "9955" is "99.55";
//   - the EX_RATE_QUERY rate is scaled by 10^8: "650000000" is "6.5";
//   - exchange_rate is a decimal and times are shown as sent ("2023-03-23
//     01:21:53" stays as is, whatever the documented format says);
//   - durations are seconds: "100" is "100 seconds";
//   - rsp_code, rspCode and respcode get their Appendix B meaning, status
//     values their documented meaning: "SUCCESS (success)";
//   - a constant the docs print with a leading space (" securePay") is
//     explained either way it is sent.
//
// Anything else is returned as sent (the text of a non-string value).
func ExplainValue(field string, v codec.Value) string {
	c := load()
	f := c.anyField(field)
	if f == nil {
		for _, list := range [][]Field{c.envelope.Callback, c.envelope.Response, c.envelope.Request} {
			if f = findField(list, field); f != nil {
				break
			}
		}
	}
	if f == nil {
		f = &Field{Name: field, Type: "string"}
	}
	// The field's documented values differ between pages (biz_type is
	// "ALIPAY | WECHATPAY | UNIONPAY" on one, " securePay" on another):
	// without an action, every documented value counts.
	g := *f
	g.Enum = c.enumUnion(field)
	return explain(c, &g, field, v)
}

// enumUnion collects the documented values of every field named name (or
// spelled so as a documented alternative).
func (c *catalog) enumUnion(name string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(list []Field) {
		if f := findField(list, name); f != nil {
			for _, e := range f.Enum {
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
				}
			}
		}
	}
	for _, a := range c.actions {
		add(a.Request)
		add(a.Response)
	}
	return out
}

// Explain describes a value of this field for people, as ExplainValue does
// but with this field's documented unit and values.
func (f Field) Explain(v codec.Value) string { return explain(load(), &f, f.Name, v) }

func explain(c *catalog, f *Field, name string, v codec.Value) string {
	s := v.Text
	if v.Kind != codec.KindString && v.Kind != codec.KindNumber {
		return s
	}
	switch f.Unit {
	case UnitCents:
		if allDigits(s) {
			return scaled(s, 2, false)
		}
		if s != "" {
			return s + " (not a whole number of cents, as the docs define amounts)"
		}
	case UnitRate:
		if allDigits(s) {
			return scaled(s, 8, true)
		}
	case UnitSeconds:
		if allDigits(s) {
			return s + " seconds"
		}
	}
	if isCodeField(f, name) {
		if code, ok := ResponseCode(s); ok && s != "" {
			return s + " (" + code.Meaning + ")"
		}
		if s != "" {
			return s + " (not in the stored Appendix B, which is cut short after DB_ERROR)"
		}
	}
	if m := statusMeaning(c, f, name, s); m != "" {
		return s + " (" + m + ")"
	}
	for _, e := range f.Enum {
		if !strings.HasPrefix(e, " ") {
			continue
		}
		switch s {
		case e:
			return quote(s) + " (the docs' table spelling, with a leading space; their examples send " +
				quote(strings.TrimSpace(e)) + ")"
		case strings.TrimSpace(e):
			return s + " (the docs' table prints it with a leading space, " + quote(e) + ")"
		}
	}
	return s
}

// scaled writes the digit string s divided by 10^places: with exactly
// places decimals for money, or with trailing zeros trimmed for rates.
// Digit strings of any length work; nothing overflows.
func scaled(s string, places int, trim bool) string {
	s = strings.TrimLeft(s, "0")
	for len(s) < places+1 {
		s = "0" + s
	}
	whole, frac := s[:len(s)-places], s[len(s)-places:]
	if trim {
		frac = strings.TrimRight(frac, "0")
		if frac == "" {
			return whole
		}
	}
	return whole + "." + frac
}

var codeFieldNames = []string{"rsp_code", "rep_code", "rspCode", "respcode"}

func isCodeField(f *Field, name string) bool {
	for _, n := range codeFieldNames {
		if name == n || f.Name == n {
			return true
		}
	}
	return false
}

// statusMeaning finds a documented status value of this field.
func statusMeaning(c *catalog, f *Field, name, value string) string {
	if value == "" {
		return ""
	}
	names := append([]string{name, f.Name}, f.Aliases...)
	for _, st := range c.statuses {
		if strings.TrimSpace(st.Value) != strings.TrimSpace(value) {
			continue
		}
		for _, sf := range strings.Split(st.Field, "/") {
			for _, n := range names {
				if sf == n {
					return st.Meaning
				}
			}
		}
	}
	return ""
}
