package callback

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// The typed fields are the catalogue's callback fields, under the same
// names and alternative spellings, and exactly its amounts in cents are
// typed as pay.Cents.
func TestFieldsAreTheCatalogue(t *testing.T) {
	doc := catalog.CallbackAction().Fields(codec.Callback)
	if len(doc) != len(fields) {
		t.Fatalf("the catalogue lists %d callback fields, the package types %d", len(doc), len(fields))
	}
	for i, d := range doc {
		f := fields[i]
		if f.name != d.Name || strings.Join(f.aliases, ",") != strings.Join(d.Aliases, ",") {
			t.Errorf("field %d: %s %q, catalogue %s %q", i, f.name, f.aliases, d.Name, d.Aliases)
		}
		if f.cents != (d.Unit == catalog.UnitCents) {
			t.Errorf("%s: typed as cents %v, catalogue unit %q", f.name, f.cents, d.Unit)
		}
		// Every field lands in the Notification, under its name and each
		// alias.
		for _, name := range append([]string{d.Name}, d.Aliases...) {
			var o codec.Object
			o.SetString(name, "7")
			n, err := notification(&o)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			set := 0
			for _, v := range typedFields(n) {
				if v == "7" {
					set++
				}
			}
			if set != 1 {
				t.Errorf("%s = \"7\" set %d typed fields, want 1: %q", name, set, typedFields(n))
			}
		}
	}
}

func typedFields(c *Notification) []string {
	return []string{c.MerchantID, c.OrderID, c.OrderStatus, c.BizpayOrderID, c.SaleNum, c.Reference,
		c.Remarks, c.SubOpenID, c.ExchangeRate, c.FinishTime, c.Amount.String(), c.Tip.String(), c.ConvenienceFee.String()}
}

// Amounts: a string of digits as the docs say, or a JSON number whose
// value is whole cents as Java and JavaScript senders write it.
func TestAmounts(t *testing.T) {
	for _, c := range []struct {
		v    codec.Value
		want pay.Cents
		ok   bool
	}{
		{codec.Value{Kind: codec.KindString, Text: "300"}, 300, true},
		{codec.Value{Kind: codec.KindString, Text: ""}, 0, true},
		{codec.Value{Kind: codec.KindNull, Text: "null"}, 0, true},
		{codec.Value{Kind: codec.KindString, Text: "3.00"}, 0, false},
		{codec.Value{Kind: codec.KindString, Text: "-3"}, 0, false},
		{codec.Value{Kind: codec.KindString, Text: " 3"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "300"}, 300, true},
		{codec.Value{Kind: codec.KindNumber, Text: "300.0"}, 300, true},
		{codec.Value{Kind: codec.KindNumber, Text: "3.00E2"}, 300, true},
		{codec.Value{Kind: codec.KindNumber, Text: "1.0E7"}, 10000000, true},
		{codec.Value{Kind: codec.KindNumber, Text: "30000e-2"}, 300, true},
		{codec.Value{Kind: codec.KindNumber, Text: "0"}, 0, true},
		{codec.Value{Kind: codec.KindNumber, Text: "0.0E-999"}, 0, true},
		{codec.Value{Kind: codec.KindNumber, Text: "3.5"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "-3"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "1E18"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "1E999"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "1E-999"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "1E9999"}, 0, false},
		{codec.Value{Kind: codec.KindNumber, Text: "999999999999999999"}, 999999999999999999, true},
		{codec.Value{Kind: codec.KindBool, Text: "true"}, 0, false},
		{codec.Value{Kind: codec.KindObject, Text: "{}"}, 0, false},
	} {
		f := &fields[lookupField("amount")]
		got, err := f.centsOf(c.v)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%s %s: %d, %v; want %d, ok %v", c.v.Kind, c.v.Text, got, err, c.want, c.ok)
		}
	}
}

// clean leaves printable text alone and escapes everything that could
// break a log line or rewrite a terminal; it bounds the length.
func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"order 42 可以":          "order 42 可以",
		"a\nb\r\x1b[2Jc\x00":   `a\nb\r\x1b[2Jc\x00`,
		"\xff\xfe":             `\xff\xfe`,
		"rtl\u202eevil\u2028x": `rtl\u202eevil\u2028x`,
		"del\x7f and c1\u0085": `del\x7f and c1\u0085`,
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	long := clean(strings.Repeat("\x1b", 100000))
	// At most maxLogText bytes of input, each written as at most 4.
	if len(long) > 4*maxLogText+3 || !strings.HasSuffix(long, "...") {
		t.Errorf("clean of 100000 escapes gave %d bytes", len(long))
	}
}

