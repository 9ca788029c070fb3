package codec

import "github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"

// ParseObject parses b as exactly one JSON object, with the strict rules
// the package applies to every JSON text: valid UTF-8, RFC 8259 syntax,
// surrounding whitespace allowed, no member name twice in any object at any
// depth, at most MaxDepth levels of nesting and MaxMessageSize bytes.
//
// Members keep their order. String values are unescaped (PHP's "\/" and
// "\uXXXX" escapes, surrogate pairs included, and Gson's "\u003d" give the
// characters they stand for); number literals are kept exactly as written;
// nested objects and arrays are kept as compact JSON text.
func ParseObject(b []byte) (*Object, error) {
	members, err := parseObjectBytes(nil, b, LayerInput)
	if err != nil {
		return nil, err
	}
	return &Object{Members: members}, nil
}

// Get returns the value of key.
func (o *Object) Get(key string) (Value, bool) {
	for i := range o.Members {
		if o.Members[i].Key == key {
			return o.Members[i].Value, true
		}
	}
	return Value{}, false
}

// Set replaces the value of key, or appends the member if key is new.
func (o *Object) Set(key string, v Value) {
	for i := range o.Members {
		if o.Members[i].Key == key {
			o.Members[i].Value = v
			return
		}
	}
	o.Members = append(o.Members, Member{Key: key, Value: v})
}

// SetString sets a string member.
func (o *Object) SetString(key, s string) { o.Set(key, Value{Kind: KindString, Text: s}) }

// AppendJSON appends the compact JSON text of o to dst, members in order:
// raw UTF-8, only '"', '\' and control characters escaped, never HTML
// characters. This is the text JSON.stringify writes for the same object,
// and the text the Appendix A example encrypts.
//
// Number, ObjectKind and ArrayKind values are written as their Text; a
// Bool is written "true" only if its Text is "true". Seal checks that
// every Text is valid JSON before it encrypts.
func (o *Object) AppendJSON(dst []byte) []byte {
	dst, _ = o.appendJSON(dst, false)
	return dst
}

// appendJSON is AppendJSON; when strict, it stops at the first name or
// string that is not valid UTF-8 and reports false.
func (o *Object) appendJSON(dst []byte, strict bool) ([]byte, bool) {
	dst = append(dst, '{')
	ok := true
	f := jsontok.Flags(0)
	if strict {
		f = jsontok.Strict
	}
	for i := range o.Members {
		if i > 0 {
			dst = append(dst, ',')
		}
		m := &o.Members[i]
		if dst, ok = jsontok.AppendString(dst, m.Key, f); !ok {
			return dst, false
		}
		dst = append(dst, ':')
		if m.Value.Kind == KindString {
			if dst, ok = jsontok.AppendString(dst, m.Value.Text, f); !ok {
				return dst, false
			}
		} else {
			dst = m.Value.appendJSON(dst)
		}
	}
	return append(dst, '}'), true
}

func (v Value) appendJSON(dst []byte) []byte {
	switch v.Kind {
	case KindString:
		return appendQuoted(dst, v.Text)
	case KindBool:
		if v.Text == "true" {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case KindNumber, KindObject, KindArray:
		if v.Text != "" {
			return append(dst, v.Text...)
		}
	}
	return append(dst, "null"...)
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (o *Object) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// UnmarshalJSON implements json.Unmarshaler with ParseObject's rules.
func (o *Object) UnmarshalJSON(b []byte) error {
	members, err := parseObjectBytes(nil, b, LayerInput)
	if err != nil {
		return err
	}
	o.Members = members
	return nil
}

// String returns the name of the kind as JSON calls it.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	case KindNull:
		return "null"
	case KindObject:
		return "object"
	case KindArray:
		return "array"
	}
	return "unknown kind " + itoa(int(k))
}

// withArticle returns the kind's name with its article: "a number", "an
// array", "null".
func (k Kind) withArticle() string {
	switch k {
	case KindNull:
		return "null"
	case KindObject, KindArray:
		return "an " + k.String()
	}
	return "a " + k.String()
}

// check reports the first member of an object built by a caller that
// cannot be encoded faithfully: a name used twice, text that is not UTF-8,
// or a value Text that is not the JSON its Kind says.
//
// With text false the names and string values are not checked for UTF-8
// (Seal finds invalid UTF-8 as it writes the JSON text).
func (o *Object) check(layer Layer, text bool) *Error {
	if err := checkDuplicates(o.Members, layer); err != nil {
		return err
	}
	for i := range o.Members {
		m := &o.Members[i]
		if text && !validUTF8(m.Key) {
			return newErr(layer, ErrNotUTF8, "the member name "+Quote(m.Key, 40)+" is not valid UTF-8", "names and values must be UTF-8 text")
		}
		v := m.Value
		bad := ""
		switch v.Kind {
		case KindString:
			if text && !validUTF8(v.Text) {
				return newErr(layer, ErrNotUTF8, "the value of "+Quote(m.Key, 40)+" is not valid UTF-8", "names and values must be UTF-8 text")
			}
		case KindNumber:
			if !isJSONNumber(v.Text) {
				bad = "number"
			}
		case KindBool:
			if v.Text != "true" && v.Text != "false" {
				bad = "boolean"
			}
		case KindNull:
			if v.Text != "null" && v.Text != "" {
				bad = "null"
			}
		case KindObject, KindArray:
			p := newParser(v.Text, layer)
			want := byte('{')
			if v.Kind == KindArray {
				want = '['
			}
			if v.Text == "" || v.Text[0] != want {
				bad = v.Kind.String()
				break
			}
			if err := checkText(v.Text, layer); err != nil {
				return err
			}
			_, _, err := p.value(nil, 2)
			p.Release()
			if err != nil {
				return err
			}
			if p.I != len(v.Text) {
				bad = v.Kind.String()
			}
		default:
			return newErr(layer, ErrFieldType, "the value of "+Quote(m.Key, 40)+" has an unknown kind "+itoa(int(v.Kind)), "use one of the Kind constants")
		}
		if bad != "" {
			return newErr(layer, ErrNotJSON, "the value of "+Quote(m.Key, 40)+" is marked as a "+bad+" but its text "+Quote(v.Text, 40)+" is not a JSON "+bad,
				"set the Text of a non-string value to its JSON literal")
		}
	}
	return nil
}
