// Package benchpeer turns the outputs of interleaved benchmark runs into a
// table of per-cell medians and speed ratios.
//
// scripts/bench.sh runs, in each repetition and in rotated order, the Go
// benchmarks once (go test -bench -count 1), the peer kit's PHP and Node
// programs once, and the timed whole-process commands; each output goes to
// a file of its own. Read parses every such file, whatever produced it:
//
//   - go test -bench lines ("BenchmarkDecode/large-2  4000  252000 ns/op"),
//     for the implementation "go";
//   - the kit's "RESULT {json}" lines, for the implementation the JSON
//     names ("php-openssl", "node-crypto", ...);
//   - "CELL <cell> <impl> <seconds>" lines, as "benchtable time" prints
//     them for a whole process it timed.
//
// Every figure becomes seconds per operation in a cell such as
// "decode/large"; Summarize takes the median of each cell's repetitions.
package benchpeer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// A Sample is one measured figure: seconds per operation of one
// implementation in one cell.
type Sample struct {
	Cell string  // "encode/small", "decode/large", "batch10k", "cli/batch10k", "limit/large", ...
	Impl string  // "go", "php-openssl", "node-crypto", ...
	Secs float64 // seconds per operation
	Rep  string  // the repetition it was measured in, if known (set by the caller)
}

// goBenchCells maps go test benchmark names (without the -GOMAXPROCS
// suffix) to cells.
var goBenchCells = map[string]string{
	"BenchmarkEncode/small":   "encode/small",
	"BenchmarkEncode/medium":  "encode/medium",
	"BenchmarkEncode/large":   "encode/large",
	"BenchmarkDecode/small":   "decode/small",
	"BenchmarkDecode/medium":  "decode/medium",
	"BenchmarkDecode/large":   "decode/large",
	"BenchmarkDecodeBatch10k": "batch10k",
	"BenchmarkLimit/small":    "limit/small",
	"BenchmarkLimit/medium":   "limit/medium",
	"BenchmarkLimit/large":    "limit/large",
}

// Read parses one output file and returns its samples. Lines of no known
// form are skipped; a line of a known form that does not parse is an
// error naming the line.
func Read(r io.Reader) ([]Sample, error) {
	var out []Sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		s, ok, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}

