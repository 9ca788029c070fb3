package codec

import (
	"encoding/base64"
	"errors"
	"strings"
	"unsafe"
)

// Seal computes the md5 and the data member for o under rule r (the empty
// rule means RuleStrings): md5 is the uppercase hex MD5 of
// SortedValues(o, r), and data the standard Base64 of the AES-128-ECB
// encryption, with the key AESKey(md5, signKey), of o's compact JSON text
// (AppendJSON: member order and value text as given, raw UTF-8).
//
// With RuleStrings a non-string value is refused with ErrNonString: send
// it as a string, or name the rule the receiver hashes it with.
func Seal(o *Object, signKey string, r Rule) (md5, data string, err error) {
	if signKey == "" {
		return "", "", emptyKey()
	}
	sp, e := specOf(r)
	if e != nil {
		return "", "", e
	}
	if e := o.check(LayerEncode, false); e != nil {
		return "", "", e
	}
	bp := getBuf()
	defer putBuf(bp)
	in, e := appendInput((*bp)[:0], o, sp)
	*bp = in
	if e != nil {
		return "", "", e
	}
	var h [32]byte
	key := aesKey(md5Hex(&h, in), signKey)
	// The md5 input is no longer needed: the JSON text is written over
	// it, padded and encrypted in place.
	pt, ok := o.appendJSON(in[:0], true)
	*bp = pt[:0]
	if !ok {
		if e := o.check(LayerEncode, true); e != nil {
			return "", "", e
		}
		return "", "", newErr(LayerEncode, ErrNotUTF8, "a name or value is not valid UTF-8", "names and values must be UTF-8 text")
	}
	if len(pt) > MaxMessageSize {
		return "", "", newErr(LayerEncode, ErrTooLarge, "the data is "+itoa(len(pt))+" bytes of JSON, more than the limit of "+itoa(MaxMessageSize),
			"split the message: no OTT Pay action takes this much data")
	}
	ct := padEncrypt(pt, &key)
	*bp = ct[:0]
	// md5 and data share one allocation, written once and never again.
	out := make([]byte, len(h)+base64.StdEncoding.EncodedLen(len(ct)))
	copy(out, h[:])
	encodeB64(out[len(h):], ct)
	return unsafe.String(&out[0], len(h)), unsafe.String(&out[len(h)], len(out)-len(h)), nil
}

func emptyKey() *Error {
	return newErr(LayerKey, ErrEmptySignKey, "no sign key was given", "set the merchant's sign key, as issued by OTT Pay")
}

// message holds, in one allocation, what decoding one body produces.
type message struct {
	env Envelope
	op  Opened
	obj Object
	vs  verifyScratch
	key [16]byte // the AES key, the memory of Opened.AESKey
	// hashes counts the md5 computations of the verification.
	hashes int
	loose  bool // the Base64 was not canonical
}

// open decrypts data with the AES key derived from md5 and signKey, parses
// the plaintext and verifies it (see Envelope.Open), building the result in
// m (a new message if nil). When strict, Base64 that is not canonical is
// refused (see decodeBase64).
func open(md5, data, signKey string, strict bool, m *message) (*Opened, *Error) {
	if m == nil {
		m = new(message)
	}
	op, err := openKeys(md5, data, signKey, strict, m)
	if op != nil {
		op.NonCanonicalBase64 = m.loose
	}
	return op, err
}

func openKeys(md5, data, signKey string, strict bool, m *message) (*Opened, *Error) {
	if signKey == "" {
		return nil, emptyKey()
	}
	if !isHex32(md5) {
		return nil, badMD5(md5)
	}
	ct, loose, err := decodeBase64Room(data, strict, true)
	if err != nil {
		return nil, err
	}
	m.loose = loose
	a := try(ct, md5, signKey)
	if a.err == nil {
		return a.finish(md5, md5, false, m)
	}
	if !keyFailure(a.err) {
		return nil, a.err
	}
	// Retries: rare, so the ciphertext is decoded again for each.
	var upper string
	if hasLower(md5) {
		upper = strings.ToUpper(md5)
		ct, _, _ = decodeBase64Room(data, strict, true)
		if b := try(ct, upper, signKey); b.err == nil {
			return b.finish(md5, upper, true, m)
		}
	}
	for _, k := range []string{strings.ToUpper(signKey), strings.ToLower(signKey)} {
		if k == signKey {
			continue
		}
		for _, km := range []string{md5, upper} {
			if km == "" {
				continue
			}
			ct, _, _ = decodeBase64Room(data, strict, true)
			b := try(ct, km, k)
			if b.err != nil {
				continue
			}
			op, _ := b.finish(md5, km, km != md5, m)
			which := "upper-cased"
			if k == strings.ToLower(signKey) {
				which = "lower-cased"
			}
			return op, newErr(LayerKey, ErrKeyCase,
				"the data decrypts only with the sign key "+which+", not with the key as given",
				"the sender changes the letter case of its key before use, as one crypto-js integration does: configure the key "+which+" for this sender, or ask the sender to use the key exactly as issued")
		}
	}
	e := *a.err
	switch {
	case e.Err == ErrPadding:
		e.Hint = "almost always a wrong sign key for this merchant, or an md5 altered or mistyped in the copy (the AES key is derived from it); the upper- and lower-cased key do not work either"
	default:
		e.Hint += "; the upper- and lower-cased key do not work either"
	}
	if upper != "" {
		e.Hint += ", nor does the upper-cased md5"
	}
	return nil, &e
}

