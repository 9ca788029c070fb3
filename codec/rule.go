package codec

import "strings"

// This file holds the sender rules as combinations of independent
// dimensions, the named presets, ParseRule and the rendering of one
// top-level value. The other rule files hold one dimension each:
// rulenumber.go (numbers), rulenested.go (nested values), rulekeys.go
// (key order), rulephpsort.go (PHP's ksort) and rulesearch.go (the search
// Verify makes when no preset reproduces an md5).

// The dimensions of a sender rule, in the order a combination spells them.
const (
	dimNumbers = iota // how a number renders
	dimInts           // whether integers keep their integer text
	dimBool           // how true and false render
	dimNull           // how null renders
	dimNested         // how a nested object or array renders
	dimKeys           // the order of the keys
	nDims
)

// The values of each dimension; the index is the value's code in a spec.
const (
	numRaw  = iota // the literal as written
	numJS          // JavaScript String(n)
	numDot0        // String(n) + ".0" (the crypto-js habit)
	numJava        // Java Double.toString
	numPHP         // PHP: integers as integers, floats with 14 digits
)

const (
	intsNumber = iota // integers render as the number style renders them
	intsKeep          // integer literals keep their integer text
)

const (
	boolText = iota // "true" / "false"
	boolPHP         // "1" / ""
)

const (
	nullEmpty = iota // ""
	nullText         // "null"
	nullOmit         // the member is left out
)

const (
	nestedJSON = iota // JSON.stringify's text
	nestedJS          // JavaScript String(): [object Object], arrays comma-joined
	nestedJava        // Java toString of a Map/List, null members kept (Jackson)
	nestedGson        // the same after Gson's round trip: null members dropped
	nestedPHP         // "Array"
	nestedCount
)

const (
	keysBytes = iota // UTF-8 byte order (the documented scheme)
	keysUTF16        // UTF-16 code unit order (JavaScript sort, Java TreeMap)
	keysPHP          // PHP ksort (SORT_REGULAR)
)

// dimNames and dimValues spell the dimensions and their values in a
// combination.
var dimNames = [nDims]string{"numbers", "ints", "bool", "null", "nested", "keys"}

var dimValues = [nDims][]string{
	{"raw", "js", "dot0", "java", "php"},
	{"number", "keep"},
	{"text", "php"},
	{"empty", "null", "omit"},
	{"json", "js", "java", "gson", "php"},
	{"bytes", "utf16", "php"},
}

// spec is a rule decoded: the value of each dimension, or strict for
// RuleStrings (every value must be a string, keys in byte order).
type spec struct {
	strict bool
	v      [nDims]uint8
}

// The presets added to the five original rules, for peers seen in the
// wild (see SortedValues).
const (
	// RuleJackson is Jackson into a Map: integers stay integers.
	RuleJackson Rule = "jackson"
	// RuleJSDot0 is the ".0" habit with null as "" and nested JSON.
	RuleJSDot0 Rule = "jsdot0"
	// RuleJSJoin is JavaScript string concatenation with null as "".
	RuleJSJoin Rule = "jsjoin"
)

// presets lists the named rules in the order Verify tries them.
var presets = [...]struct {
	rule Rule
	spec spec
}{
	{RuleStrings, spec{strict: true}},
	{RuleJS, spec{v: [nDims]uint8{numJS, intsNumber, boolText, nullEmpty, nestedJSON, keysUTF16}}},
	{RuleCryptoJS, spec{v: [nDims]uint8{numDot0, intsNumber, boolText, nullText, nestedJS, keysUTF16}}},
	{RulePHP, spec{v: [nDims]uint8{numPHP, intsNumber, boolPHP, nullEmpty, nestedPHP, keysPHP}}},
	{RuleJava, spec{v: [nDims]uint8{numJava, intsNumber, boolText, nullOmit, nestedGson, keysUTF16}}},
	{RuleJackson, spec{v: [nDims]uint8{numJava, intsKeep, boolText, nullOmit, nestedJava, keysUTF16}}},
	{RuleJSDot0, spec{v: [nDims]uint8{numDot0, intsNumber, boolText, nullEmpty, nestedJSON, keysUTF16}}},
	{RuleJSJoin, spec{v: [nDims]uint8{numJS, intsNumber, boolText, nullEmpty, nestedJS, keysUTF16}}},
}