// The memory deduper holds at most max keys, forgetting the oldest first,
// whatever the length of the keys.
func TestMemoryDeduperIsBounded(t *testing.T) {
	ctx := context.Background()
	d := NewMemoryDeduper(3).(*memoryDeduper)
	key := func(i int) Key {
		return Key{MerchantID: "M", OrderID: strings.Repeat("x", 10000) + string(rune('a'+i))}
	}
	for i := range 5 {
		if err := d.MarkHandled(ctx, key(i)); err != nil {
			t.Fatal(err)
		}
		d.MarkHandled(ctx, key(i)) // twice: no second entry
	}
	if len(d.set) != 3 || len(d.ring) != 3 {
		t.Fatalf("holds %d keys in %d slots, want 3", len(d.set), len(d.ring))
	}
	for i := range 5 {
		got, _ := d.Handled(ctx, key(i))
		if got != (i >= 2) {
			t.Errorf("key %d handled %v, want %v", i, got, i >= 2)
		}
	}
	if k := (Key{MerchantID: "ab", OrderID: "c"}); k.ID() == (Key{MerchantID: "a", OrderID: "bc"}).ID() || len(k.ID()) != 64 {
		t.Errorf("Key.ID does not separate its fields: %s", k.ID())
	}
}

// H4: ten copies of one callback at once: the function runs once, while
// the nine others wait for it, and every copy is acknowledged. If the
// function fails, every waiting copy gets its 500, and a later copy runs
// the function again.
func TestConcurrentDuplicates(t *testing.T) {
	const copies = 10
	signKey := "A8B5FE540E38A5A9"
	var o codec.Object
	o.SetString("merchant_id", "ON00004652")
	o.SetString("order_id", "C1")
	o.SetString("amount", "100")
	e := codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: "ON00004652"}
	if err := e.Seal(&o, signKey, codec.RuleStrings); err != nil {
		t.Fatal(err)
	}
	body, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}

	for _, fail := range []bool{false, true} {
		var (
			mu      sync.Mutex
			calls   int
			release = make(chan struct{})
			entered = make(chan struct{}, copies)
		)
		fn := func(context.Context, *Notification) error {
			mu.Lock()
			calls++
			mu.Unlock()
			entered <- struct{}{}
			<-release
			if fail {
				return context.DeadlineExceeded
			}
			return nil
		}
		h := NewHandler(KeyMap(map[string]string{"ON00004652": signKey}), fn, WithLogger(nil)).(*handler)
		s := httptest.NewServer(h)
		statuses := make(chan string, copies)
		var wg sync.WaitGroup
		for range copies {
			wg.Go(func() {
				resp, err := s.Client().Post(s.URL, "application/json", strings.NewReader(string(body)))
				if err != nil {
					statuses <- err.Error()
					return
				}
				defer resp.Body.Close()
				b := make([]byte, 64)
				n, _ := resp.Body.Read(b)
				statuses <- http.StatusText(resp.StatusCode) + " " + string(b[:n])
			})
		}
		<-entered
		// The function holds the first copy until the nine others wait.
		for h.waiting.Load() != copies-1 {
			select {
			case <-entered:
				t.Fatal("the function ran a second time while the first copy was in it")
			default:
			}
			runtime.Gosched()
		}
		close(release)
		wg.Wait()
		s.Close()
		close(statuses)
		want := "OK SUCCESS"
		if fail {
			want = "Internal Server Error " + bodyFailed
		}
		for st := range statuses {
			if st != want {
				t.Errorf("fail=%v: a copy got %q, want %q", fail, st, want)
			}
		}
		if calls != 1 {
			t.Errorf("fail=%v: the function ran %d times for %d copies at once, want 1", fail, calls, copies)
		}
		handled, _ := h.dedupe.Handled(context.Background(), Key{MerchantID: "ON00004652", OrderID: "C1"})
		if handled == fail {
			t.Errorf("fail=%v: marked handled %v", fail, handled)
		}
	}
}
