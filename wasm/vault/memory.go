package vault

import (
	"context"
	"maps"
	"slices"
	"sync"
)

// NewMemory returns a vault that keeps its profiles in memory only: for
// tests of the app, and for builds without a browser. It behaves like a
// vault opened from IndexedDB (passphrase, auto-lock, backups), and starts
// empty with no passphrase.
func NewMemory(opts Options) *Vault {
	return newVault(&memoryBackend{records: map[string]string{}}, opts, meta{Schema: schemaVersion})
}

// memoryBackend stores records encoded exactly as IndexedDB does, so the
// in-memory vault exercises the same encoding.
type memoryBackend struct {
	mu      sync.Mutex
	records map[string]string
	meta    string
	hasMeta bool
	closed  bool
}

func (m *memoryBackend) read(ctx context.Context) (snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return snapshot{}, ErrClosed
	}
	md, err := decodeMeta(m.meta, m.hasMeta)
	if err != nil {
		return snapshot{}, err
	}
	s := snapshot{meta: md}
	for _, id := range slices.Sorted(maps.Keys(m.records)) {
		r, err := decodeRecord(id, m.records[id])
		if err != nil {
			return snapshot{}, err
		}
		s.records = append(s.records, r)
	}
	return s, nil
}

func (m *memoryBackend) write(ctx context.Context, b batch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	stored, err := decodeMeta(m.meta, m.hasMeta)
	if err != nil {
		return err
	}
	if stored.Rev != b.expect {
		return conflict(stored.Rev, b.expect)
	}
	// Encode everything before changing anything, so a failure leaves the
	// store as it was.
	metaText, err := encodeMeta(b.meta)
	if err != nil {
		return err
	}
	texts := make([]string, len(b.put))
	for i, r := range b.put {
		if texts[i], err = encodeRecord(r); err != nil {
			return err
		}
	}
	for i, r := range b.put {
		m.records[r.ID] = texts[i]
	}
	for _, id := range b.del {
		delete(m.records, id)
	}
	m.meta, m.hasMeta = metaText, true
	return nil
}

func (m *memoryBackend) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
