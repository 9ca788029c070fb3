package codec

import (
	"crypto/aes"
	"crypto/md5"
	"encoding/base64"
	"errors"
)

// ErrAESKey reports an AES key that is not 16 bytes long.
var ErrAESKey = errors.New("AES key is not 16 bytes")

// AESKey derives the 16-character AES key from an md5 and a sign key, as
// Appendix A says: the characters 8 to 23 of the uppercase hex MD5 of the
// md5 followed by the sign key. Both are used exactly as given; the
// returned characters are the 16 key bytes.
func AESKey(md5, signKey string) string {
	k := aesKey(md5, signKey)
	return string(k[:])
}

// aesKey is AESKey without allocation.
func aesKey(md5Text, signKey string) [16]byte {
	var buf [96]byte
	b := append(buf[:0], md5Text...)
	b = append(b, signKey...)
	sum := md5.Sum(b)
	const hx = "0123456789ABCDEF"
	var k [16]byte
	for i := 0; i < 8; i++ {
		c := sum[4+i]
		k[2*i] = hx[c>>4]
		k[2*i+1] = hx[c&15]
	}
	return k
}

// EncryptData encrypts plaintext with AES-128-ECB and PKCS#7 padding and
// returns the standard Base64 of the ciphertext, with padding and without
// line breaks. aesKey must be 16 bytes (as AESKey returns); for any other
// length EncryptData returns the empty string.
func EncryptData(aesKey string, plaintext []byte) string {
	if len(aesKey) != 16 {
		return ""
	}
	var k [16]byte
	copy(k[:], aesKey)
	bp := getBuf()
	defer putBuf(bp)
	ct := encryptECB((*bp)[:0], &k, plaintext)
	*bp = ct
	return base64.StdEncoding.EncodeToString(ct)
}

// encryptECB appends the AES-128-ECB/PKCS#7 encryption of plaintext to dst.
func encryptECB(dst []byte, key *[16]byte, plaintext []byte) []byte {
	block, _ := aes.NewCipher(key[:]) // a 16-byte key cannot fail
	pad := 16 - len(plaintext)%16
	start := len(dst)
	dst = append(dst, plaintext...)
	for i := 0; i < pad; i++ {
		dst = append(dst, byte(pad))
	}
	ct := dst[start:]
	for i := 0; i+16 <= len(ct); i += 16 {
		block.Encrypt(ct[i:i+16], ct[i:i+16])
	}
	return dst
}

// DecryptData decodes the standard Base64 data (ASCII whitespace inside it
// is ignored, anything else outside the alphabet is an error), decrypts it
// with AES-128-ECB and removes the PKCS#7 padding, checking every padding
// byte. It returns the plaintext and the padding length removed.
func DecryptData(aesKey, data string) (plaintext []byte, padding int, err error) {
	if len(aesKey) != 16 {
		return nil, 0, newErr(LayerKey, ErrAESKey, "the AES key is "+itoa(len(aesKey))+" bytes, not 16",
			"derive the key with AESKey from the md5 and the sign key")
	}
	var k [16]byte
	copy(k[:], aesKey)
	ct, e := decodeBase64(data)
	if e != nil {
		return nil, 0, e
	}
	pt, pad, e := decryptECB(ct, &k)
	if e != nil {
		return nil, 0, e
	}
	return pt, pad, nil
}

// decryptECB decrypts ct in place and removes the padding.
func decryptECB(ct []byte, key *[16]byte) ([]byte, int, *Error) {
	block, _ := aes.NewCipher(key[:])
	for i := 0; i+16 <= len(ct); i += 16 {
		block.Decrypt(ct[i:i+16], ct[i:i+16])
	}
	last := ct[len(ct)-1]
	pad := int(last)
	bad := pad == 0 || pad > 16
	if !bad {
		var diff byte
		for _, c := range ct[len(ct)-pad:] {
			diff |= c ^ last
		}
		bad = diff != 0
	}
	if bad {
		return nil, 0, newErr(LayerDecrypt, ErrPadding,
			"the data decoded cleanly from Base64 but decrypts to a bad PKCS#7 padding (last byte 0x"+hex2(last)+")",
			"almost always a wrong sign key for this merchant")
	}
	return ct[:len(ct)-pad], pad, nil
}

