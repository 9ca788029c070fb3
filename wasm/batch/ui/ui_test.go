package ui

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/wasm/batch"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// sampleMerchants are the merchants of the sample log, whose key is
// sampleKey.
var sampleMerchants = []string{"BC00013370", "ON00000097", "ON00004652", "QC00005496"}

const sampleKey = "6698851A525C9433"

// vaultKeys stands for the vault: one profile for each merchant of the
// sample log.
func vaultKeys(context.Context) ([]vault.Profile, error) {
	var ps []vault.Profile
	for _, m := range sampleMerchants {
		ps = append(ps, vault.Profile{Label: m, MerchantID: m, SignKey: sampleKey})
	}
	return ps, nil
}

func sample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/sample.log")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mount shows the page in go-app's client tester.
func mount(t *testing.T, c *Batch) app.ClientDispatcher {
	t.Helper()
	disp := app.NewClientTester(c)
	t.Cleanup(disp.Close)
	disp.Nav(&url.URL{Path: Path})
	disp.Consume()
	return disp
}

// run decodes the page's input and waits for the outcome.
func run(t *testing.T, c *Batch, disp app.ClientDispatcher) {
	t.Helper()
	c.start(disp.Context())
	disp.Consume()
	for deadline := time.Now().Add(30 * time.Second); c.running; {
		if time.Now().After(deadline) {
			t.Fatal("the decode did not finish")
		}
		disp.Wait()
		disp.Consume()
	}
}

// html is the page as rendered.
func html(c *Batch) string { return app.HTMLString(c) }

// The sample log decodes to its known outcomes, counted at the top, and
// the table shows one row per envelope.
func TestDecodeSample(t *testing.T) {
	c := New(vaultKeys)
	c.pasted = []byte(sample(t))
	disp := mount(t, c)
	run(t, c, disp)
	if c.table == nil || c.failed {
		t.Fatalf("no table; outcome %q", c.outcome)
	}
	want := batch.Counts{Verified: 40, NotVerified: 1, Failed: 2, NoData: 1}
	if got := c.table.Counts(); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if !strings.Contains(c.outcome, "44 envelopes decoded from the pasted text") {
		t.Errorf("outcome %q", c.outcome)
	}
	if !c.progress.Done || c.progress.Envelopes != 44 {
		t.Errorf("progress at the end %+v", c.progress)
	}
	// The counts head the table, one button per outcome; rows follow.
	page := html(c)
	for _, o := range batch.Outcomes {
		id := `id="count-` + strings.ReplaceAll(batch.OutcomeLabel(o), " ", "-") + `"`
		i := strings.Index(page, id)
		if i < 0 || !strings.Contains(page[i:min(i+300, len(page))], "<strong>"+strconv.Itoa(want.Of(o))+"</strong>") {
			t.Errorf("count of %s not shown as %d", batch.OutcomeLabel(o), want.Of(o))
		}
	}
	if n := strings.Count(page, "<tr class=\"outcome-"); n != 44 {
		t.Errorf("%d table rows rendered, want 44", n)
	}
	if strings.Contains(page, "6698851A525C9433") {
		t.Error("the page shows a sign key")
	}
	// Exports cover the rows shown; the JSON lines only decrypted ones.
	c.export(false)
	if c.notice != "Exported 44 rows as ottpay-batch.csv." {
		t.Errorf("CSV export: %q", c.notice)
	}
	c.export(true)
	if c.notice != "Exported 41 decrypted objects as ottpay-batch.jsonl." {
		t.Errorf("JSON lines export: %q", c.notice)
	}
	// The outcome filter keeps only the matching rows.
	c.setFilter("", report.Failed)
	disp.Consume()
	if c.table.Len() != 2 {
		t.Errorf("%d rows under the failed filter", c.table.Len())
	}
	c.setFilter("zz00000001", 0)
	if c.table.Len() != 1 || c.table.Row(0).Merchant != "ZZ00000001" {
		t.Errorf("text filter: %d rows", c.table.Len())
	}
	// Sorting by a column twice reverses it.
	c.setFilter("", 0)
	c.sortBy(batch.ColAmount)
	first := c.table.Row(0).Amount
	c.sortBy(batch.ColAmount)
	if col, desc := c.table.SortedBy(); col != batch.ColAmount || !desc || c.table.Row(c.table.Len()-1).Amount != first {
		t.Errorf("second click on amount: sorted by %v desc=%v", col, desc)
	}
	disp.Consume()
}

// The table pages PageSize rows at a time.
func TestPaging(t *testing.T) {
	var b strings.Builder
	for i := 0; i < PageSize+5; i++ {
		b.WriteString(`{"rsp_code":"FAIL","rsp_msg":"merchant does not exist"}` + "\n")
	}
	c := New(vaultKeys)
	c.pasted = []byte(b.String())
	disp := mount(t, c)
	run(t, c, disp)
	if c.table.Len() != PageSize+5 || c.table.Counts().NoData != PageSize+5 {
		t.Fatalf("%d rows, %+v", c.table.Len(), c.table.Counts())
	}
	page := html(c)
	if !strings.Contains(page, "Rows 1–100 of 105.") || strings.Count(page, "<tr class=\"outcome-") != PageSize || !strings.Contains(page, "page 1 of 2") {
		t.Errorf("first page not shown as rows 1–100 of 105")
	}
	c.page = 1 // what the next button does
	c.Update()
	disp.Consume()
	page = html(c)
	if !strings.Contains(page, "Rows 101–105 of 105.") || strings.Count(page, "<tr class=\"outcome-") != 5 {
		t.Errorf("second page not shown as rows 101–105")
	}
}