func parseLine(line string) (Sample, bool, error) {
	switch {
	case strings.HasPrefix(line, "Benchmark"):
		f := strings.Fields(line)
		if len(f) < 4 {
			return Sample{}, false, nil // a benchmark that failed prints its name alone
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		cell, ok := goBenchCells[name]
		if !ok {
			return Sample{}, false, nil
		}
		for i := 2; i+1 < len(f); i++ {
			if f[i+1] == "ns/op" {
				ns, err := strconv.ParseFloat(f[i], 64)
				if err != nil || ns <= 0 {
					return Sample{}, false, fmt.Errorf("%s: bad ns/op %q", f[0], f[i])
				}
				return Sample{Cell: cell, Impl: "go", Secs: ns / 1e9}, true, nil
			}
		}
		return Sample{}, false, fmt.Errorf("%s: no ns/op figure", f[0])
	case strings.HasPrefix(line, "RESULT "):
		var r struct {
			Op          string   `json:"op"`
			Cls         string   `json:"cls"`
			Impl        string   `json:"impl"`
			OpsS        *float64 `json:"ops_s"`
			SecsPerPass *float64 `json:"secs_per_pass"`
		}
		if err := json.Unmarshal([]byte(line[len("RESULT "):]), &r); err != nil {
			return Sample{}, false, fmt.Errorf("RESULT: %v", err)
		}
		switch {
		case r.Impl == "":
			return Sample{}, false, fmt.Errorf("RESULT without impl")
		case r.Op == "batch" && r.SecsPerPass != nil && *r.SecsPerPass > 0:
			return Sample{Cell: "batch10k", Impl: r.Impl, Secs: *r.SecsPerPass}, true, nil
		case (r.Op == "encode" || r.Op == "decode") && r.Cls != "" && r.OpsS != nil && *r.OpsS > 0:
			return Sample{Cell: r.Op + "/" + r.Cls, Impl: r.Impl, Secs: 1 / *r.OpsS}, true, nil
		}
		return Sample{}, false, fmt.Errorf("RESULT of no known cell: %s", line)
	case strings.HasPrefix(line, "CELL "):
		f := strings.Fields(line)
		if len(f) != 4 {
			return Sample{}, false, fmt.Errorf("CELL line needs cell, impl and seconds: %q", line)
		}
		secs, err := strconv.ParseFloat(f[3], 64)
		if err != nil || secs <= 0 {
			return Sample{}, false, fmt.Errorf("CELL: bad seconds %q", f[3])
		}
		return Sample{Cell: f[1], Impl: f[2], Secs: secs}, true, nil
	}
	return Sample{}, false, nil
}

// Median returns the median of xs (the mean of the middle two for an even
// count), or 0 for none. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// A Summary holds the median seconds per operation of every (cell,
// implementation) pair and how many repetitions each median is of.
type Summary struct {
	secs map[[2]string]float64
	n    map[[2]string]int
	reps map[[2]string]map[string][]float64 // (cell, impl) -> repetition -> figures
}

// Summarize groups samples by cell and implementation and takes medians.
func Summarize(samples []Sample) *Summary {
	all := map[[2]string][]float64{}
	sum := &Summary{secs: map[[2]string]float64{}, n: map[[2]string]int{}, reps: map[[2]string]map[string][]float64{}}
	for _, s := range samples {
		k := [2]string{s.Cell, s.Impl}
		all[k] = append(all[k], s.Secs)
		if s.Rep != "" {
			if sum.reps[k] == nil {
				sum.reps[k] = map[string][]float64{}
			}
			sum.reps[k][s.Rep] = append(sum.reps[k][s.Rep], s.Secs)
		}
	}
	for k, xs := range all {
		sum.secs[k] = Median(xs)
		sum.n[k] = len(xs)
	}
	return sum
}

// Median returns the median seconds per operation of impl in cell and
// the number of samples it is the median of (0 when there are none).
func (s *Summary) Median(cell, impl string) (secs float64, n int) {
	k := [2]string{cell, impl}
	return s.secs[k], s.n[k]
}

// Ratio returns how many times faster impl is than peer in cell (the
// peer's median time over impl's), and false when either is missing.
func (s *Summary) Ratio(cell, impl, peer string) (float64, bool) {
	a, na := s.Median(cell, impl)
	b, nb := s.Median(cell, peer)
	if na == 0 || nb == 0 {
		return 0, false
	}
	return b / a, true
}

// PairedRatio returns the median, lowest and highest over the
// repetitions of how many times faster impl is than peer in cell within
// the same repetition (the two measured minutes apart at most, where the
// ratio of the overall medians may pair a quiet minute with a busy one),
// and the number of repetitions that measured both.
func (s *Summary) PairedRatio(cell, impl, peer string) (median, lo, hi float64, n int) {
	return s.paired([2]string{cell, impl}, [2]string{cell, peer})
}

// PairedShare is PairedRatio between two cells of one implementation: the
// median (and range) over the repetitions of how many times faster impl
// is in cell than in other, as a fraction (0.4 when cell takes 2.5 times
// as long as other).
func (s *Summary) PairedShare(cell, other, impl string) (median, lo, hi float64, n int) {
	return s.paired([2]string{cell, impl}, [2]string{other, impl})
}

func (s *Summary) paired(ka, kb [2]string) (median, lo, hi float64, n int) {
	a, b := s.reps[ka], s.reps[kb]
	var rs []float64
	for rep, xs := range a {
		if ys, ok := b[rep]; ok {
			rs = append(rs, Median(ys)/Median(xs))
		}
	}
	if len(rs) == 0 {
		return 0, 0, 0, 0
	}
	sort.Float64s(rs)
	return Median(rs), rs[0], rs[len(rs)-1], len(rs)
}

// Row names one line of the table: a cell and how to label it.
type Row struct {
	Cell, Label string
}

// Rows are the cells of the codec table, in the order printed.
var Rows = []Row{
	{"encode/small", "encode small (~200 B)"},
	{"encode/medium", "encode medium (~2 KB)"},
	{"encode/large", "encode large (~64 KB)"},
	{"decode/small", "decode small"},
	{"decode/medium", "decode medium"},
	{"decode/large", "decode large"},
	{"batch10k", "decode batch 10k (in-process)"},
	{"cli/batch10k", "ottpay decode 10k (process)"},
}

// Table writes the medians of impl and of each peer per row, the ratios
// impl/peer of those medians (how many times faster impl is), and the
// paired ratios (see PairedRatio), in Markdown. Rows with no figure for
// impl are left out.
func (s *Summary) Table(w io.Writer, impl string, peers []string) error {
	var b strings.Builder
	b.WriteString("| cell | " + impl)
	for _, p := range peers {
		b.WriteString(" | " + p)
	}
	for _, p := range peers {
		b.WriteString(" | " + impl + " / " + p)
	}
	for _, p := range peers {
		b.WriteString(" | paired " + impl + " / " + p + " (range)")
	}
	b.WriteString(" | reps |\n|---|---")
	for range peers {
		b.WriteString("|---|---|---")
	}
	b.WriteString("|---|\n")
	for _, r := range Rows {
		secs, n := s.Median(r.Cell, impl)
		if n == 0 {
			continue
		}
		b.WriteString("| " + r.Label + " | " + Duration(secs))
		for _, p := range peers {
			ps, pn := s.Median(r.Cell, p)
			if pn == 0 {
				b.WriteString(" | -")
				continue
			}
			b.WriteString(" | " + Duration(ps))
		}
		for _, p := range peers {
			if x, ok := s.Ratio(r.Cell, impl, p); ok {
				b.WriteString(" | " + strconv.FormatFloat(x, 'f', 2, 64) + "x")
			} else {
				b.WriteString(" | -")
			}
		}
		for _, p := range peers {
			if m, lo, hi, k := s.PairedRatio(r.Cell, impl, p); k > 0 {
				b.WriteString(" | " + strconv.FormatFloat(m, 'f', 2, 64) + "x (" + strconv.FormatFloat(lo, 'f', 2, 64) + "–" + strconv.FormatFloat(hi, 'f', 2, 64) + ")")
			} else {
				b.WriteString(" | -")
			}
		}
		b.WriteString(" | " + strconv.Itoa(n) + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Duration formats seconds with three significant digits in the unit
// that suits them (ns, µs, ms or s).
func Duration(secs float64) string {
	switch {
	case secs < 1e-6:
		return strconv.FormatFloat(secs*1e9, 'f', digits(secs*1e9), 64) + " ns"
	case secs < 1e-3:
		return strconv.FormatFloat(secs*1e6, 'f', digits(secs*1e6), 64) + " µs"
	case secs < 1:
		return strconv.FormatFloat(secs*1e3, 'f', digits(secs*1e3), 64) + " ms"
	}
	return strconv.FormatFloat(secs, 'f', digits(secs), 64) + " s"
}

// digits is the number of decimals that leaves three significant digits
// of x (at least 1 and under 1000).
func digits(x float64) int {
	switch {
	case x >= 100:
		return 0
	case x >= 10:
		return 1
	}
	return 2
}
