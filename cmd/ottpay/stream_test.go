package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

const testKey = "A8B5FE540E38A5A9"

// logGen produces a log of n lines without holding it in memory: every
// fourth line carries a callback whose order_id is its line number, one
// in a hundred of them sealed with another key and one in a hundred with
// its data changed after sealing, and the other lines are noise.
type logGen struct {
	n, line int
	buf     []byte
}

// envelopeLine reports whether line carries an envelope.
func envelopeLine(line int) bool { return line%4 == 1 }

// expectation for a line carrying an envelope.
type expectation int

const (
	wantVerified expectation = iota
	wantFailed
	wantUnverified
)

func expect(line int) expectation {
	switch (line / 4) % 100 {
	case 37:
		return wantFailed
	case 73:
		return wantUnverified
	}
	return wantVerified
}

// callback returns the callback envelope for a line.
func callback(line int) (string, error) {
	o := &codec.Object{}
	o.SetString("amount", strconv.Itoa(line%1000+1))
	o.SetString("merchant_id", "ON00004652")
	o.SetString("order_id", strconv.Itoa(line))
	o.SetString("remarks", "第"+strconv.Itoa(line)+"行")
	e := &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: "ON00004652", RspCodeName: "rsp_code"}
	key := testKey
	if expect(line) == wantFailed {
		key = "0000000000000000"
	}
	if err := e.Seal(o, key, codec.RuleStrings); err != nil {
		return "", err
	}
	if expect(line) == wantUnverified {
		// Same md5, other data: decrypts but does not verify.
		o.SetString("amount", "999999")
		data, err := codec.EncryptData(codec.AESKey(e.MD5, testKey), o.AppendJSON(nil))
		if err != nil {
			return "", err
		}
		e.Data = data
	}
	b, err := e.MarshalJSON()
	return string(b), err
}

func (g *logGen) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.line >= g.n {
			return 0, io.EOF
		}
		g.line++
		if envelopeLine(g.line) {
			env, err := callback(g.line)
			if err != nil {
				return 0, err
			}
			g.buf = fmt.Appendf(g.buf, "2024-05-01T12:00:00Z INFO callback received: %s\n", env)
		} else {
			g.buf = fmt.Appendf(g.buf, "2024-05-01T12:00:00Z DEBUG request %d handled in %dms\n", g.line, g.line%97)
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// orderChecker reads the reports as they are written and checks that
// they come in input order and say what each envelope holds.
type orderChecker struct {
	t                                 *testing.T
	pending                           []byte
	reports, lastLine                 int
	verified, failed, unverified, bad int
}

func (c *orderChecker) Write(p []byte) (int, error) {
	c.pending = append(c.pending, p...)
	for {
		i := bytes.IndexByte(c.pending, '\n')
		if i < 0 {
			break
		}
		c.check(c.pending[:i])
		c.pending = c.pending[i+1:]
	}
	return len(p), nil
}

func (c *orderChecker) check(line []byte) {
	var r struct {
		Line     int               `json:"line"`
		Verified bool              `json:"verified"`
		Data     map[string]string `json:"data"`
		Error    string            `json:"error"`
	}
	if err := json.Unmarshal(line, &r); err != nil {
		c.t.Fatalf("report %d is not JSON: %v: %s", c.reports+1, err, line)
	}
	c.reports++
	if r.Line <= c.lastLine || !envelopeLine(r.Line) {
		c.t.Fatalf("report %d is for line %d after line %d: out of order", c.reports, r.Line, c.lastLine)
	}
	c.lastLine = r.Line
	switch expect(r.Line) {
	case wantVerified:
		if !r.Verified || r.Data["order_id"] != strconv.Itoa(r.Line) {
			c.bad++
		}
		c.verified++
	case wantFailed:
		if r.Verified || r.Data != nil || r.Error == "" {
			c.bad++
		}
		c.failed++
	case wantUnverified:
		if r.Verified || r.Data["order_id"] != strconv.Itoa(r.Line) || r.Error == "" {
			c.bad++
		}
		c.unverified++
	}
}

func TestDecodeStreamOf100000LinesKeepsInputOrderInBoundedMemory(t *testing.T) {
	const lines = 100000
	gen := &logGen{n: lines}
	check := &orderChecker{t: t}
	const workers, window = 4, 16
	st, err := decodeStream(gen, check, report.SingleKey(testKey), workers, window)
	if err != nil {
		t.Fatal(err)
	}
	if len(check.pending) != 0 {
		t.Fatalf("output ends with a partial line: %q", check.pending)
	}
	wantReports := lines / 4
	if check.reports != wantReports || st.reports != wantReports {
		t.Fatalf("%d reports written, %d counted, want %d", check.reports, st.reports, wantReports)
	}
	if check.bad != 0 {
		t.Errorf("%d reports do not match their envelope", check.bad)
	}
	if st.failed != check.failed || st.unverified != check.unverified || check.failed == 0 || check.unverified == 0 {
		t.Errorf("counted %d failed and %d unverified, the output has %d and %d", st.failed, st.unverified, check.failed, check.unverified)
	}
	if st.maxInFlight > window+2 {
		t.Errorf("up to %d envelopes were held at once, want at most %d", st.maxInFlight, window+2)
	}
	var stderr strings.Builder
	if got := st.status(&stderr); got != exitFailed {
		t.Errorf("exit status %d, want %d", got, exitFailed)
	}
	if !strings.HasPrefix(stderr.String(), fmt.Sprintf("ottpay: %d of %d envelopes could not be decoded; the first, on line ", check.failed, wantReports)) {
		t.Errorf("stderr %q", stderr.String())
	}
}
