package sandbox

import (
	"container/heap"
	"strings"
	"time"
)

// timers are the engine's due times by key ("d:" delivery, "x:" expiry,
// "a:" auto-pay), in a min-heap so that finding and taking the next costs
// O(log n) whatever the number pending. Setting a key again or removing it
// leaves a stale heap entry, skipped when it reaches the top. A delivery
// key stays in flight while its attempt runs; if it is set meanwhile
// (a resend), it waits parked until the attempt lands. The caller holds
// Server.mu.
type timers struct {
	due      map[string]time.Time
	h        timerHeap
	inflight map[string]bool
	parked   map[string]bool
}

func newTimers() *timers {
	return &timers{due: map[string]time.Time{}, inflight: map[string]bool{}, parked: map[string]bool{}}
}

func (t *timers) set(key string, at time.Time) {
	t.due[key] = at
	heap.Push(&t.h, timerEntry{key, at})
}

func (t *timers) remove(key string) { delete(t.due, key) }

func (t *timers) clear() {
	clear(t.due)
	t.h = nil
	clear(t.parked)
}

// next returns the earliest due time, dropping stale entries and parking
// keys in flight.
func (t *timers) next() (time.Time, bool) {
	for len(t.h) > 0 {
		top := t.h[0]
		at, ok := t.due[top.key]
		switch {
		case !ok || !at.Equal(top.at):
			heap.Pop(&t.h)
		case t.inflight[top.key]:
			heap.Pop(&t.h)
			t.parked[top.key] = true
		default:
			return top.at, true
		}
	}
	return time.Time{}, false
}

// take removes and returns the keys due at now; delivery keys go in flight.
func (t *timers) take(now time.Time) []string {
	var keys []string
	for {
		at, ok := t.next()
		if !ok || at.After(now) {
			return keys
		}
		e := heap.Pop(&t.h).(timerEntry)
		delete(t.due, e.key)
		if strings.HasPrefix(e.key, "d:") {
			t.inflight[e.key] = true
		}
		keys = append(keys, e.key)
	}
}

// land ends a key's flight; a key set meanwhile is queued again.
func (t *timers) land(key string) {
	delete(t.inflight, key)
	if t.parked[key] {
		delete(t.parked, key)
		if at, ok := t.due[key]; ok {
			heap.Push(&t.h, timerEntry{key, at})
		}
	}
}

type timerEntry struct {
	key string
	at  time.Time
}

type timerHeap []timerEntry

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timerEntry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
