package benchpeer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readDir reads testdata/*.txt, the outputs of three interleaved
// repetitions: go test -bench, the kit's PHP RESULT lines, CELL lines.
func readDir(t *testing.T) []Sample {
	t.Helper()
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	var all []Sample
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Read(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rep, _, _ := strings.Cut(filepath.Base(name), ".")
		for i := range s {
			s[i].Rep = rep
		}
		all = append(all, s...)
	}
	return all
}

func near(a, b float64) bool { return a > b*0.999999 && a < b*1.000001 }

func TestMediansAreTakenPerCellAndImplementation(t *testing.T) {
	sum := Summarize(readDir(t))
	for _, c := range []struct {
		cell, impl string
		secs       float64
		n          int
	}{
		{"encode/small", "go", 2000e-9, 3},         // 2000, 1000, 3000 ns
		{"decode/large", "go", 300000e-9, 3},       // 400, 200, 300 µs
		{"limit/large", "go", 100000e-9, 3},        // 100, 100, 60 µs
		{"batch10k", "go", 0.05, 1},                // 50 ms
		{"encode/small", "php-openssl", 4.5e-6, 2}, // 1/250k and 1/200k: mean of the middle two
		{"decode/large", "php-openssl", 750e-6, 2}, // 1/1000 and 1/2000
		{"batch10k", "php-openssl", 0.1, 1},        // secs_per_pass
		{"cli/batch10k", "go", 0.2, 1},
		{"cli/batch10k", "php-openssl", 0.5, 1},
	} {
		secs, n := sum.Median(c.cell, c.impl)
		if n != c.n || !near(secs, c.secs) {
			t.Errorf("%s %s: median %g s of %d samples, want %g s of %d", c.cell, c.impl, secs, n, c.secs, c.n)
		}
	}
	if _, n := sum.Median("refuse/deep100k", "go"); n != 0 {
		t.Errorf("a benchmark of no cell was read")
	}
}

func TestRatioIsPeerTimeOverOwnTime(t *testing.T) {
	sum := Summarize(readDir(t))
	for cell, want := range map[string]float64{"encode/small": 2.25, "decode/large": 2.5, "batch10k": 2, "cli/batch10k": 2.5} {
		got, ok := sum.Ratio(cell, "go", "php-openssl")
		if !ok || !near(got, want) {
			t.Errorf("%s: Go/PHP %v (%v), want %v", cell, got, ok, want)
		}
	}
	if _, ok := sum.Ratio("decode/small", "go", "php-openssl"); ok {
		t.Errorf("a ratio for a cell neither side measured")
	}
}

// A paired ratio compares the two sides within each repetition: in rep0
// Go takes 2000 ns and PHP 4 µs for encode small (2x), in rep1 1000 ns
// and 5 µs (5x); rep2 has no PHP figure and is left out.
func TestPairedRatioComparesWithinEachRepetition(t *testing.T) {
	sum := Summarize(readDir(t))
	m, lo, hi, n := sum.PairedRatio("encode/small", "go", "php-openssl")
	if n != 2 || !near(m, 3.5) || !near(lo, 2) || !near(hi, 5) {
		t.Errorf("paired encode small: median %v, range %v to %v, of %d; want 3.5, 2 to 5, of 2", m, lo, hi, n)
	}
	// The floor: limit/large over decode/large within each repetition,
	// 100/400, 100/200 and 60/300 µs.
	m, lo, hi, n = sum.PairedShare("decode/large", "limit/large", "go")
	if n != 3 || !near(m, 0.25) || !near(lo, 0.2) || !near(hi, 0.5) {
		t.Errorf("decode large against its floor: median %v, range %v to %v, of %d; want 0.25, 0.2 to 0.5, of 3", m, lo, hi, n)
	}
	if _, _, _, n := sum.PairedRatio("batch10k", "go", "node-crypto"); n != 0 {
		t.Errorf("a paired ratio with no peer figure")
	}
}

func TestTableShowsMediansRatiosAndGaps(t *testing.T) {
	var b strings.Builder
	if err := Summarize(readDir(t)).Table(&b, "go", []string{"php-openssl", "node-crypto"}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"| cell | go | php-openssl | node-crypto | go / php-openssl | go / node-crypto | paired go / php-openssl (range) | paired go / node-crypto (range) | reps |",
		"| encode small (~200 B) | 2.00 µs | 4.50 µs | - | 2.25x | - | 3.50x (2.00–5.00) | - | 3 |",
		"| decode large | 300 µs | 750 µs | - | 2.50x | - | 2.50x (2.50–2.50) | - | 3 |",
		"| ottpay decode 10k (process) | 200 ms | 500 ms | - | 2.50x | - | 2.50x (2.50–2.50) | - | 1 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "decode medium") {
		t.Errorf("a row with no Go figure is printed:\n%s", got)
	}
}

func TestMalformedLinesOfKnownFormsAreErrors(t *testing.T) {
	for _, line := range []string{
		"BenchmarkDecode/large-2  2000  fast ns/op",
		"BenchmarkDecode/large-2  2000  400 B/op  9 allocs/op",
		`RESULT {"op":"decode"`,
		`RESULT {"op":"decode","cls":"large","ops_s":0,"impl":"php-openssl"}`,
		`RESULT {"op":"decode","cls":"large","ops_s":10}`,
		"CELL cli/batch10k go",
		"CELL cli/batch10k go -1",
	} {
		if _, err := Read(strings.NewReader("PASS\n" + line + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: error %v, want one naming line 2", line, err)
		}
	}
	// Lines of no known form, and a benchmark that failed before
	// printing figures, are skipped.
	s, err := Read(strings.NewReader("ok  \tpkg\t1.2s\nphp-openssl decode large 10 ops/s\nBenchmarkDecode/large-2\n--- FAIL: BenchmarkDecode/large\n"))
	if err != nil || len(s) != 0 {
		t.Errorf("Read = %v, %v; want nothing, no error", s, err)
	}
}

func TestMedian(t *testing.T) {
	xs := []float64{5, 1, 4}
	if m := Median(xs); m != 4 {
		t.Errorf("Median(5, 1, 4) = %v, want 4", m)
	}
	if xs[0] != 5 {
		t.Errorf("Median reordered its argument: %v", xs)
	}
	if m := Median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Errorf("Median(3, 1, 2, 10) = %v, want 2.5", m)
	}
	if m := Median(nil); m != 0 {
		t.Errorf("Median() = %v, want 0", m)
	}
}