// Cancel stops a run with the rows so far and says so.
func TestCancelRun(t *testing.T) {
	c := New(vaultKeys)
	c.opts.Chunk, c.opts.Pause, c.opts.Yield = 5, 50*time.Millisecond, nil
	c.pasted = []byte(sample(t))
	disp := mount(t, c)
	c.start(disp.Context())
	if !c.running || c.cancel == nil {
		t.Fatal("not running after start")
	}
	time.Sleep(120 * time.Millisecond) // a couple of chunks, at 50 ms pauses
	c.stop(disp.Context(), app.Event{})
	for deadline := time.Now().Add(30 * time.Second); c.running; {
		if time.Now().After(deadline) {
			t.Fatal("the decode did not stop")
		}
		disp.Wait()
		disp.Consume()
	}
	if !strings.HasPrefix(c.outcome, "Cancelled: ") || c.table == nil || c.table.Total() >= 44 {
		t.Errorf("after cancel: outcome %q, %d rows", c.outcome, c.table.Total())
	}
}

// A vault that cannot give its keys stops the run with its reason; empty
// input asks for some.
func TestRefusals(t *testing.T) {
	locked := errors.New("the vault is locked: unlock it on the Keys page")
	c := New(func(context.Context) ([]vault.Profile, error) { return nil, locked })
	c.pasted = []byte(sample(t))
	disp := mount(t, c)
	run(t, c, disp)
	if !c.failed || !strings.Contains(c.outcome, locked.Error()) || c.table != nil {
		t.Errorf("locked vault: failed=%v outcome %q", c.failed, c.outcome)
	}
	c.pasted = []byte("  \n")
	c.start(disp.Context())
	if !c.failed || !strings.Contains(c.outcome, "Paste a log") || c.running {
		t.Errorf("empty input: %q", c.outcome)
	}
}

// A typed key decodes envelopes of merchants the vault does not know.
func TestTypedKey(t *testing.T) {
	c := New(func(context.Context) ([]vault.Profile, error) { return nil, nil })
	c.typedKey = "6698851A525C9433"
	c.pasted = []byte(sample(t))
	disp := mount(t, c)
	run(t, c, disp)
	if got := c.table.Counts(); got.Verified != 40 {
		t.Errorf("with a typed key: %+v", got)
	}
}

// When several profiles share a merchant_id, the key of each is tried, as
// on the Decode page: a stale profile listed first (an old key of the
// merchant, say) does not turn the merchant's messages into failures.
func TestEveryProfileOfAMerchantIsTried(t *testing.T) {
	var ps []vault.Profile
	for _, m := range sampleMerchants {
		ps = append(ps,
			vault.Profile{Label: "A old key " + m, MerchantID: m, SignKey: "FEDCBA9876543210"},
			vault.Profile{Label: "B current key " + m, MerchantID: m, SignKey: sampleKey})
	}
	c := New(func(context.Context) ([]vault.Profile, error) { return ps, nil })
	c.pasted = []byte(sample(t))
	run(t, c, mount(t, c))
	want := batch.Counts{Verified: 40, NotVerified: 1, Failed: 2, NoData: 1}
	if got := c.table.Counts(); got != want {
		t.Errorf("counts %+v, want %+v (the first profile of each merchant decided)", got, want)
	}
	// With only the stale keys, the same messages fail: the test above
	// would catch a page that took the first profile alone.
	stale := New(func(context.Context) ([]vault.Profile, error) {
		var old []vault.Profile
		for i := 0; i < len(ps); i += 2 {
			old = append(old, ps[i])
		}
		return old, nil
	})
	stale.pasted = []byte(sample(t))
	run(t, stale, mount(t, stale))
	if got := stale.table.Counts(); got.Verified != 0 {
		t.Errorf("the stale keys verified %d envelopes", got.Verified)
	}
}

// A typed key decodes the envelopes whose merchant_id has no profile; the
// merchants with profiles keep their profiles' keys.
func TestTypedKeyServesMerchantsWithoutAProfile(t *testing.T) {
	ps, _ := vaultKeys(context.Background())
	withWrongTyped := New(func(context.Context) ([]vault.Profile, error) { return ps, nil })
	withWrongTyped.typedKey = "FEDCBA9876543210"
	withWrongTyped.pasted = []byte(sample(t))
	run(t, withWrongTyped, mount(t, withWrongTyped))
	if got := withWrongTyped.table.Counts().Verified; got != 40 {
		t.Errorf("a wrong typed key changed the outcome of merchants with profiles: %d verified, want 40", got)
	}
	onlyTyped := New(nil)
	onlyTyped.typedKey = sampleKey
	onlyTyped.pasted = []byte(sample(t))
	run(t, onlyTyped, mount(t, onlyTyped))
	if got := onlyTyped.table.Counts().Verified; got != 40 {
		t.Errorf("the typed key alone verified %d envelopes, want 40", got)
	}
}
