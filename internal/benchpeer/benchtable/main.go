// Command benchtable is the measuring half of scripts/bench.sh.
//
//	benchtable time -cell C -impl I -in FILE [-lines N] -- COMMAND [ARG...]
//
// runs COMMAND once with FILE as its standard input, counts the lines of
// its standard output (which must be N when N > 0) and prints
// "CELL C I <seconds>", the wall-clock time of the whole process.
//
//	benchtable table DIR
//
// reads every DIR/*.txt (go test -bench output, the peer kit's RESULT
// lines, CELL lines; a file's name up to its first dot names the
// repetition), takes the median of each cell's repetitions and
// prints the Go codec against the PHP and Node peers, and decode of the
// large class against the MD5 + AES-ECB floor measured in the same run.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ottpay-toolkit/ottpay/internal/benchpeer"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable time|table ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "time":
		err = timeCmd(os.Args[2:], os.Stdout)
	case "table":
		if len(os.Args) != 3 {
			err = fmt.Errorf("usage: benchtable table DIR")
		} else {
			err = table(os.Args[2], os.Stdout)
		}
	default:
		err = fmt.Errorf("unknown subcommand %q: time or table", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// lineCounter counts newlines written to it.
type lineCounter struct{ n int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

func timeCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("time", flag.ContinueOnError)
	cell := fs.String("cell", "", "cell name, such as cli/batch10k")
	impl := fs.String("impl", "", "implementation name, such as go or php-openssl")
	in := fs.String("in", "", "file given as standard input")
	lines := fs.Int("lines", 0, "lines the command must print (0: any)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	argv := fs.Args()
	if *cell == "" || *impl == "" || *in == "" || len(argv) == 0 {
		return fmt.Errorf("usage: benchtable time -cell C -impl I -in FILE [-lines N] -- COMMAND [ARG...]")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	var stderr bytes.Buffer
	counter := &lineCounter{}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, counter, &stderr
	t0 := time.Now()
	err = cmd.Run()
	secs := time.Since(t0).Seconds()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", argv[0], err, bytes.TrimSpace(stderr.Bytes()))
	}
	if *lines > 0 && counter.n != *lines {
		return fmt.Errorf("%s printed %d lines, want %d", argv[0], counter.n, *lines)
	}
	_, err = fmt.Fprintf(out, "CELL %s %s %.6f\n", *cell, *impl, secs)
	return err
}

func table(dir string, out io.Writer) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	var all []benchpeer.Sample
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		s, err := benchpeer.Read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		// rep3.go.txt: the figures of repetition rep3.
		rep, _, _ := strings.Cut(filepath.Base(name), ".")
		for i := range s {
			s[i].Rep = rep
		}
		all = append(all, s...)
	}
	if len(all) == 0 {
		return fmt.Errorf("no figures in %s/*.txt", dir)
	}
	sum := benchpeer.Summarize(all)
	w := bufio.NewWriter(out)
	fmt.Fprintln(w, "Medians of the interleaved repetitions; a ratio is how many times faster the Go codec is (peer time / Go time);")
	fmt.Fprintln(w, "a paired ratio is the median (and range) of the ratios within each repetition, the two sides measured at most a minute apart.")
	fmt.Fprintln(w)
	if err := sum.Table(w, "go", []string{"php-openssl", "node-crypto"}); err != nil {
		return err
	}
	for _, cls := range []string{"small", "medium", "large"} {
		lim, nl := sum.Median("limit/"+cls, "go")
		m, lo, hi, n := sum.PairedShare("decode/"+cls, "limit/"+cls, "go")
		if nl == 0 || n == 0 {
			continue
		}
		fmt.Fprintf(w, "\ndecode %s: the Go codec runs at %.0f%% (%.0f%%–%.0f%%, paired over %d repetitions) of the MD5 + AES-128-ECB floor (crypto/md5 over the plaintext and crypto/aes over the ciphertext alone: median %s)",
			cls, 100*m, 100*lo, 100*hi, n, benchpeer.Duration(lim))
	}
	fmt.Fprintln(w)
	return w.Flush()
}