// Presets returns the named rules, in the order Verify tries them.
func Presets() []Rule {
	out := make([]Rule, len(presets))
	for i := range presets {
		out[i] = presets[i].rule
	}
	return out
}

// presetNames lists the preset names for messages.
func presetNames() string {
	var b strings.Builder
	for i := range presets {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(presets[i].rule))
	}
	return b.String()
}

// String spells s: a preset's name when it is one, else the combination
// with every dimension in order.
func (s spec) rule() Rule {
	for i := range presets {
		if presets[i].spec == s {
			return presets[i].rule
		}
	}
	var b strings.Builder
	for d := 0; d < nDims; d++ {
		if d > 0 {
			b.WriteByte(',')
		}
		b.WriteString(dimNames[d])
		b.WriteByte('=')
		b.WriteString(dimValues[d][s.v[d]])
	}
	return Rule(b.String())
}

// ParseRule parses a rule: a preset name (strings, js, cryptojs, php,
// java, jackson, jsdot0, jsjoin), or a combination of dimensions written
// name=value and separated by commas, either naming all six or starting
// from a preset:
//
//	numbers=dot0,ints=number,bool=text,null=empty,nested=json,keys=utf16
//	java,ints=keep,nested=java
//
// The dimensions and their values:
//
//   - numbers: raw (as written), js (String(n)), dot0 (String(n)+".0"),
//     java (Double.toString), php (integers as such, floats with 14
//     significant digits);
//   - ints: number (as the numbers style renders them) or keep (an integer
//     literal keeps its integer text: 2, not 2.0);
//   - bool: text (true, false) or php (1, empty);
//   - null: empty, null (the text "null") or omit (left out);
//   - nested: json (JSON.stringify), js (String(): [object Object], arrays
//     comma-joined), java (Map.toString {k=v, n=1}), gson (the same with
//     null members dropped), php (Array);
//   - keys: bytes (UTF-8 byte order), utf16 (UTF-16 code units), php
//     (ksort).
//
// Letter case and spaces around names are ignored. The result is the
// preset's name when the combination equals a preset, else the
// combination with all six dimensions in the order above. Any other text
// is refused with ErrUnknownRule, saying what is valid.
func ParseRule(s string) (Rule, error) {
	sp, err := parseSpec(s)
	if err != nil {
		return "", err
	}
	return sp.rule(), nil
}

// specOf decodes r; the empty rule is RuleStrings.
func specOf(r Rule) (spec, *Error) {
	switch r {
	case "", RuleStrings:
		return presets[0].spec, nil
	}
	for i := range presets {
		if presets[i].rule == r {
			return presets[i].spec, nil
		}
	}
	if !strings.Contains(string(r), "=") {
		return spec{}, ruleErr(string(r), Quote(string(r), 20)+" is not a preset (names are lower case)")
	}
	return parseSpec(string(r))
}

func parseSpec(text string) (spec, *Error) {
	s := strings.ToLower(strings.TrimSpace(text))
	parts := strings.Split(s, ",")
	var sp spec
	var given [nDims]bool
	base := false
	for i, part := range parts {
		part = strings.TrimSpace(part)
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			if i > 0 {
				return spec{}, ruleErr(text, "a preset name may only come first: "+Quote(part, 20)+" is not name=value")
			}
			found := false
			for j := range presets {
				if string(presets[j].rule) == part {
					sp, found, base = presets[j].spec, true, true
				}
			}
			if !found {
				return spec{}, ruleErr(text, Quote(part, 20)+" is not a preset")
			}
			if sp.strict && len(parts) > 1 {
				return spec{}, ruleErr(text, "strings is the documented scheme and takes no dimensions")
			}
			continue
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		d := -1
		for j, n := range dimNames {
			if n == name {
				d = j
			}
		}
		if d < 0 {
			return spec{}, ruleErr(text, Quote(name, 20)+" is not a dimension; the dimensions are "+strings.Join(dimNames[:], ", "))
		}
		if given[d] {
			return spec{}, ruleErr(text, name+" is given twice")
		}
		given[d] = true
		v := -1
		for j, n := range dimValues[d] {
			if n == value {
				v = j
			}
		}
		if v < 0 {
			return spec{}, ruleErr(text, name+"="+Quote(value, 20)+" is not valid; "+name+" is one of "+strings.Join(dimValues[d], ", "))
		}
		sp.v[d] = uint8(v)
	}
	if !base {
		var missing []string
		for d := range given {
			if !given[d] {
				missing = append(missing, dimNames[d])
			}
		}
		if len(missing) > 0 {
			return spec{}, ruleErr(text, "a combination names all six dimensions or starts from a preset (java,ints=keep); missing: "+strings.Join(missing, ", "))
		}
	}
	return sp, nil
}

