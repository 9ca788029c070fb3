package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// The documented callback (apidocs integration/callback) and its key.
const (
	cbVector = `{"data":"vg8LJmi7ryeVxUTVfPC6N1l5ebL9cgn4MdlyLFEL6eqZQN+XvkvNhZevFmRitDLTUTcAcRnKYs407K3ePY2pslEgZYDoa9x80PBh95s7aqAYCwUlY5j9IUtklLlzqNT0mFPS7Fn5p6cr1EkBRVh82QHueCdkWVoFhvVHVYYrwQqF5cmPO+JNuDOei6goomz1QTfvv7M8zc4TT+r/EwKIDm4eoV9EeTk98gSiUy4+2ThLRrtZOFHqVP7OAjJ318X2EIKoZRA5lp42kdRVmd/mXi8aZpTVEiAT2GK7p3TNXFNXuPLcl6DhEUK9FLMrHcl4","rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"ON00004652","md5":"5A917182659DE14DCB3022CA6518F34F"}`
	cbKey    = "A8B5FE540E38A5A9"
)

// listener is a running "ottpay callbacks listen" process.
type listener struct {
	cmd            *exec.Cmd
	url            string
	stdout, stderr *bytes.Buffer
	errLines       chan string
}

// startListener runs the command as its own process, exactly as a user
// does, on 127.0.0.1:0, and waits for the URL it prints.
func startListener(t *testing.T, extra ...string) *listener {
	t.Helper()
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys.json")
	if err := os.WriteFile(keys, []byte(`{"ON00004652":"`+cbKey+`","ON00000001":"0123456789ABCDEF"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	l := &listener{stdout: new(bytes.Buffer), stderr: new(bytes.Buffer), errLines: make(chan string, 100)}
	args := append([]string{"callbacks", "listen", "--addr", "127.0.0.1:0", "--keys", keys}, extra...)
	l.cmd = exec.Command("ottpay", args...)
	l.cmd.Stdout = l.stdout
	pipe, err := l.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if l.cmd.ProcessState == nil {
			l.cmd.Process.Kill()
			l.cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			l.errLines <- sc.Text()
		}
		close(l.errLines)
	}()
	first, ok := <-l.errLines
	if !ok {
		t.Fatal("the listener ended without printing its URL")
	}
	l.stderr.WriteString(first + "\n")
	m := regexp.MustCompile(`^ottpay: listening for callbacks on (http://127\.0\.0\.1:[0-9]+/) \(any path; Ctrl-C stops\)$`).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first line %q, want the loopback URL", first)
	}
	l.url = m[1]
	return l
}

// post sends a callback body and returns the answer, and the stderr line
// the listener printed about it.
func (l *listener) post(t *testing.T, method, path, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, l.url+strings.TrimPrefix(path, "/"), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	line := <-l.errLines
	l.stderr.WriteString(line + "\n")
	return resp.StatusCode, string(b), line
}

// stop sends sig and waits for a clean exit.
func (l *listener) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := l.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	for line := range l.errLines {
		l.stderr.WriteString(line + "\n")
	}
	done := make(chan error, 1)
	go func() { done <- l.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after %v: %v; stderr:\n%s", sig, err, l.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after %v", sig)
	}
}

