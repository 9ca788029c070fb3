package codec

// String returns "request", "response" or "callback", and "unknown" for
// the zero value (an envelope with only data and md5).
func (k EnvelopeKind) String() string {
	switch k {
	case Request:
		return "request"
	case Response:
		return "response"
	case Callback:
		return "callback"
	}
	return "unknown"
}

// ParseEnvelope parses one envelope JSON object under ParseObject's
// strict JSON rules and sorts its members into the Envelope fields:
//
//   - with action: a request (action, version, merchant_id, data, md5);
//   - else with rsp_code, or rep_code as the common-rules table spells it:
//     a response (rsp_code, rsp_msg, data, md5), or a callback when it
//     also carries merchant_id;
//   - else with both data and md5: an envelope of unknown kind (the zero
//     EnvelopeKind), which can still be opened.
//
// The protocol members must be strings (ErrFieldType); a JSON null counts
// as absent. Other members are kept in Extra, in order, and ignored. A
// failure response without data and md5 parses without error, with
// HasData and HasMD5 false; Open then reports ErrNoData.
func ParseEnvelope(b []byte) (*Envelope, error) {
	return result(parseEnvelope(b, false, nil))
}

// parseEnvelope parses into e, or a new Envelope if e is nil.
func parseEnvelope(b []byte, strict bool, e *Envelope) (*Envelope, *Error) {
	var buf [8]Member // an envelope has a handful of members
	members, err := parseObjectBytes(buf[:0], b, LayerEnvelope)
	if err != nil {
		return nil, err
	}
	if e == nil {
		e = new(Envelope)
	}
	var has struct{ action, rsp, merchant bool }
	var rep Member
	hasRep := false
	for _, m := range members {
		var dst *string
		switch m.Key {
		case "action":
			dst, has.action = &e.Action, true
		case "version":
			dst = &e.Version
		case "merchant_id":
			dst, has.merchant = &e.MerchantID, true
		case "rsp_code":
			dst, has.rsp = &e.RspCode, true
			e.RspCodeName = m.Key
		case "rep_code":
			rep, hasRep = m, true
			continue
		case "rsp_msg":
			dst = &e.RspMsg
		case "data":
			dst, e.HasData = &e.Data, true
		case "md5":
			dst, e.HasMD5 = &e.MD5, true
		}
		if dst == nil {
			e.Extra = append(e.Extra, m)
			continue
		}
		switch {
		case m.Value.Kind == KindString:
			*dst = m.Value.Text
		case m.Value.Kind == KindNull && !strict:
			switch m.Key {
			case "data":
				e.HasData = false
			case "md5":
				e.HasMD5 = false
			case "action":
				has.action = false
			case "merchant_id":
				has.merchant = false
			case "rsp_code":
				has.rsp = false
				e.RspCodeName = ""
			}
		default:
			return nil, newErr(LayerEnvelope, ErrFieldType, "the member "+Quote(m.Key, 20)+" is "+m.Value.Kind.withArticle()+", not a string",
				"every envelope member is a JSON string: the sender built the envelope wrongly")
		}
	}
	if hasRep {
		// The common-rules table spells rsp_code "rep_code"; read it as
		// rsp_code unless a real rsp_code is present too.
		switch {
		case has.rsp:
			e.Extra = append(e.Extra, rep)
		case rep.Value.Kind == KindString:
			e.RspCode, e.RspCodeName, has.rsp = rep.Value.Text, "rep_code", true
		case rep.Value.Kind != KindNull || strict:
			return nil, newErr(LayerEnvelope, ErrFieldType, "the member \"rep_code\" is "+rep.Value.Kind.withArticle()+", not a string",
				"every envelope member is a JSON string: the sender built the envelope wrongly")
		}
	}
	switch {
	case has.action:
		e.Kind = Request
	case has.rsp && has.merchant:
		e.Kind = Callback
	case has.rsp:
		e.Kind = Response
	case e.HasData && e.HasMD5 && !strict:
		// unknown kind, still decodable
	default:
		return nil, newErr(LayerEnvelope, ErrMissingField, "the object has neither action nor rsp_code",
			"this is not an OTT Pay envelope: a request carries action, version, merchant_id, data and md5; a response rsp_code, rsp_msg, data and md5")
	}
	return e, nil
}

// Seal fills e.Data and e.MD5 from o (see the function Seal) and marks
// both present.
func (e *Envelope) Seal(o *Object, signKey string, r Rule) error {
	md5, data, err := Seal(o, signKey, r)
	if err != nil {
		return err
	}
	e.MD5, e.Data = md5, data
	e.HasMD5, e.HasData = true, true
	return nil
}

