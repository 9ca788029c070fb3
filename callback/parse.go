package callback

import (
	"errors"
	"net/http"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Layers of the checks this package adds to the codec's, as named in its
// errors (a *codec.Error with one of these or a codec layer).
const (
	// LayerMerchant is finding the merchant's sign key and checking that
	// the decrypted data names the same merchant.
	LayerMerchant codec.Layer = "merchant"
	// LayerFields is reading the verified data into a Notification.
	LayerFields codec.Layer = "callback fields"
)

// Sentinel errors of the package, tested with errors.Is. Parse wraps them
// (and the codec's sentinels) in a *codec.Error.
var (
	// ErrNotCallback: the body is an envelope, but not a callback (it has
	// no merchant_id, or it is a request).
	ErrNotCallback = errors.New("not a callback")
	// ErrNoKeys: Parse or NewHandler was given nil Keys.
	ErrNoKeys = errors.New("no keys")
	// ErrUnknownMerchant: Keys has no sign key for the merchant_id the
	// envelope names.
	ErrUnknownMerchant = errors.New("unknown merchant")
	// ErrMerchantMismatch: the decrypted data does not name the merchant
	// whose sign key opened it.
	ErrMerchantMismatch = errors.New("decrypted merchant_id is not the key's merchant")
	// ErrField: a documented field of the verified data cannot be typed
	// (an amount that is not whole cents, two spellings of one field).
	ErrField = errors.New("bad callback field")
)

// Parse verifies one callback body and returns its Notification. It is
// framework-agnostic: give it the raw bytes of the request body, exactly as
// received, before anything parses or re-encodes them.
//
// The outer merchant_id only says which key to try. The body is decoded
// under the strict rules of codec.DecodeBody with that merchant's key; the
// md5 must verify, and the decrypted merchant_id must be that merchant.
// Nothing is taken from the unprotected rsp_code and rsp_msg.
//
// Every error is a *codec.Error naming the layer that failed, wrapping a
// sentinel of this package or of codec; it never contains a sign key or the
// body, and text from the body in it is quoted and shortened. HTTPStatus
// maps it to the status NewHandler answers with. Parse bounds nothing but
// codec.MaxMessageSize: bound the body before (NewHandler does).
func Parse(body []byte, keys Keys) (*Notification, error) {
	n, err := parse(body, keys)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// structureProbeKey opens the body of an unknown merchant only to find
// structural errors; whatever it decrypts is thrown away.
const structureProbeKey = "structure-probe"

func parse(body []byte, keys Keys) (*Notification, *codec.Error) {
	if keys == nil {
		return nil, &codec.Error{Layer: codec.LayerKey, Err: ErrNoKeys, What: "no keys were given",
			Hint: "give Keys from KeyMap or ParseKeys"}
	}
	env, err := codec.ParseEnvelope(body)
	if err != nil {
		return nil, asCodecErr(err, codec.LayerEnvelope)
	}
	if env.Kind != codec.Callback {
		what := "the envelope is a " + env.Kind.String() + ", not a callback"
		if env.Kind == codec.Response || env.Kind == 0 {
			what = "the envelope has no merchant_id, so it is not a callback"
		}
		return nil, &codec.Error{Layer: codec.LayerEnvelope, Err: ErrNotCallback, What: what,
			Hint: "a callback carries rsp_code, rsp_msg, merchant_id, data and md5; is this the right URL?"}
	}
	signKey, ok := keys(env.MerchantID)
	if !ok || signKey == "" {
		// A body that is malformed is malformed whoever it names: run the
		// strict structural checks (envelope, md5, Base64) with a key that
		// is never used for anything else, so that the answer is 400 and
		// does not depend on the unprotected merchant_id.
		if _, _, err := codec.DecodeBody(body, structureProbeKey); err != nil {
			if ce := asCodecErr(err, codec.LayerEnvelope); ce.Layer == codec.LayerEnvelope || ce.Layer == codec.LayerBase64 {
				return nil, ce
			}
		}
		return nil, &codec.Error{Layer: LayerMerchant, Err: ErrUnknownMerchant,
			What: "no sign key for merchant " + codec.Quote(env.MerchantID, 40),
			Hint: "add the merchant to the keys, or the callback is not for this shop"}
	}
	env, op, err := codec.DecodeBody(body, signKey)
	if err != nil {
		return nil, asCodecErr(err, codec.LayerVerify)
	}
	if op == nil || !op.Verified {
		return nil, &codec.Error{Layer: codec.LayerVerify, Err: codec.ErrMD5Mismatch,
			What: "the data did not verify", Hint: "tampered data or another sender rule"}
	}
	n, cerr := notification(op.Object)
	if cerr != nil {
		return nil, cerr
	}
	if n.MerchantID != env.MerchantID {
		what := "the decrypted data names merchant " + codec.Quote(n.MerchantID, 40) + ", not " + codec.Quote(env.MerchantID, 40) + " whose key opened it"
		if n.MerchantID == "" {
			what = "the decrypted data names no merchant_id, so it cannot be bound to merchant " + codec.Quote(env.MerchantID, 40)
		}
		return nil, &codec.Error{Layer: LayerMerchant, Err: ErrMerchantMismatch, What: what,
			Hint: "the outer merchant_id is not protected: a callback of one merchant was relabelled, or two merchants share a sign key"}
	}
	n.Rule = op.Rule
	n.Envelope = env
	return n, nil
}

// asCodecErr returns err as a *codec.Error, wrapping it in one of layer l
// if it is not one already (the codec promises it always is).
func asCodecErr(err error, l codec.Layer) *codec.Error {
	var ce *codec.Error
	if errors.As(err, &ce) {
		return ce
	}
	return &codec.Error{Layer: l, Err: err, What: err.Error()}
}

func fieldErr(what, hint string) *codec.Error {
	return &codec.Error{Layer: LayerFields, Err: ErrField, What: what, Hint: hint}
}

// HTTPStatus returns the status NewHandler answers a Parse error with, for
// callers that use Parse inside another framework: 413 for a body over a
// limit, 400 for a body that is not a well-formed callback (envelope, data
// Base64, callback fields), 401 for one that does not verify (unknown
// merchant, wrong key, tampered data, md5 mismatch, another merchant's
// data), 500 for nil keys, and 200 for nil.
func HTTPStatus(err error) int {
	var ce *codec.Error
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, codec.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrNoKeys):
		return http.StatusInternalServerError
	case !errors.As(err, &ce):
		return http.StatusBadRequest
	}
	switch ce.Layer {
	case codec.LayerEnvelope, codec.LayerBase64, codec.LayerInput, LayerFields:
		return http.StatusBadRequest
	}
	return http.StatusUnauthorized
}
