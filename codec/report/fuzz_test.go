package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// FuzzDecodeAll checks that any pasted text gives at least one report,
// that every report is valid JSON carrying the contract members, and that
// no report ever contains a sign key.
func FuzzDecodeAll(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add([]byte(v.Envelope))
		f.Add([]byte("2024-01-01 INFO body=" + v.Envelope + "\n" + v.Envelope))
	}
	f.Add([]byte(`{"rsp_code":"FAIL","rsp_msg":"x"}`))
	f.Add([]byte(`{"rep_code":"SUCCESS","rsp_msg":"ok","data":"AAAA","md5":"00"}`))
	f.Add([]byte("curl -d '{\"action\":\"A\",\"version\":\"1.0\",\"merchant_id\":\"M\",\"data\":\"\",\"md5\":\"\"}'"))
	f.Add([]byte{})
	const key1, key2 = "A8B5FE540E38A5A9", "6698851A525C9433"
	keys := report.Keys{Key: key2, ByMerchant: map[string]string{"ON00004652": key1}}
	f.Fuzz(func(t *testing.T, text []byte) {
		rs := report.DecodeAll(text, keys)
		if len(rs) == 0 {
			t.Fatal("no report")
		}
		for _, r := range rs {
			b := r.AppendJSON(nil)
			if !json.Valid(b) {
				t.Fatalf("invalid JSON report: %s", b)
			}
			names := memberNames(t, b)
			if len(names) < len(contractMembers) {
				t.Fatalf("report lacks contract members: %s", b)
			}
			if !bytes.Contains(text, []byte(key1)) && bytes.Contains(b, []byte(key1)) ||
				!bytes.Contains(text, []byte(key2)) && bytes.Contains(b, []byte(key2)) {
				t.Fatalf("report leaks a sign key: %s", b)
			}
			if r.Outcome() == report.Failed && r.Error == "" {
				t.Fatalf("failed report without an error: %s", b)
			}
		}
	})
}
