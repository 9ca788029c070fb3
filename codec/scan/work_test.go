package scan

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// The scan is linear: these tests count its work (bytes examined and parse
// attempts, see scanner.work) on one-line inputs built to make a careless
// scanner quadratic, one for every construct the scanner looks for, and
// check that the count grows in proportion to the input. They count, not
// time, so that they cannot flake.

// Bounds proven by the tests below and stated in the package doc.
const (
	// workPerByte bounds the work of a scan per byte of input. Most of
	// it is for envelope candidates nested in one another, each of which
	// the envelope parser reads down to codec.MaxDepth levels: a byte may
	// be read once for each of the codec.MaxDepth candidates around it.
	workPerByte = 96
	// plainWorkPerByte bounds it for inputs without nested candidates.
	plainWorkPerByte = 20
	// allocPerByte bounds the bytes a scan allocates per byte of input,
	// findings included, beyond allocSlack. Envelope candidates nested in
	// one another (marked nested in testdata/hostile.json) are bound by
	// nestedAllocPerByte instead: the envelope parser, which allocates
	// about 9 bytes for each byte it reads, reads a byte once for each of
	// the codec.MaxDepth candidates around it.
	allocPerByte       = 96
	nestedAllocPerByte = 10 * codec.MaxDepth
	allocSlack         = 64 << 10
	// growth bounds count(4n)/count(n): linear work gives 4.
	growth = 4.5
	// A Reader scans again an unfinished construct once the text after
	// it is an eighth of it, or, from a source that has no more at once,
	// on every line while the text read pays quickCredit per byte for it:
	// its work per byte is Scan's and that. Its retries come at doubling
	// sizes, so count(4n) may be up to twice 4.5 times count(n).
	readerWorkPerByte = workPerByte + quickCredit + 32
	readerGrowth      = 2 * growth
)

// hostile is one input of testdata/hostile.json: head, then unit repeated,
// then tail (and close as many times as unit), on one line unless unit
// holds line breaks.
type hostile struct {
	Name string `json:"name"`
	Why  string `json:"why"`
	Head string `json:"head"`
	Unit string `json:"unit"`
	// Close, if set, follows the tail as many times as the unit came,
	// closing the units around it.
	Close string `json:"close"`
	Tail  string `json:"tail"`
	// Nested marks envelope candidates nested in one another.
	Nested bool `json:"nested"`
}

func loadHostile(t testing.TB) []hostile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hostile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hs []hostile
	if err := json.Unmarshal(b, &hs); err != nil {
		t.Fatal(err)
	}
	if len(hs) < 40 {
		t.Fatalf("testdata/hostile.json holds %d inputs; it should hold one for every trigger", len(hs))
	}
	return hs
}

// input returns the hostile input of about size bytes.
func (h hostile) input(size int) []byte {
	n := max(1, (size-len(h.Head)-len(h.Tail))/(len(h.Unit)+len(h.Close)))
	return []byte(h.Head + strings.Repeat(h.Unit, n) + h.Tail + strings.Repeat(h.Close, n))
}

// scanWork scans in as Scan does and returns the work it counted.
func scanWork(in []byte) (work int, found []Found) {
	s := newScanner(codec.ParseEnvelope)
	s.top(in, 0, 0, true, true)
	s.number(in, 0, 0, 0)
	return s.work, s.out
}

// readerWork reads src through a Reader and returns the work it counted.
func readerWork(t *testing.T, src io.Reader) (work int, found []Found) {
	t.Helper()
	r := newReader(src, DefaultBufferSize, codec.ParseEnvelope)
	for {
		f, err := r.Next()
		if err == io.EOF {
			return r.s.work, found
		}
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, f)
	}
}

// allocated returns the bytes allocated by f.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const (
	smallSize = 64 << 10
	largeSize = 4 * smallSize
)

// checkLinear checks counts measured at smallSize and largeSize: the
// large count is at most grow times the small one, and both are at most
// perByte per byte.
func checkLinear(t *testing.T, what string, small, large, nSmall, nLarge int, grow float64, perByte int) {
	t.Helper()
	if float64(large) > grow*float64(small) {
		t.Errorf("%s: %d at %d bytes, %d at %d bytes: it grows %.1f times for 4 times the input, more than %.1f",
			what, small, nSmall, large, nLarge, float64(large)/float64(small), grow)
	}
	if small > perByte*nSmall || large > perByte*nLarge {
		t.Errorf("%s: %d at %d bytes and %d at %d bytes, more than %d per byte",
			what, small, nSmall, large, nLarge, perByte)
	}
}

