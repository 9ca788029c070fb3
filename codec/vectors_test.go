package codec

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// vector is one documented test vector (testdata/vectors.json, copied from
// the catalogue's appendix_a.worked_example and test_vectors).
type vector struct {
	ID           string          `json:"id"`
	SignKey      string          `json:"sign_key"`
	Envelope     json.RawMessage `json:"envelope"`
	Plaintext    string          `json:"plaintext"`
	SortedConcat string          `json:"sorted_concat"`
	MD5          string          `json:"md5"`
	KeyMD5       *string         `json:"md5_of_md5_plus_sign_key"`
	AESKey       string          `json:"aes_key"`
	Data         string          `json:"data"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []vector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 4 {
		t.Fatalf("testdata/vectors.json holds %d vectors, want the 4 documented ones", len(f.Vectors))
	}
	return f.Vectors
}

// wrap60 breaks Base64 into 60-character lines joined by spaces, as the
// published H5PAY and PREPAY_INIT examples print it.
func wrap60(s string) string {
	var parts []string
	for len(s) > 60 {
		parts = append(parts, s[:60])
		s = s[60:]
	}
	return strings.Join(append(parts, s), " ")
}

// Appendix A, steps 1-4, on each documented vector: the sorted string, the
// uppercase md5, the AES key and the ciphertext, byte for byte.
func TestDocumentedVectorsEncode(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			o, err := ParseObject([]byte(v.Plaintext))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(o.AppendJSON(nil)); got != v.Plaintext {
				t.Errorf("compact JSON of the parsed plaintext:\n got %s\nwant %s", got, v.Plaintext)
			}
			s, err := SortedValues(o, RuleStrings)
			if err != nil || s != v.SortedConcat {
				t.Errorf("SortedValues = %q, %v; want %q", s, err, v.SortedConcat)
			}
			d, err := Digest(o, RuleStrings)
			if err != nil || d != v.MD5 {
				t.Errorf("Digest = %q, %v; want %q", d, err, v.MD5)
			}
			if v.KeyMD5 != nil {
				kd, _ := Digest(&Object{Members: []Member{{Key: "k", Value: Value{Text: v.MD5 + v.SignKey}}}}, RuleStrings)
				if kd != *v.KeyMD5 {
					t.Errorf("md5(md5 + sign key) = %s, want %s", kd, *v.KeyMD5)
				}
			}
			if k := AESKey(v.MD5, v.SignKey); k != v.AESKey {
				t.Errorf("AESKey = %q, want %q", k, v.AESKey)
			}
			md5, data, err := Seal(o, v.SignKey, RuleStrings)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Join(strings.Fields(v.Data), "")
			if md5 != v.MD5 || data != want {
				t.Errorf("Seal = %s, %s\nwant %s, %s", md5, data, v.MD5, want)
			}
			if v.Data != want && wrap60(data) != v.Data {
				t.Errorf("the published data is wrapped at 60 columns with spaces; wrapping ours gives\n%s\nwant\n%s", wrap60(data), v.Data)
			}
		})
	}
}

// The decoding direction: each published envelope decodes strictly,
// verifies under the documented rule and gives the documented plaintext.
func TestDocumentedVectorsDecode(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			op, err := openRaw(v.MD5, v.Data, v.SignKey)
			if err != nil {
				t.Fatal(err)
			}
			if string(op.Plaintext) != v.Plaintext {
				t.Errorf("plaintext:\n got %s\nwant %s", op.Plaintext, v.Plaintext)
			}
			if !op.Verified || op.Rule != RuleStrings || len(op.Rules) != 1 || op.Rules[0].Input != v.SortedConcat {
				t.Errorf("verification = %+v, want verified by strings with input %q", op.Verification, v.SortedConcat)
			}
			if op.AESKey != v.AESKey || op.KeyMD5 != v.MD5 || op.MD5Uppercased {
				t.Errorf("key = %q from %q (uppercased %v), want %q from %q", op.AESKey, op.KeyMD5, op.MD5Uppercased, v.AESKey, v.MD5)
			}
			if want := 16 - len(v.Plaintext)%16; op.Padding != want {
				t.Errorf("padding = %d, want %d", op.Padding, want)
			}
			if v.Envelope == nil || string(v.Envelope) == "null" {
				return
			}
			env, op2, err := DecodeBody(v.Envelope, v.SignKey)
			if err != nil {
				t.Fatal(err)
			}
			if string(op2.Plaintext) != v.Plaintext || !op2.Verified {
				t.Errorf("DecodeBody plaintext %s verified %v", op2.Plaintext, op2.Verified)
			}
			if env.MD5 != v.MD5 || env.Data != v.Data {
				t.Errorf("envelope md5/data not read as sent: %q %q", env.MD5, env.Data)
			}
		})
	}
}