// The receiver on a real listener: it verifies, prints one report per
// callback and acknowledges with exactly the ack body; a copy is
// acknowledged again and said to be one; a tampered callback and a GET are
// refused; SIGINT stops it with status 0 and a summary. No key is printed.
func TestCallbacksListen(t *testing.T) {
	l := startListener(t)
	tampered := strings.Replace(cbVector, `"md5":"5A9`, `"md5":"6A9`, 1)
	relabelled := strings.Replace(cbVector, `"merchant_id":"ON00004652"`, `"merchant_id":"ON00000001"`, 1)

	steps := []struct {
		method, path, body string
		status             int
		ack                string
		log                string
	}{
		{"POST", "/ottpay/callback", cbVector, 200, "SUCCESS", `^ottpay: POST /ottpay/callback from 127\.0\.0\.1:[0-9]+: 200 handled$`},
		{"POST", "/ottpay/callback", cbVector, 200, "SUCCESS", `: 200 duplicate, acknowledged again$`},
		{"POST", "/", tampered, 401, "", `: 401 refused: AES decryption: `},
		{"POST", "/", relabelled, 401, "", `: 401 refused: AES decryption: `},
		{"POST", "/", `{"rsp_code":"SUCCESS"`, 400, "", `: 400 refused: envelope: `},
		{"GET", "/%1b[2J", "", 405, "", `^ottpay: GET /\\x1b\[2J from .*: 405 refused$`},
	}
	for i, s := range steps {
		status, body, line := l.post(t, s.method, s.path, s.body)
		if status != s.status || (s.ack != "" && body != s.ack) {
			t.Errorf("step %d: answered %d %q, want %d %q", i, status, body, s.status, s.ack)
		}
		if !regexp.MustCompile(s.log).MatchString(line) {
			t.Errorf("step %d: stderr %q, want %s", i, line, s.log)
		}
	}
	l.stop(t, os.Interrupt)

	lines := strings.Split(strings.TrimSuffix(l.stdout.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("stdout has %d lines, want 5 reports (the GET has none):\n%s", len(lines), l.stdout)
	}
	type rep struct {
		Kind       string
		MerchantID string `json:"merchant_id"`
		Verified   bool
		Rule       string
		Data       *codec.Object
		Warnings   []string
		Error      string
	}
	var reps []rep
	for _, ln := range lines {
		var r rep
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatalf("stdout line %q: %v", ln, err)
		}
		reps = append(reps, r)
	}
	if r := reps[0]; r.Kind != "callback" || !r.Verified || r.Rule != "strings" || r.Data == nil || len(r.Warnings) != 0 {
		t.Errorf("first report %+v, want a verified callback without warnings", r)
	}
	if amount, _ := reps[0].Data.Get("amount"); amount.Text != "3" {
		t.Errorf("first report's amount %q, want the vector's 3", amount.Text)
	}
	if w := reps[1].Warnings; len(w) != 1 || !strings.Contains(w[0], "already handled") {
		t.Errorf("the copy's warnings %q", w)
	}
	for i, want := range []string{"refused with 401: AES decryption", "refused with 401: AES decryption", "refused with 400: envelope"} {
		r := reps[i+2]
		if r.Verified || len(r.Warnings) == 0 || !strings.HasPrefix(r.Warnings[len(r.Warnings)-1], want) {
			t.Errorf("report %d: verified %v, warnings %q; want %q", i+2, r.Verified, r.Warnings, want)
		}
	}
	if !strings.Contains(l.stderr.String(), "ottpay: stopped; 1 handled, 1 duplicates acknowledged again, 4 refused, 0 failed\n") {
		t.Errorf("no summary on stderr:\n%s", l.stderr)
	}
	for _, out := range []string{l.stdout.String(), l.stderr.String()} {
		if strings.Contains(out, cbKey) || strings.Contains(out, "0123456789ABCDEF") || strings.Contains(out, "\x1b") {
			t.Errorf("output holds a key or a raw escape:\n%s", out)
		}
	}
}

// --ack-body sets the acknowledgement byte for byte; SIGTERM stops the
// receiver as cleanly as SIGINT.
func TestCallbacksListenAckBodyAndSIGTERM(t *testing.T) {
	ack := `{"rsp_code":"SUCCESS","rsp_msg":"success"}`
	l := startListener(t, "--ack-body", ack)
	status, body, _ := l.post(t, "POST", "/", cbVector)
	if status != 200 || body != ack {
		t.Errorf("answered %d %q, want 200 %q", status, body, ack)
	}
	l.stop(t, syscall.SIGTERM)
	if !strings.Contains(l.stderr.String(), "ottpay: stopped; 1 handled") {
		t.Errorf("stderr:\n%s", l.stderr)
	}
}