// Scan does work in proportion to its input on every hostile input.
func TestScanWorkIsLinear(t *testing.T) {
	for _, h := range loadHostile(t) {
		t.Run(h.Name, func(t *testing.T) {
			small, large := h.input(smallSize), h.input(largeSize)
			ws, _ := scanWork(small)
			wl, _ := scanWork(large)
			t.Logf("%s: work %d at %d bytes (%.2f/byte), %d at %d bytes (%.2f/byte)", h.Name,
				ws, len(small), float64(ws)/float64(len(small)), wl, len(large), float64(wl)/float64(len(large)))
			perByte := workPerByte
			if !h.Nested {
				perByte = plainWorkPerByte
			}
			checkLinear(t, "work", ws, wl, len(small), len(large), growth, perByte)
		})
	}
}

// A Reader does work in proportion to its input on every hostile input,
// whether the input comes at once or one byte at a time, as from a pipe
// written to slowly.
func TestReaderWorkIsLinear(t *testing.T) {
	for _, h := range loadHostile(t) {
		t.Run(h.Name, func(t *testing.T) {
			small, large := h.input(smallSize), h.input(largeSize)
			ws, _ := readerWork(t, bytes.NewReader(small))
			wl, _ := readerWork(t, bytes.NewReader(large))
			checkLinear(t, "Reader work", ws, wl, len(small), len(large), readerGrowth, readerWorkPerByte)
			ws, _ = readerWork(t, iotest.OneByteReader(bytes.NewReader(small)))
			wl, _ = readerWork(t, iotest.OneByteReader(bytes.NewReader(large)))
			checkLinear(t, "Reader work, one byte at a time", ws, wl, len(small), len(large), readerGrowth, readerWorkPerByte)
		})
	}
}

// Scan allocates memory in proportion to its input on every hostile input.
func TestScanMemoryIsLinear(t *testing.T) {
	for _, h := range loadHostile(t) {
		t.Run(h.Name, func(t *testing.T) {
			small, large := h.input(smallSize), h.input(largeSize)
			as := allocated(func() { Scan(small) })
			al := allocated(func() { Scan(large) })
			t.Logf("%s: %d bytes allocated for %d bytes, %d for %d", h.Name, as, len(small), al, len(large))
			perByte := allocPerByte
			if h.Nested {
				perByte = nestedAllocPerByte
			}
			for _, c := range []struct {
				alloc uint64
				n     int
			}{{as, len(small)}, {al, len(large)}} {
				if c.alloc > uint64(perByte*c.n+allocSlack) {
					t.Errorf("%d bytes allocated to scan %d bytes, more than %d per byte", c.alloc, c.n, perByte)
				}
			}
			// Slices grow by doubling, so count(4n) may be up to twice
			// 4.5 times count(n).
			if float64(al) > 2*growth*float64(as)+allocSlack {
				t.Errorf("%d bytes allocated for %d bytes, %d for %d: more than %.1f times for 4 times the input",
					as, len(small), al, len(large), 2*growth)
			}
		})
	}
}

// A real envelope at the end of a long hostile line is still found, by
// Scan and by a Reader, at the same cost. It follows "; ", which ends a
// shell command: an envelope that is an argument of a curl command with
// data (curl -d x {...}) is part of the command, not the data, and is not
// searched.
func TestEnvelopeAfterHostileLine(t *testing.T) {
	env := testEnvelopes(t)[0]
	for _, h := range loadHostile(t) {
		t.Run(h.Name, func(t *testing.T) {
			line := h.input(largeSize)
			in := append(append(append([]byte{}, line...), "; "...), env...)
			w, got := scanWork(in)
			if !foundRaw(got, env) {
				t.Errorf("the envelope after the line is not found; findings:\n%s", describe(in, got))
			}
			checkLinear(t, "work with the envelope", w, w, len(in), len(in), growth, workPerByte)
			_, fromReader := readerWork(t, bytes.NewReader(in))
			sameFindings(t, "Reader", fromReader, got)
		})
	}
}

func foundRaw(got []Found, raw []byte) bool {
	for _, f := range got {
		if bytes.Equal(f.Raw, raw) && f.Envelope != nil {
			return true
		}
	}
	return false
}

// BenchmarkScanHostileTable scans every input of testdata/hostile.json at
// 256 KiB: its MB/s must stay of the order of BenchmarkScan's.
func BenchmarkScanHostileTable(b *testing.B) {
	for _, h := range loadHostile(b) {
		in := h.input(largeSize)
		b.Run(h.Name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				Scan(in)
			}
		})
	}
}