func badMD5(md5 string) *Error {
	what := "the md5 member " + Quote(md5, 40) + " is not 32 hex digits"
	hint := "the envelope was cut, or md5 holds another value"
	if t := strings.TrimSpace(md5); t != md5 && isHex32(t) {
		hint = "it has spaces or line breaks around it: the envelope was built or copied wrongly"
	}
	return newErr(LayerEnvelope, ErrBadMD5, what, hint)
}

// keyFailure reports the errors a wrong AES key causes.
func keyFailure(e *Error) bool {
	return e.Err == ErrPadding || e.Err == ErrNotUTF8 || e.Err == ErrNotJSON
}

// attempt is one decryption with one key.
type attempt struct {
	key     [16]byte
	keyMD5  string
	pt      []byte
	pad     int
	members []Member
	values  string // see parseObjectValues
	err     *Error
}

// try decrypts ct in place with the key from keyMD5 and signKey and parses
// the plaintext.
func try(ct []byte, keyMD5, signKey string) attempt {
	a := attempt{key: aesKey(keyMD5, signKey), keyMD5: keyMD5}
	a.pt, a.pad, a.err = decryptECB(ct, &a.key)
	if a.err != nil {
		return a
	}
	// The names and values are kept after the ciphertext, in its
	// allocation when decodeBase64Room made room there; the plaintext
	// handed out cannot be appended to over them.
	arena := ct[len(ct):cap(ct)]
	a.pt = a.pt[:len(a.pt):len(a.pt)]
	a.members, a.values, a.err = parseObjectValues(nil, a.pt, LayerPlaintext, arena)
	return a
}

// finish verifies a successful attempt against the envelope md5.
func (a *attempt) finish(md5, keyMD5 string, uppercased bool, m *message) (*Opened, *Error) {
	if m == nil {
		m = new(message)
	}
	m.obj = Object{Members: a.members}
	m.key = a.key
	m.vs.values = a.values
	op := &m.op
	*op = Opened{
		Object:        &m.obj,
		Plaintext:     a.pt,
		KeyMD5:        keyMD5,
		MD5Uppercased: uppercased,
		AESKey:        unsafe.String(&m.key[0], len(m.key)), // never written again
		Padding:       a.pad,
	}
	op.Verification = verify(&m.obj, md5, &m.vs, &m.hashes)
	if !op.Verified {
		return op, mismatch(op, md5)
	}
	return op, nil
}

func mismatch(op *Opened, md5 string) *Error {
	var b strings.Builder
	b.WriteString("the data decrypted cleanly but no rule reproduces the md5 " + Quote(md5, 40) + ": ")
	searched := false
	for i, d := range op.Rules {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(d.Rule) + " gives ")
		var e *Error
		if errors.As(d.Err, &e) && e.Err == ErrNonString {
			b.WriteString("nothing (non-string values)")
			searched = true
		} else if d.Err != nil {
			b.WriteString("nothing (" + d.Err.Error() + ")")
		} else {
			b.WriteString(d.MD5)
		}
	}
	if searched {
		b.WriteString("; no combination of the value dimensions does either")
	}
	return newErr(LayerVerify, ErrMD5Mismatch, b.String(),
		"the data was tampered with, the sender uses another value rule, or this is a truncated copy: do not act on it before the sender confirms it")
}

// DecodeBody decodes exactly one HTTP body under the strict rules, as a
// service receiving a callback does:
//
//   - the body is one JSON object (surrounding whitespace allowed), valid
//     UTF-8, with no member name twice at any depth, at most MaxDepth deep
//     and MaxMessageSize long;
//   - it is a request (action), a response (rsp_code or rep_code) or a
//     callback (a response with merchant_id); data and md5 are present and
//     are strings, and md5 is exactly 32 hex digits in any case;
//   - data is canonical standard Base64 with padding (ASCII whitespace
//     inside is ignored; the unused bits of the last character must be
//     zero, so that each message has one wire form), of a non-empty
//     multiple of 16 bytes, whose PKCS#7 padding is checked byte for byte;
//   - the plaintext is one strict JSON object by the same rules.
//
// The envelope is returned whenever the body parses, with the Opened
// message and the error of Envelope.Open (see there for the md5 retry and
// for the errors that come with an Opened message).
func DecodeBody(body []byte, signKey string) (*Envelope, *Opened, error) {
	if len(body) > MaxMessageSize {
		return nil, nil, newErr(LayerEnvelope, ErrTooLarge, "the body is "+itoa(len(body))+" bytes, more than the limit of "+itoa(MaxMessageSize),
			"no OTT Pay message is this large: check that a single message was sent")
	}
	m := new(message)
	e, err := parseEnvelope(body, true, &m.env)
	if err != nil {
		return nil, nil, err
	}
	if err := e.needData(); err != nil {
		return e, nil, err
	}
	op, oerr := result(open(e.MD5, e.Data, signKey, true, m))
	return e, op, oerr
}
