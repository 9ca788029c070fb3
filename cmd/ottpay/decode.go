package main

import (
	"flag"
	"io"
	"runtime"
	"strconv"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// cmdDecode implements "ottpay decode".
func cmdDecode(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "stdin is exactly one HTTP body")
	var kf keyFlags
	kf.register(fs)
	if status, done := parseFlags(fs, args, stdout, stderr); done {
		return status
	}
	keys, kerr := kf.resolve(getenv, stderr)
	if kerr != nil {
		return kerr.report(stderr)
	}
	if *strict {
		return decodeStrict(stdin, stdout, stderr, keys)
	}
	if runtime.GOMAXPROCS(0) <= 2 && getenv("GOMAXPROCS") == "" {
		// On two cores the pipeline's hand-offs between threads, and the
		// collector's workers on the idle one, cost more than a second
		// core gives: the 10,000-callback file took 0.15 s and 0.23 s of
		// CPU with two, 0.10 s and 0.10 s of CPU with one. (GOMAXPROCS
		// set in the environment is left as it is. GOMAXPROCS(0), not
		// NumCPU: it follows a container's CPU limit.)
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	}
	workers := runtime.GOMAXPROCS(0)
	// Batches of 32 envelopes, each batch at most 64 KB of text and one
	// envelope (see decodeStream).
	st, err := decodeStream(stdin, stdout, keys, workers, 128*workers)
	if err != nil {
		return failf(stderr, exitFailed, err.Error(), "")
	}
	return st.status(stderr)
}

// decodeStrict decodes stdin as exactly one HTTP body.
func decodeStrict(stdin io.Reader, stdout, stderr io.Writer, keys report.Keys) int {
	body, err := io.ReadAll(io.LimitReader(stdin, codec.MaxMessageSize+1))
	if err != nil {
		return failf(stderr, exitFailed, "cannot read stdin: "+err.Error(), "")
	}
	r := report.DecodeBody(body, keys)
	line := append(r.AppendJSON(nil), '\n')
	if _, err := stdout.Write(line); err != nil {
		return failf(stderr, exitFailed, "cannot write the report: "+err.Error(), "")
	}
	var st streamStats
	st.add(r.Outcome(), r.Line, r.Error)
	return st.status(stderr)
}

// streamStats counts the outcomes of a decode.
type streamStats struct {
	reports, failed, unverified int
	// The first failure and the first unverified md5, for the stderr line.
	firstFailed, firstUnverified     string
	firstFailedAt, firstUnverifiedAt int
	maxInFlight                      int // most envelopes held at once
}

func (st *streamStats) add(o report.Outcome, line int, errText string) {
	st.reports++
	switch o {
	case report.Failed:
		if st.failed == 0 {
			st.firstFailed, st.firstFailedAt = errText, line
		}
		st.failed++
	case report.NotVerified:
		if st.unverified == 0 {
			st.firstUnverified, st.firstUnverifiedAt = errText, line
		}
		st.unverified++
	}
}

// status prints the one stderr line the outcome calls for and returns the
// exit status.
func (st *streamStats) status(stderr io.Writer) int {
	switch {
	case st.reports == 0:
		nf := report.NoEnvelope()
		return failf(stderr, exitFailed, nf.Error, "")
	case st.failed > 0:
		return failf(stderr, exitFailed, summary(st.failed, st.reports, "could not be decoded", st.firstFailedAt)+st.firstFailed, "")
	case st.unverified > 0:
		return failf(stderr, exitUnverified, summary(st.unverified, st.reports, "did not verify", st.firstUnverifiedAt)+st.firstUnverified, "")
	}
	return exitOK
}

// summary prefixes the first problem's message with where it was and how
// many envelopes had the problem.
func summary(n, total int, what string, line int) string {
	s := ""
	if n > 1 {
		s = strconv.Itoa(n) + " of " + strconv.Itoa(total) + " envelopes " + what + "; the first"
		if line > 0 {
			s += ", on line " + strconv.Itoa(line)
		}
		return s + ": "
	}
	if line > 0 {
		s = "line " + strconv.Itoa(line) + ": "
	}
	return s
}
