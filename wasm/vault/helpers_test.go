package vault

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testIterations keeps key derivation fast in tests; stored data records
// the count, so the code paths are the same as with the default.
const testIterations = minIterations

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 1, 8, 16, 29, 3, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testOptions(c *fakeClock) Options {
	return Options{Now: c.Now, Iterations: testIterations}
}

// sampleProfiles are the documented sample keys, as the Keys page would
// add them (no IDs yet).
func sampleProfiles() []Profile {
	return []Profile{
		{Label: "Appendix A sample", MerchantID: "ON00004652", OperatorID: "0000020156", SignKey: "6698851A525C9433"},
		{Label: "Docs sample key", MerchantID: "QC00005496", SignKey: "A8B5FE540E38A5A9"},
		{Label: "acme uat", MerchantID: "CAMB006711", OperatorID: "0000000437", SignKey: "0123456789ABCDEF"},
	}
}

// putAll adds profiles and returns them as stored.
func putAll(t *testing.T, v *Vault, ps []Profile) []Profile {
	t.Helper()
	out := make([]Profile, len(ps))
	for i, p := range ps {
		var err error
		if out[i], err = v.Put(context.Background(), p); err != nil {
			t.Fatalf("Put(%v): %v", p, err)
		}
	}
	return out
}

// byID indexes profiles by ID.
func byID(ps []Profile) map[string]Profile {
	m := make(map[string]Profile, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

// sameProfiles fails unless got holds exactly the profiles of want (any
// order), comparing every field.
func sameProfiles(t *testing.T, got, want []Profile) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d profiles, want %d: %v", len(got), len(want), got)
	}
	g := byID(got)
	for _, w := range want {
		p, ok := g[w.ID]
		if !ok {
			t.Fatalf("profile %v is missing from %v", w, got)
		}
		if !p.sameContent(w) || !p.Created.Equal(w.Created) || !p.Updated.Equal(w.Updated) {
			t.Fatalf("profile %s: got %v (created %v, updated %v), want %v (created %v, updated %v)",
				w.ID, p, p.Created, p.Updated, w, w.Created, w.Updated)
		}
		if p.SignKey != w.SignKey {
			t.Fatalf("profile %s: sign key differs", w.ID)
		}
	}
}

// wantErr fails unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// readJSON decodes a file under testdata.
func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
