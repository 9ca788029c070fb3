package catalog

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Severity of a validation problem.
type Severity uint8

// Severities. An Error is something the gateway documents as wrong (a
// required field missing or empty, an amount that is not whole cents in a
// request). A Warning is something the docs do not describe or contradict
// themselves about (an unknown field, a non-string value, a value outside
// the documented list, a documented limit the docs' own example breaks).
// Info says how a value was read (an alternative spelling, a documented
// constant without its printed leading space); nothing needs fixing.
const (
	Error Severity = iota + 1
	Warning
	Info
)

// String returns "error", "warning" or "note".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "note"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// Problem is one validation finding. Message is a complete sentence that
// names the field, says what is wrong and what to do.
type Problem struct {
	Field    string
	Severity Severity
	Message  string
}

// String returns the severity and the message, e.g.
// "error: amount is required but missing ...".
func (p Problem) String() string { return p.Severity.String() + ": " + p.Message }

// HasErrors reports whether any problem is an Error.
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Validate checks transaction data against the request fields of a; for an
// entry that documents no request fields (the CALLBACK entry) it checks the
// callback data fields. See ValidateData.
func Validate(a Action, data *codec.Object) []Problem {
	kind := codec.Request
	if len(a.Request) == 0 && len(a.Callback) > 0 {
		kind = codec.Callback
	}
	return ValidateData(a, kind, data)
}

// ValidateData checks the transaction data of one message kind
// (codec.Request, codec.Response or codec.Callback) against the fields the
// docs list for a. A required field that is missing or empty is an Error
// naming the field; an unknown field and a non-string value are Warnings;
// each value is checked as CheckField does. Missing fields come first, in
// documentation order, then the members' problems in member order. A nil
// data is an empty object.
func ValidateData(a Action, kind codec.EnvelopeKind, data *codec.Object) []Problem {
	fields := a.fields(kind)
	var members []codec.Member
	if data != nil {
		members = data.Members
	}
	used := make(map[*Field]string, len(members))
	keys := make(map[string]bool, len(members))
	var found []Problem
	for _, m := range members {
		if keys[m.Key] {
			found = append(found, Problem{m.Key, Warning, quote(m.Key) +
				" appears twice in the data; receivers keep one of the two values, so send it once"})
			continue
		}
		keys[m.Key] = true
		f := findField(fields, m.Key)
		if f == nil {
			found = append(found, unknownField(a, kind, fields, m.Key))
			if p, bad := nonString(m.Key, m.Value, "string"); bad {
				found = append(found, p)
			}
			continue
		}
		if prev, ok := used[f]; ok {
			found = append(found, Problem{m.Key, Warning, quote(prev) + " and " + quote(m.Key) +
				" are two spellings of the documented field " + quote(f.Name) + "; send only one"})
		} else {
			used[f] = m.Key
		}
		found = append(found, checkValue(kind, f, m.Key, m.Value)...)
	}
	var missing []Problem
	for i := range fields {
		f := &fields[i]
		if _, ok := used[f]; ok || !f.IsRequired() {
			continue
		}
		msg := quote(f.Name) + " is required for " + describe(a, kind) + " but missing"
		if len(f.Aliases) > 0 {
			msg += " (also accepted as " + quoteList(f.Aliases, " or ") + ")"
		}
		msg += "; add it"
		if f.Note != "" {
			msg += " (" + f.Note + ")"
		}
		missing = append(missing, Problem{f.Name, Error, msg})
	}
	return append(missing, found...)
}

// CheckField checks one value of one field of the transaction data of one
// message kind, as a form does on each input. An empty value of a required
// field is an Error (an empty optional field is simply not sent); the other
// checks follow the docs: amounts in whole cents, enumerated values,
// operator_id of 10 digits, card order IDs of at most 20 letters and
// digits, yyyyMMddHHmmss times in requests, http(s) URLs, ISO-4217
// currency codes. An unknown field name is a Warning.
func CheckField(a Action, kind codec.EnvelopeKind, name string, v codec.Value) []Problem {
	fields := a.fields(kind)
	f := findField(fields, name)
	if f == nil {
		found := []Problem{unknownField(a, kind, fields, name)}
		if p, bad := nonString(name, v, "string"); bad {
			found = append(found, p)
		}
		return found
	}
	return checkValue(kind, f, name, v)
}

// Match picks the variant of the named action whose fields of the given
// message kind fit data best (fewest errors, then warnings, then notes;
// the first documented variant on a tie) and returns it with its problems.
// It returns false for an unknown name.
func Match(name string, kind codec.EnvelopeKind, data *codec.Object) (Action, []Problem, bool) {
	variants := load().lookup(name) // read only: the chosen one is copied
	if len(variants) == 0 {
		return Action{}, nil, false
	}
	best, bestScore := 0, -1
	var bestProblems []Problem
	for i, a := range variants {
		problems := ValidateData(*a, kind, data)
		score := 0
		for _, p := range problems {
			switch p.Severity {
			case Error:
				score += 1 << 20
			case Warning:
				score += 1 << 10
			default:
				score++
			}
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore, bestProblems = i, score, problems
		}
	}
	return copyAction(*variants[best]), bestProblems, true
}

