package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// S5: every callback the sandbox delivers, for every action variant that
// calls back and under every sender rule, passes callback.Parse with the
// order's facts; a variant whose request has no callback URL (the mobile
// card channels) gets no callback.
func TestCallbacksParse(t *testing.T) {
	reqs := loadRequests(t)
	keys := callback.KeyMap(merchants())
	for _, rule := range []codec.Rule{codec.RuleStrings, codec.RuleJS, codec.RulePHP, codec.RuleJava} {
		t.Run(string(rule), func(t *testing.T) {
			rc := newReceiver(t, acking)
			sb := start(t, sandbox.Options{Rule: rule})
			want := map[string]bool{} // order id -> expects a callback
			for i, a := range catalog.Actions() {
				if len(a.Callback) == 0 {
					continue
				}
				id := fmt.Sprintf("CB%s%02d", strings.ToUpper(string(rule[:2])), i)
				text := strings.NewReplacer("{{order}}", id, "{{merchant}}", merchant, "{{callback}}", rc.URL()).Replace(string(reqs[a.ID()]))
				data, err := codec.ParseObject([]byte(text))
				if err != nil {
					t.Fatal(err)
				}
				wantCode(t, call(t, sb, a.Name, data), "SUCCESS")
				if _, err := sb.Pay(id); err != nil {
					t.Fatalf("%s: Pay: %v", a.ID(), err)
				}
				want[id] = strings.Contains(text, rc.URL())
			}
			n := 0
			for _, ok := range want {
				if ok {
					n++
				}
			}
			// ACTIVEPAY (2), H5PAY, MAPPPAY, PREPAY_INIT, and the card
			// variants whose request carries backUrl (2 each).
			if n != 9 {
				t.Fatalf("%d variants have a callback URL, want 9", n)
			}
			eventually(t, 10*time.Second, "every callback arrives", func() bool { return rc.count() == n })
			settled(t, sb, 10*time.Second)
			seen := map[string]bool{}
			for _, h := range rc.all() {
				note, err := callback.Parse(h.body, keys)
				if err != nil {
					t.Fatalf("callback.Parse: %v\n%s", err, h.body)
				}
				o, err := sb.Order(note.OrderID)
				if err != nil && note.SaleNum != "" { // PREPAY_INIT: order_id is OTT's, sale_num the merchant's
					for id := range want {
						if oo, _ := sb.Order(id); oo.BizpayOrderID == note.OrderID {
							o, err = oo, nil
						}
					}
				}
				if err != nil {
					t.Fatalf("callback for unknown order %q", note.OrderID)
				}
				seen[o.ID] = true
				if note.MerchantID != merchant || note.Amount != 1000 || note.FinishTime == "" || note.BizpayOrderID != o.BizpayOrderID {
					t.Errorf("%s: notification %+v", o.ID, note)
				}
				// Numbers need a sender rule; with integers alone js and php
				// (1000) and cryptojs and java (1000.0) agree, and the first
				// that verifies is named.
				if wantRule := map[codec.Rule]codec.Rule{codec.RuleStrings: codec.RuleStrings, codec.RuleJS: codec.RuleJS,
					codec.RulePHP: codec.RuleJS, codec.RuleJava: codec.RuleCryptoJS}[rule]; note.Rule != wantRule {
					t.Errorf("%s: verified under %q, want %q for a %s sender", o.ID, note.Rule, wantRule, rule)
				}
			}
			for id, ok := range want {
				if seen[id] != ok {
					t.Errorf("order %s: callback %v, want %v", id, seen[id], ok)
				}
			}
		})
	}
}
