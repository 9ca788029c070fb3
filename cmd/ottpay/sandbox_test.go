package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// startSandboxCommand runs `ottpay sandbox ARGS` in-process until the
// test ends and returns the lines it printed on stdout.
func startSandboxCommand(t *testing.T, args ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys.json")
	if err := os.WriteFile(keys, []byte(`{"ON00004652":"A8B5FE540E38A5A9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	status := make(chan int, 1)
	go func() {
		status <- serveSandbox(ctx, append([]string{"--keys", keys}, args...), pw, io.Discard)
		pw.Close()
	}()
	lines := map[string]string{}
	got := make(chan struct{})
	go func() {
		defer close(got)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ": ")
			lines[k] = v
			if k == "merchants" {
				go io.Copy(io.Discard, pr)
				return
			}
		}
	}()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("ottpay sandbox printed no URL within 5 s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case st := <-status:
			if st != exitOK {
				t.Errorf("ottpay sandbox exited %d after its context ended, want 0", st)
			}
		case <-time.After(5 * time.Second):
			t.Error("ottpay sandbox did not stop")
		}
	})
	return lines
}

// S1 for the command: --addr 127.0.0.1:0 prints a loopback URL, the
// endpoint and the control API, and healthz answers with the header.
func TestSandboxCommandServes(t *testing.T) {
	lines := startSandboxCommand(t, "--addr", "127.0.0.1:0", "--time-scale", "0.001")
	u := lines["url"]
	if !strings.HasPrefix(u, "http://127.0.0.1:") || lines["endpoint"] != u+"/processV2" ||
		lines["control"] != u+"/_sandbox/" || lines["merchants"] != "ON00004652" {
		t.Fatalf("printed %v", lines)
	}
	resp, err := http.Get(u + "/_sandbox/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get(sandbox.Header) != sandbox.Version {
		t.Fatalf("healthz: %d %q", resp.StatusCode, resp.Header.Get(sandbox.Header))
	}
}

// ottpay sandbox pay drives the control API of a running sandbox.
func TestSandboxPayCommand(t *testing.T) {
	lines := startSandboxCommand(t, "--addr", "127.0.0.1:0", "--values", "java")
	u := lines["url"]
	var data codec.Object
	for _, kv := range [][2]string{{"order_id", "CLI1"}, {"operator_id", "0000000437"}, {"amount", "1000"},
		{"biz_type", "WECHATPAY"}, {"call_back_url", "http://127.0.0.1:9/cb"}} {
		data.SetString(kv[0], kv[1])
	}
	e := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: "ON00004652"}
	if err := e.Seal(&data, "A8B5FE540E38A5A9", codec.RuleStrings); err != nil {
		t.Fatal(err)
	}
	body, _ := e.MarshalJSON()
	resp, err := http.Post(lines["endpoint"], "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	var out, errb strings.Builder
	if st := run([]string{"sandbox", "pay", "CLI1", "--url", u}, nil, &out, &errb, nil); st != exitOK {
		t.Fatalf("sandbox pay: exit %d, stderr %q", st, errb.String())
	}
	if !strings.Contains(out.String(), `"id":"CLI1"`) || !strings.Contains(out.String(), `"state":"paid"`) {
		t.Errorf("sandbox pay printed %q", out.String())
	}
	// Paying again fails with the sandbox's reason; the URL may come from
	// the environment and the flag may come first.
	out.Reset()
	errb.Reset()
	getenv := func(k string) string {
		if k == sandboxURLEnv {
			return u
		}
		return ""
	}
	if st := run([]string{"sandbox", "pay", "CLI1"}, nil, &out, &errb, getenv); st != exitFailed {
		t.Fatalf("second pay: exit %d", st)
	}
	if !strings.Contains(errb.String(), "already paid") || out.Len() != 0 {
		t.Errorf("second pay: stdout %q stderr %q", out.String(), errb.String())
	}
	errb.Reset()
	if st := run([]string{"sandbox", "decline", "--url", u, "NOPE"}, nil, &out, &errb, nil); st != exitFailed ||
		!strings.Contains(errb.String(), "no such order") {
		t.Errorf("decline of an unknown order: exit %d, %q", st, errb.String())
	}
}