func ruleErr(text, why string) *Error {
	return newErr(LayerEncode, ErrUnknownRule, "unknown value rule "+Quote(text, 80)+": "+why,
		"use a preset ("+presetNames()+") or a combination such as numbers=dot0,ints=number,bool=text,null=empty,nested=json,keys=utf16 "+
			"(numbers raw|js|dot0|java|php, ints number|keep, bool text|php, null empty|null|omit, nested json|js|java|gson|php, keys bytes|utf16|php)")
}

func unknownRule(r Rule) *Error { _, err := specOf(r); return err }

// appendValue appends the text s gives the top-level value v.
func appendValue(dst []byte, v Value, s spec) ([]byte, *Error) {
	switch v.Kind {
	case KindString:
		return append(dst, v.Text...), nil
	case KindNumber:
		return appendNumber(dst, v.Text, s, true), nil
	case KindBool:
		if s.v[dimBool] == boolPHP {
			if v.Text == "true" {
				return append(dst, '1'), nil
			}
			return dst, nil
		}
		return append(dst, v.Text...), nil
	case KindNull:
		if s.v[dimNull] == nullText {
			return append(dst, "null"...), nil
		}
		return dst, nil // empty, or left out: the same md5 input
	case KindObject, KindArray:
		return appendNested(dst, v.Text, s)
	}
	return dst, newErr(LayerEncode, ErrFieldType, "a value has an unknown kind "+itoa(int(v.Kind)), "use one of the Kind constants")
}

// appendInput appends the md5 input of o under s to dst: the values
// rendered in key order.
func appendInput(dst []byte, o *Object, s spec) ([]byte, *Error) {
	var ord order
	var err *Error
	switch {
	case s.strict || s.v[dimKeys] == keysBytes:
		ord, err = byteOrder(o)
	case s.v[dimKeys] == keysUTF16:
		ord, err = utf16Order(o)
	default:
		ord, err = phpOrder(o)
	}
	if err != nil {
		return dst, err
	}
	return appendOrdered(dst, o, s, ord)
}

// appendOrdered appends the values of o in the order ord under s.
func appendOrdered(dst []byte, o *Object, s spec, ord order) ([]byte, *Error) {
	for _, i := range ord.idx(len(o.Members)) {
		m := &o.Members[i]
		if m.Value.Kind == KindString {
			dst = append(dst, m.Value.Text...)
			continue
		}
		if s.strict {
			return dst, nonString(m)
		}
		var err *Error
		if dst, err = appendValue(dst, m.Value, s); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func nonString(m *Member) *Error {
	what := "the value of " + Quote(m.Key, 40) + " is " + m.Value.Kind.withArticle()
	if m.Value.Kind != KindNull {
		what += " (" + Quote(m.Value.Text, 40) + ")"
	}
	fix := "send the value as a string"
	if m.Value.Kind == KindNumber || m.Value.Kind == KindBool {
		fix += " (" + Quote(m.Value.Text, 30) + ")"
	}
	return newErr(LayerEncode, ErrNonString, what+", and the documented scheme hashes only string values",
		fix+", or name the rule the receiver hashes non-string values with (js, cryptojs, php, java, another preset or a combination: see ParseRule)")
}