func checkValue(kind codec.EnvelopeKind, f *Field, key string, v codec.Value) []Problem {
	var found []Problem
	add := func(sev Severity, msg string) { found = append(found, Problem{key, sev, msg}) }
	if key != f.Name {
		add(Info, quote(key)+" is a documented alternative spelling of "+quote(f.Name)+
			", the name this page uses; both are read as the same field")
	}
	if p, bad := nonString(key, v, f.Type); bad {
		found = append(found, p)
	}
	switch v.Kind {
	case codec.KindString, codec.KindNumber:
	default:
		return found // null, true/false, objects and arrays: nothing more to check
	}
	s := v.Text
	if s == "" {
		if f.IsRequired() {
			add(Error, quote(key)+" is required but empty; fill it in"+noteSuffix(f))
		}
		return found
	}
	request := kind == codec.Request

	switch f.Unit {
	case UnitCents:
		if !allDigits(s) {
			sev := Warning
			if request {
				sev = Error
			}
			msg := quote(key) + " is " + quote(s) + ", but amounts are whole cents written as digits (\"100\" is 1.00)"
			cents, ok := dollarsToCents(s)
			switch {
			case request && ok:
				msg += "; for " + quote(s) + " send " + quote(cents)
			case !request:
				msg += "; some newer-API messages show decimal dollars, so read it with care"
			}
			add(sev, msg)
		}
	case UnitRate:
		if !allDigits(s) {
			add(Warning, quote(key)+" is "+quote(s)+", but the docs send this rate as an integer scaled by 10^8 (6.5 is \"650000000\")")
		}
	case UnitSeconds:
		if !allDigits(s) {
			sev := Warning
			if request {
				sev = Error
			}
			add(sev, quote(key)+" is "+quote(s)+", but it is a number of seconds written as digits (e.g. \"100\")")
		}
	case UnitDecimal:
		if !isDecimal(s) {
			add(Warning, quote(key)+" is "+quote(s)+", but the docs show a decimal number such as \"5.057030\"")
		}
	}

	switch f.Format {
	case FormatTime14:
		if request && !isTime14(s) {
			add(Warning, quote(key)+" is "+quote(s)+", but the docs ask for yyyyMMddHHmmss, 14 digits such as \"20191125162635\"")
		}
	case FormatCurrency:
		if !isCurrency(s) {
			add(Warning, quote(key)+" is "+quote(s)+", but it should be an ISO-4217 currency code of three capital letters, such as \"CAD\"")
		}
	case FormatURL:
		if request && !isHTTPURL(s) {
			add(Warning, quote(key)+" is "+quote(s)+", which is not an http:// or https:// URL; OTT Pay has to reach it")
		}
	}

	if len(f.Enum) > 0 {
		if p, ok := checkEnum(f, key, s); ok {
			found = append(found, p)
		}
	}
	if f.Digits > 0 && (!allDigits(s) || len(s) != f.Digits) {
		add(Warning, quote(key)+" is "+quote(s)+", but the docs give it as "+strconv.Itoa(f.Digits)+
			" digits (e.g. \"0000020156\"); check the value OTT Pay issued")
	}
	if f.MaxLen > 0 {
		if n := utf8.RuneCountInString(s); n > f.MaxLen {
			add(Warning, quote(key)+" has "+strconv.Itoa(n)+" characters, more than the documented "+
				strconv.Itoa(f.MaxLen)+" ("+f.Note+"); shorten it if the gateway rejects it")
		}
	}
	if f.AlNum && !isAlNum(s) {
		add(Warning, quote(key)+" is "+quote(s)+", but the docs allow only letters and digits ("+f.Note+")")
	}
	return found
}