// Open decrypts e.Data with the AES key derived from e.MD5 and signKey,
// parses the plaintext as one strict JSON object and verifies it against
// e.MD5 (see Verify). An envelope without data or md5 gives ErrNoData or
// ErrMissingField, never a crash.
//
// Open reads Base64 whose last character has unused bits set, as senders
// with a non-standard encoder write it, and says so in
// Opened.NonCanonicalBase64; DecodeBody refuses it.
//
// The key is derived from the md5 exactly as transmitted. If that gives no
// valid plaintext and the md5 holds lower-case letters, the upper-cased md5
// is tried and, if it works, Opened.MD5Uppercased says so.
//
// When the plaintext decrypts but no rule reproduces the md5, Open returns
// the Opened message together with an error wrapping ErrMD5Mismatch. When
// the data decrypts only with the sign key upper- or lower-cased, Open
// returns the Opened message together with an error wrapping ErrKeyCase:
// the key as given is wrong and the message says which case works. Any
// other error comes with a nil *Opened.
func (e *Envelope) Open(signKey string) (*Opened, error) {
	if err := e.needData(); err != nil {
		return nil, err
	}
	return result(open(e.MD5, e.Data, signKey, false, nil))
}

func (e *Envelope) needData() *Error {
	noun := e.Kind.String()
	if e.Kind == 0 {
		noun = "envelope"
	}
	switch {
	case !e.HasData && !e.HasMD5:
		what := "the " + noun + " has no data and no md5"
		hint := "there is nothing to decrypt"
		if e.RspCode != "" {
			what += ": rsp_code " + Quote(e.RspCode, 40) + ", rsp_msg " + Quote(e.RspMsg, 80)
			hint = "this is how OTT Pay answers a failed call: act on rsp_code and rsp_msg, there is nothing to decrypt"
		}
		return newErr(LayerEnvelope, ErrNoData, what, hint)
	case !e.HasData:
		return newErr(LayerEnvelope, ErrMissingField, "the "+noun+" has an md5 but no data member",
			"the envelope was cut or built wrongly: data holds the ciphertext")
	case !e.HasMD5:
		return newErr(LayerEnvelope, ErrMissingField, "the "+noun+" has data but no md5 member",
			"the envelope was cut or built wrongly: the AES key is derived from md5, so data cannot be decrypted without it")
	}
	return nil
}

// MarshalJSON writes the envelope as one line of compact JSON: the members
// of its kind in the documented order (request: action, version,
// merchant_id, data, md5; response: rsp_code, rsp_msg, data, md5;
// callback: rsp_code, rsp_msg, merchant_id, data, md5), then Extra. The
// response code is written under RspCodeName when that is "rep_code".
// data and md5 are left out when absent (HasData, HasMD5 false and empty).
func (e *Envelope) MarshalJSON() ([]byte, error) {
	return result(e.appendJSON(make([]byte, 0, 128+len(e.Data))))
}

func (e *Envelope) appendJSON(b []byte) ([]byte, *Error) {
	kind := e.Kind
	if kind == 0 {
		switch {
		case e.Action != "":
			kind = Request
		case e.RspCode != "" && e.MerchantID != "":
			kind = Callback
		case e.RspCode != "":
			kind = Response
		}
	}
	var names [5]string
	n := 0
	b = append(b, '{')
	add := func(name, value string) {
		if n > 0 {
			b = append(b, ',')
		}
		names[n] = name
		n++
		b = appendQuoted(b, name)
		b = append(b, ':')
		b = appendQuoted(b, value)
	}
	rsp := "rsp_code"
	if e.RspCodeName == "rep_code" {
		rsp = "rep_code"
	}
	switch kind {
	case Request:
		add("action", e.Action)
		add("version", e.Version)
		add("merchant_id", e.MerchantID)
	case Response, Callback:
		add(rsp, e.RspCode)
		add("rsp_msg", e.RspMsg)
		if kind == Callback {
			add("merchant_id", e.MerchantID)
		}
	default:
		if e.MerchantID != "" {
			add("merchant_id", e.MerchantID)
		}
	}
	if e.HasData || e.Data != "" {
		add("data", e.Data)
	}
	if e.HasMD5 || e.MD5 != "" {
		add("md5", e.MD5)
	}
	if len(e.Extra) == 0 {
		return append(b, '}'), nil
	}
	if err := (&Object{Members: e.Extra}).check(LayerEnvelope, true); err != nil {
		return nil, err
	}
	for i := range e.Extra {
		m := &e.Extra[i]
		for _, name := range names[:n] {
			if m.Key == name {
				return nil, dupErr(m.Key, LayerEnvelope)
			}
		}
		switch m.Key {
		case "action", "version", "merchant_id", "rsp_msg", "data", "md5":
			return nil, newErr(LayerEnvelope, ErrDuplicate, "the extra member "+Quote(m.Key, 20)+" is an envelope member",
				"set the Envelope field of that name instead of an extra member")
		}
		if n > 0 || i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, m.Key)
		b = append(b, ':')
		b = m.Value.appendJSON(b)
	}
	return append(b, '}'), nil
}
