package catalog

import (
	"encoding/json"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// TestExplainValueVectors runs testdata/explain.jsonl.
func TestExplainValueVectors(t *testing.T) {
	readVectors(t, "explain.jsonl", func(line int, raw []byte) {
		var v struct {
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
			Want  *string         `json:"want"`
		}
		if err := json.Unmarshal(raw, &v); err != nil || v.Want == nil || len(v.Value) == 0 {
			t.Fatalf("explain.jsonl:%d: a vector needs field, value and want (%v)", line, err)
		}
		val, err := valueFromJSON(v.Value)
		if err != nil {
			t.Fatalf("explain.jsonl:%d: %v", line, err)
		}
		if got := ExplainValue(v.Field, val); got != *v.Want {
			t.Errorf("explain.jsonl:%d: ExplainValue(%q, %s) = %q, want %q", line, v.Field, v.Value, got, *v.Want)
		}
	})
}

// A Field explains with its own page's facts.
func TestFieldExplain(t *testing.T) {
	f, ok := one(t, "CC_PURCHASE/elavon-converge-hosted").Field(codec.Request, "txnAmt")
	if !ok {
		t.Fatal("txnAmt not found")
	}
	if got := f.Explain(str("12345")); got != "123.45" {
		t.Errorf("txnAmt 12345 = %q, want 123.45", got)
	}
	bt, _ := one(t, "CC_PURCHASE/elavon-converge-hosted").Field(codec.Request, "biz_type")
	if got := bt.Explain(str("converge_hosted")); got != `converge_hosted (the docs' table prints it with a leading space, " converge_hosted")` {
		t.Errorf("biz_type converge_hosted = %q", got)
	}
}