// checkEnum compares s with the documented values. Constants the docs'
// tables print with a leading space (" securePay") match with or without
// it, with a note saying so.
func checkEnum(f *Field, key, s string) (Problem, bool) {
	for _, e := range f.Enum {
		if s != e {
			continue
		}
		if strings.HasPrefix(e, " ") {
			return Problem{key, Info, quote(key) + " is " + quote(s) + " with the leading space the docs' table prints; " +
				"the docs' examples send " + quote(strings.TrimSpace(e)) + " without it. Both are accepted here; " +
				"if the gateway rejects one, try the other"}, true
		}
		return Problem{}, false
	}
	for _, e := range f.Enum {
		if strings.HasPrefix(e, " ") && strings.TrimSpace(e) == s {
			return Problem{key, Info, quote(key) + " is " + quote(s) + "; the docs' table prints it with a leading space as " +
				quote(e) + ", their examples send it without, as here. Both are accepted here"}, true
		}
	}
	msg := quote(key) + " is " + quote(s) + ", which is not among the documented values " + quoteList(trimmed(f.Enum), ", ")
	for _, e := range f.Enum {
		if strings.EqualFold(strings.TrimSpace(e), strings.TrimSpace(s)) {
			msg += "; the docs write it " + quote(strings.TrimSpace(e)) + " (letter case matters in the md5)"
			return Problem{key, Warning, msg}, true
		}
	}
	return Problem{key, Warning, msg + "; check the spelling, or ignore this if OTT Pay told you to send it"}, true
}

func nonString(key string, v codec.Value, docType string) (Problem, bool) {
	if v.Kind == codec.KindString {
		return Problem{}, false
	}
	var what string
	switch v.Kind {
	case codec.KindNumber:
		if strings.Contains(docType, "number") {
			return Problem{}, false
		}
		what = "a JSON number"
	case codec.KindBool:
		what = "a JSON boolean"
	case codec.KindNull:
		what = "JSON null"
	case codec.KindObject:
		if docType == "object" {
			return Problem{}, false
		}
		what = "a JSON object"
	case codec.KindArray:
		if docType == "array" {
			return Problem{}, false
		}
		what = "a JSON array"
	default:
		what = "not a string"
	}
	msg := quote(key) + " is " + what + " (" + quote(v.Text) + "), but the docs define only string values and " +
		"senders disagree on how to hash anything else into the md5"
	if v.Kind == codec.KindNumber || v.Kind == codec.KindBool {
		msg += "; send it as the string " + quote(v.Text)
	} else {
		msg += "; send it as a string"
	}
	return Problem{key, Warning, msg}, true
}

func unknownField(a Action, kind codec.EnvelopeKind, fields []Field, key string) Problem {
	msg := quote(key) + " is not a documented field of " + describe(a, kind)
	if s := suggest(fields, key); s != "" {
		msg += "; did you mean " + quote(s) + "? Names are case-sensitive and change the md5"
	} else {
		msg += "; check the spelling, or ignore this if OTT Pay asked for the field"
	}
	if kind == codec.Response && a.ResponseTruncated {
		msg += " (the stored docs' response table is incomplete, so the field may be genuine)"
	}
	return Problem{key, Warning, msg}
}

// suggest finds a documented name equal to key but for letter case,
// underscores or a documented alternative spelling.
func suggest(fields []Field, key string) string {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	k := norm(key)
	for _, f := range fields {
		if norm(f.Name) == k {
			return f.Name
		}
		for _, alt := range f.Aliases {
			if norm(alt) == k {
				return f.Name
			}
		}
	}
	return ""
}

// describe names the data checked, e.g. "CC_PURCHASE (elavon-converge-hosted) request data".
func describe(a Action, kind codec.EnvelopeKind) string {
	s := a.Name
	if a.Name == "" {
		s = "this action"
	}
	if a.Variant != "" {
		s += " (" + a.Variant + ")"
	}
	switch kind {
	case codec.Request:
		return s + " request data"
	case codec.Response:
		return s + " response data"
	case codec.Callback:
		if a.Name == CallbackName {
			return "the documented callback data"
		}
		return s + " callback data"
	}
	return s + " data"
}

func noteSuffix(f *Field) string {
	if f.Note == "" {
		return ""
	}
	return " (" + f.Note + ")"
}

// quote quotes a value for a message, cutting very long ones, with every
// control or bidirectional character escaped (see codec.Quote).
func quote(s string) string { return codec.Quote(clip(s), 0) }

func clip(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

func quoteList(list []string, sep string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return strings.Join(q, sep)
}

func trimmed(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return allDigits(whole) && (!dot || allDigits(frac))
}

// dollarsToCents turns "5.00" or "5.5" into "500" or "550".
func dollarsToCents(s string) (string, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if !dot || !allDigits(whole) || !allDigits(frac) || len(frac) > 2 {
		return "", false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	cents := strings.TrimLeft(whole+frac, "0")
	if cents == "" {
		cents = "0"
	}
	return cents, true
}

func isTime14(s string) bool {
	if len(s) != 14 || !allDigits(s) {
		return false
	}
	n := func(i, j int) int { v, _ := strconv.Atoi(s[i:j]); return v }
	month, day, hour, min, sec := n(4, 6), n(6, 8), n(8, 10), n(10, 12), n(12, 14)
	return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && min < 60 && sec < 60
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"http://", "https://"} {
		if strings.HasPrefix(l, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}

func isAlNum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
