package report_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// A malformed keys file may hold a sign key anywhere: its errors say
// where the file is wrong, by line and column, and never quote the text
// there.
func TestKeysFileErrorsGivePositionsNotKeys(t *testing.T) {
	const secret = "6698851A525C9433"
	tests := []struct {
		name, file string
		at         string // "line L, column C" of the problem
	}{
		{"key alone, as a member name", `{"` + secret + `"}`, "line 1, column 20"},
		{"key without quotes", `{"M1":` + secret + `}`, "line 1, column 7"},
		{"comma missing", "{\n  \"M1\": \"" + secret + "\"\n  \"M2\": \"x\"\n}", "line 3, column 3"},
		{"trailing comma", `{"M1":"` + secret + `",}`, "line 1, column 26"},
		{"file cut after the key", `{"M1":"` + secret + `"`, "line 1, column 25"},
		{"file cut inside the key", `{"M1":"` + secret[:8], "line 1, column 16"},
		{"key as the name, no value", `{"` + secret + `":""}`, "line 1, column 21"},
		{"empty merchant_id", `{"":"` + secret + `"}`, "line 1, column 2"},
		{"merchant twice", "{\"M1\":\"" + secret + "\",\n\"M1\":\"" + secret + "\"}", "line 2, column 1"},
		{"key in an array", `{"M1":["` + secret + `"]}`, "line 1, column 7"},
		{"key with a bad escape", `{"M1":"` + secret + `\x"}`, "line 1, column 23"},
		{"key with a raw line break", "{\"M1\":\"" + secret + "\n\"}", "line 1, column 22"},
		{"key with a byte that is not UTF-8", "{\"M1\":\"" + secret + "\xff\"}", "line 1, column 24"},
		{"an array of keys", `["` + secret + `"]`, "line 1, column 1"},
		{"a bare string", `"` + secret + `"`, "line 1, column 1"},
		{"text after the object", `{"M1":"K"}` + "\n" + secret, "line 2, column 1"},
		{"a second object", `{"M1":"K"}{"M2":"` + secret + `"}`, "line 1, column 11"},
		{"key as a number", `{"M1":` + secret[:4] + `}`, "line 1, column 7"},
		{"single quotes", `{'M1':'` + secret + `'}`, "line 1, column 2"},
	}
	for _, tt := range tests {
		_, err := report.ParseKeys([]byte(tt.file))
		if !errors.Is(err, report.ErrKeysFile) {
			t.Errorf("%s: error %v, want ErrKeysFile", tt.name, err)
			continue
		}
		msg := err.Error()
		for _, part := range []string{secret, secret[:4], secret[4:12], secret[12:]} {
			if strings.Contains(msg, part) {
				t.Errorf("%s: the error quotes the file's text %q: %s", tt.name, part, msg)
			}
		}
		if !strings.Contains(msg, tt.at) {
			t.Errorf("%s: the error does not give the position %q: %s", tt.name, tt.at, msg)
		}
		if !strings.Contains(msg, "byte ") {
			t.Errorf("%s: the error does not give the byte offset: %s", tt.name, msg)
		}
	}
}
