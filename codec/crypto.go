package codec

import (
	"crypto/aes"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"unsafe"

	"github.com/ottpay-toolkit/ottpay/codec/internal/jsontok"
)

// AESKey derives the 16-character AES key from an md5 and a sign key, as
// Appendix A says: the characters 8 to 23 of the uppercase hex MD5 of the
// md5 followed by the sign key. Both are used exactly as given; the
// returned characters are the 16 key bytes.
func AESKey(md5, signKey string) string {
	k := aesKey(md5, signKey)
	return string(k[:])
}

// aesKey is AESKey without allocation, for an md5 given as a string or
// as bytes.
func aesKey[T ~string | ~[]byte](md5Text T, signKey string) [16]byte {
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
// line breaks. aesKey must be 16 bytes (as AESKey returns); any other
// length is an error wrapping ErrAESKey.
//
// EncryptData is a primitive for showing the steps of the scheme; to send
// a message use Seal or Envelope.Seal, which derive the key and the md5.
func EncryptData(aesKey string, plaintext []byte) (string, error) {
	if len(aesKey) != 16 {
		return "", badAESKey(aesKey)
	}
	var k [16]byte
	copy(k[:], aesKey)
	return encryptToBase64(&k, plaintext), nil
}

func badAESKey(aesKey string) *Error {
	return newErr(LayerKey, ErrAESKey, "the AES key is "+itoa(len(aesKey))+" bytes, not 16",
		"derive the key with AESKey from the md5 and the sign key")
}

// encryptToBase64 is EncryptData with a key array: the plaintext is
// padded and encrypted in a pooled buffer, and its Base64 written into the
// returned string's memory, the only allocation.
func encryptToBase64(k *[16]byte, plaintext []byte) string {
	bp := getBuf()
	defer putBuf(bp)
	ct := padEncrypt(append((*bp)[:0], plaintext...), k)
	*bp = ct[:0]
	out := make([]byte, base64.StdEncoding.EncodedLen(len(ct)))
	encodeB64(out, ct)
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// encodeB64 is base64.StdEncoding.Encode, twelve bytes to sixteen
// characters at a time: each 12 bits of input are looked up in b64Pairs,
// which holds the two characters they encode. Each step reads fourteen
// bytes (two overlapping eight-byte words) and writes sixteen, slices of
// those sizes taken first so that the loop has no bounds checks.
func encodeB64(dst, src []byte) {
	si, di := 0, 0
	if len(src) >= 14 && len(dst) >= base64.StdEncoding.EncodedLen(len(src)) {
		for n := (len(src) - 2) / 12; n > 0; n-- {
			s := src[si : si+14]
			d := dst[di : di+16]
			v := binary.BigEndian.Uint64(s) // the top six bytes are used
			w := binary.BigEndian.Uint64(s[6:])
			binary.LittleEndian.PutUint64(d, uint64(b64Pairs[v>>52])|uint64(b64Pairs[v>>40&0xfff])<<16|
				uint64(b64Pairs[v>>28&0xfff])<<32|uint64(b64Pairs[v>>16&0xfff])<<48)
			binary.LittleEndian.PutUint64(d[8:], uint64(b64Pairs[w>>52])|uint64(b64Pairs[w>>40&0xfff])<<16|
				uint64(b64Pairs[w>>28&0xfff])<<32|uint64(b64Pairs[w>>16&0xfff])<<48)
			si += 12
			di += 16
		}
	}
	base64.StdEncoding.Encode(dst[di:], src[si:])
}

// b64Pairs maps 12 bits to their two standard Base64 characters, the
// first in the low byte.
var b64Pairs = func() (t [4096]uint16) {
	for i := range t {
		t[i] = uint16(b64Alphabet[i>>6]) | uint16(b64Alphabet[i&63])<<8
	}
	return t
}()

// padEncrypt appends the PKCS#7 padding to pt and encrypts it in place
// with AES-128-ECB, returning the ciphertext (pt grown by the padding).
func padEncrypt(pt []byte, key *[16]byte) []byte {
	pad := 16 - len(pt)%16
	var padding [16]byte
	for i := range padding {
		padding[i] = byte(pad)
	}
	ct := append(pt, padding[:pad]...)
	block, _ := aes.NewCipher(key[:]) // a 16-byte key cannot fail
	for i := 0; i+16 <= len(ct); i += 16 {
		b := ct[i : i+16 : i+16]
		block.Encrypt(b, b)
	}
	return ct
}

// DecryptData decodes the standard Base64 data (ASCII whitespace inside it
// is ignored, anything else outside the alphabet is an error, unused bits
// set in the last character are ignored), decrypts it with AES-128-ECB and
// removes the PKCS#7 padding, checking every padding byte. It returns the
// plaintext and the padding length removed.
func DecryptData(aesKey, data string) (plaintext []byte, padding int, err error) {
	if len(aesKey) != 16 {
		return nil, 0, badAESKey(aesKey)
	}
	var k [16]byte
	copy(k[:], aesKey)
	ct, _, e := decodeBase64(data, false)
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
//
// Base64 whose last character has unused bits set decodes to the same
// bytes as the canonical text, so one message would have several wire
// forms: strict refuses it, else loose reports it.
func decodeBase64(s string, strict bool) (ct []byte, loose bool, err *Error) {
	return decodeBase64Room(s, strict, false)
}

// decodeBase64Room is decodeBase64; with room, the ciphertext has as many
// bytes again of capacity after it, where the plaintext's names and
// values can be kept in the same allocation (see try).
func decodeBase64Room(s string, strict, room bool) (ct []byte, loose bool, err *Error) {
	if len(s) > 2*MaxMessageSize {
		return nil, false, newErr(LayerBase64, ErrTooLarge, "the data member is "+itoa(len(s))+" characters, more than the limit",
			"no OTT Pay message is this large: check that a single message was given")
	}
	size := base64.StdEncoding.DecodedLen(len(s))
	var dst []byte
	if room {
		dst = make([]byte, size, 2*size)
	} else {
		dst = make([]byte, size)
	}
	// Fast path: one unbroken run of Base64. Anything else (whitespace,
	// errors) takes the slow path, which also explains errors.
	n, ok, loose := decodeB64(dst, s)
	if !ok {
		var e *Error
		n, loose, e = decodeBase64Slow(dst, s)
		if e != nil {
			return nil, false, e
		}
	}
	if loose && strict {
		return nil, false, nonCanonical(s)
	}
	ct, err = checkCiphertext(dst[:n])
	return ct, loose, err
}

// nonCanonical explains Base64 whose last character has unused bits set.
func nonCanonical(s string) *Error {
	i, pads := len(s)-1, 0
	for i >= 0 && (s[i] == '=' || isB64Space(s[i])) {
		if s[i] == '=' {
			pads++
		}
		i--
	}
	v := b64Value[s[i]]
	mask := byte(0x03) // one '=': the last two bits are unused
	if pads == 2 {
		mask = 0x0f
	}
	canon := b64Alphabet[v&^mask]
	return b64Err("the Base64 character '"+string(s[i])+"' at byte "+itoa(i)+" has unused bits set: the canonical text ends in '"+string(canon)+"', and a strict decode accepts only the canonical form of a message",
		"the sender's Base64 encoder is not standard, or the data was edited by hand: re-encode it with a standard encoder (decoding without strict mode reads it and warns)")
}

// checkCiphertext checks that ct is a non-empty multiple of the AES block
// size and within the size limit.
func checkCiphertext(ct []byte) ([]byte, *Error) {
	if len(ct) == 0 || len(ct)%16 != 0 {
		what := "the data decodes to " + itoa(len(ct)) + " bytes, which is not a positive multiple of the AES block size 16"
		hint := "the data was truncated or cut, for example by a shortened log line, or it is not an OTT Pay ciphertext"
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

// b64Value maps a standard Base64 character to its 6-bit value, and any
// other byte to 0xff.
var b64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(b64Alphabet); i++ {
		t[b64Alphabet[i]] = byte(i)
	}
	return t
}()

// b64Shifted[k][c] is the 6-bit value of the Base64 character c placed
// where the k-th of eight characters goes in a big-endian 64-bit word
// (bits 63-58 for the first, 21-16 for the eighth), so that OR-ing the
// eight gives the six decoded bytes in the top of the word. A byte outside
// the alphabet maps to a value with bit 0 set, which the decoded bytes
// never touch: any such byte leaves the low 16 bits of the OR non-zero.
var b64Shifted = func() (t [8][256]uint64) {
	for k := range t {
		for c := range t[k] {
			if v := b64Value[c]; v == 0xff {
				t[k][c] = 1
			} else {
				t[k][c] = uint64(v) << (58 - 6*k)
			}
		}
	}
	return t
}()

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// decodeB64 decodes padded standard Base64 without whitespace from s into
// dst (at least 3*len(s)/4 bytes). It reports false for anything else, and
// loose when the last character has unused bits set.
func decodeB64(dst []byte, s string) (n int, ok, loose bool) {
	if len(s)%4 != 0 {
		return 0, false, false
	}
	if len(s) == 0 {
		return 0, true, false
	}
	body := s[:len(s)-4]
	i := 0
	// Eight characters give six bytes, stored as one eight-byte word while
	// dst has room for it.
	for ; i+8 <= len(body) && n+8 <= len(dst); i += 8 {
		q := body[i : i+8]
		v := b64Shifted[0][q[0]] | b64Shifted[1][q[1]] | b64Shifted[2][q[2]] | b64Shifted[3][q[3]] |
			b64Shifted[4][q[4]] | b64Shifted[5][q[5]] | b64Shifted[6][q[6]] | b64Shifted[7][q[7]]
		if v&0xffff != 0 {
			return 0, false, false
		}
		binary.BigEndian.PutUint64(dst[n:], v)
		n += 6
	}
	for ; i+8 <= len(body); i += 8 {
		q := body[i : i+8]
		a, b, c, d := b64Value[q[0]], b64Value[q[1]], b64Value[q[2]], b64Value[q[3]]
		e, f, g, h := b64Value[q[4]], b64Value[q[5]], b64Value[q[6]], b64Value[q[7]]
		if (a|b|c|d|e|f|g|h)&0xc0 != 0 {
			return 0, false, false
		}
		v := uint64(a)<<42 | uint64(b)<<36 | uint64(c)<<30 | uint64(d)<<24 | uint64(e)<<18 | uint64(f)<<12 | uint64(g)<<6 | uint64(h)
		o := dst[n : n+6]
		o[0], o[1], o[2], o[3], o[4], o[5] = byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
		n += 6
	}
	for ; i < len(body); i += 4 {
		q := body[i : i+4]
		a, b, c, d := b64Value[q[0]], b64Value[q[1]], b64Value[q[2]], b64Value[q[3]]
		if (a|b|c|d)&0xc0 != 0 {
			return 0, false, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		o := dst[n : n+3]
		o[0], o[1], o[2] = byte(v>>16), byte(v>>8), byte(v)
		n += 3
	}
	// The last quantum may end in "=" or "==".
	q := s[len(s)-4:]
	a, b := b64Value[q[0]], b64Value[q[1]]
	if (a|b)&0xc0 != 0 {
		return 0, false, false
	}
	switch {
	case q[2] == '=' && q[3] == '=':
		dst[n] = a<<2 | b>>4
		return n + 1, true, b&0x0f != 0
	case q[3] == '=':
		c := b64Value[q[2]]
		if c&0xc0 != 0 {
			return 0, false, false
		}
		dst[n], dst[n+1] = a<<2|b>>4, b<<4|c>>2
		return n + 2, true, c&0x03 != 0
	}
	c, d := b64Value[q[2]], b64Value[q[3]]
	if (c|d)&0xc0 != 0 {
		return 0, false, false
	}
	dst[n], dst[n+1], dst[n+2] = a<<2|b>>4, b<<4|c>>2, c<<6|d
	return n + 3, true, false
}

// decodeBase64Slow strips whitespace, explains what is wrong, or decodes;
// loose is as for decodeB64.
func decodeBase64Slow(dst []byte, s string) (n int, loose bool, err *Error) {
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
				return 0, false, b64Err("more than two '=' padding characters at byte "+itoa(i),
					"two Base64 texts were joined, or the data was cut and pasted")
			}
		case isB64Char(c):
			if pads > 0 {
				return 0, false, b64Err("Base64 continues after the '=' padding at byte "+itoa(i),
					"two Base64 texts were joined, or the data was cut and pasted")
			}
		default:
			return 0, false, b64Err("character "+Quote(s[i:i+1], 8)+" at byte "+itoa(i)+" is not in the standard Base64 alphabet", b64CharHint(c))
		}
		clean = append(clean, c)
	}
	if len(clean)%4 != 0 {
		hint := "the data was truncated, or its '=' padding was removed"
		if spaces > 0 && (len(clean)+spaces)%4 == 0 {
			hint = "'+' signs probably became spaces when the body was URL-decoded: the sender or a proxy must not form-decode a JSON body"
		}
		return 0, false, b64Err("the data has "+itoa(len(clean))+" Base64 characters, not a multiple of 4", hint)
	}
	n, ok, loose := decodeB64(dst, string(clean))
	if !ok {
		_, err := base64.StdEncoding.Decode(dst, clean)
		return 0, false, b64Err("the data is not valid Base64 ("+err.Error()+")", "the data was cut or mixed with other text")
	}
	return n, loose, nil
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
		if !jsontok.IsHex(s[i]) {
			return false
		}
	}
	return true
}