// isB64Space reports ASCII whitespace, which the data may contain (the
// documented H5PAY example breaks its Base64 with spaces, logs with CR/LF).
func isB64Space(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isB64Char(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
}

// decodeBase64 decodes standard, padded Base64 with ASCII whitespace
// ignored, and checks the result is a non-empty multiple of 16 bytes.
func decodeBase64(s string) ([]byte, *Error) {
	if len(s) > 2*MaxMessageSize {
		return nil, newErr(LayerBase64, ErrTooLarge, "the data member is "+itoa(len(s))+" characters, more than the limit",
			"no OTT Pay message is this large: check that a single message was given")
	}
	enc := base64.StdEncoding
	dst := make([]byte, enc.DecodedLen(len(s)))
	// Fast path: the standard decoder accepts the alphabet, padding and
	// CR/LF, which are all allowed here.
	n, err := enc.Decode(dst, []byte(s))
	if err != nil {
		var e *Error
		n, e = decodeBase64Slow(dst, s)
		if e != nil {
			return nil, e
		}
	}
	ct := dst[:n]
	if len(ct) == 0 || len(ct)%16 != 0 {
		what := "the data decodes to " + itoa(len(ct)) + " bytes, which is not a positive multiple of the AES block size 16"
		hint := "the data was truncated or cut (check the log line was not shortened), or it is not an OTT Pay ciphertext"
		if len(ct) == 0 {
			what = "the data member is empty"
			hint = "the sender put no ciphertext in data"
		}
		return nil, newErr(LayerBase64, ErrLength, what, hint)
	}
	if len(ct) > MaxMessageSize {
		return nil, newErr(LayerBase64, ErrTooLarge, "the ciphertext is "+itoa(len(ct))+" bytes, more than the limit of "+itoa(MaxMessageSize),
			"no OTT Pay message is this large: check that a single message was given")
	}
	return ct, nil
}

// decodeBase64Slow strips whitespace, explains what is wrong, or decodes.
func decodeBase64Slow(dst []byte, s string) (int, *Error) {
	clean := make([]byte, 0, len(s))
	spaces := 0
	pads := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isB64Space(c):
			if c == ' ' {
				spaces++
			}
			continue
		case c == '=':
			pads++
			if pads > 2 {
				return 0, b64Err("more than two '=' padding characters at byte "+itoa(i),
					"two Base64 texts were joined, or the data was cut and pasted")
			}
		case isB64Char(c):
			if pads > 0 {
				return 0, b64Err("Base64 continues after the '=' padding at byte "+itoa(i),
					"two Base64 texts were joined, or the data was cut and pasted")
			}
		default:
			return 0, b64Err("character "+quote(s[i:i+1], 8)+" at byte "+itoa(i)+" is not in the standard Base64 alphabet", b64CharHint(c))
		}
		clean = append(clean, c)
	}
	if len(clean)%4 != 0 {
		hint := "the data was truncated, or its '=' padding was removed"
		if spaces > 0 && (len(clean)+spaces)%4 == 0 {
			hint = "'+' signs probably became spaces when the body was URL-decoded: the sender or a proxy must not form-decode a JSON body"
		}
		return 0, b64Err("the data has "+itoa(len(clean))+" Base64 characters, not a multiple of 4", hint)
	}
	n, err := base64.StdEncoding.Decode(dst, clean)
	if err != nil {
		return 0, b64Err("the data is not valid Base64 ("+err.Error()+")", "the data was cut or mixed with other text")
	}
	return n, nil
}

func b64Err(what, hint string) *Error { return newErr(LayerBase64, ErrBase64, what, hint) }

func b64CharHint(c byte) string {
	switch c {
	case '-', '_':
		return "this is the URL-safe Base64 alphabet: the sender must use the standard one, with '+' and '/'"
	case '%':
		return "the data is URL-encoded (%2B, %2F, %3D): decode it once before decoding the envelope"
	case '\\':
		return "the data still holds JSON escapes: take it from a parsed JSON string, not from the raw text"
	case '"', '\'', ',', '}':
		return "the data was cut out of the envelope with a neighbouring character"
	}
	return "the data was mixed with other text or damaged in transit"
}

// hasLower reports whether s holds a lower-case ASCII letter.
func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

// isHex32 reports whether s is exactly 32 hex digits in any case.
func isHex32(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < 32; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
