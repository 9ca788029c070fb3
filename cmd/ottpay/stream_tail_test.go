package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// A log tailed into decode (tail -f log | ottpay decode) is reported as it
// grows: each envelope's report is written before any more input comes,
// though envelopes are decoded in batches.
func TestDecodeStreamReportsEachEnvelopeBeforeMoreInputComes(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := decodeStream(inR, outW, report.SingleKey(testKey), 2, 256)
		outW.CloseWithError(err)
		done <- err
	}()
	lines := bufio.NewReader(outR)
	for line := 1; line <= 9; line += 4 { // lines 1, 5, 9 carry envelopes
		env, err := callback(line)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(inW, "noise before line "+strconv.Itoa(line)+"\n"+env+"\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			s, _ := lines.ReadString('\n')
			got <- s
		}()
		select {
		case s := <-got:
			var r struct {
				Verified bool              `json:"verified"`
				Data     map[string]string `json:"data"`
			}
			if err := json.Unmarshal([]byte(s), &r); err != nil || !r.Verified || r.Data["order_id"] != strconv.Itoa(line) {
				t.Fatalf("report for the envelope of line %d: %q (%v)", line, s, err)
			}
		case <-time.After(20 * time.Second): // a liveness bound, not a speed figure
			t.Fatalf("no report for the envelope of line %d while decode waits for more input", line)
		}
	}
	inW.Close()
	if rest, _ := io.ReadAll(lines); len(rest) != 0 {
		t.Errorf("more reports than envelopes: %q", rest)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
