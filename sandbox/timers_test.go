package sandbox

import (
	"slices"
	"testing"
	"time"
)

func TestTimers(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	tm := newTimers()
	tm.set("d:late", at(30))
	tm.set("x:mid", at(20))
	tm.set("d:early", at(10))
	tm.set("a:gone", at(5))
	tm.remove("a:gone")
	tm.set("d:late", at(15)) // rescheduled earlier: the old entry is stale
	if n, ok := tm.next(); !ok || !n.Equal(at(10)) {
		t.Fatalf("next %v %v, want +10s", n, ok)
	}
	if got := tm.take(at(16)); !slices.Equal(got, []string{"d:early", "d:late"}) {
		t.Fatalf("take(+16s) = %v", got)
	}
	if got := tm.take(at(100)); !slices.Equal(got, []string{"x:mid"}) {
		t.Fatalf("take(+100s) = %v; a stale entry came back or mid was lost", got)
	}
	// A delivery set again while in flight waits until it lands.
	tm.set("d:early", at(1))
	if got := tm.take(at(100)); len(got) != 0 {
		t.Fatalf("a key in flight was taken again: %v", got)
	}
	tm.land("d:early")
	if got := tm.take(at(100)); !slices.Equal(got, []string{"d:early"}) {
		t.Fatalf("after landing: %v", got)
	}
	tm.land("d:early")
	tm.land("d:late")
	if _, ok := tm.next(); ok || len(tm.h) != 0 {
		t.Fatalf("timers left: %v", tm.h)
	}
}
