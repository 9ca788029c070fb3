package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// dataSandbox is one run of `ottpay sandbox --data DIR` in-process.
type dataSandbox struct {
	url    string
	cancel context.CancelFunc
	status chan int
	once   sync.Once
	mu     sync.Mutex
	stderr strings.Builder
}

// startDataSandbox runs `ottpay sandbox --keys K --addr 127.0.0.1:0 ARGS`
// and waits for the URL it prints.
func startDataSandbox(t *testing.T, keys string, args ...string) *dataSandbox {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &dataSandbox{cancel: cancel, status: make(chan int, 1)}
	pr, pw := io.Pipe()
	go func() {
		d.status <- serveSandbox(ctx, append([]string{"--keys", keys, "--addr", "127.0.0.1:0"}, args...), pw, lockedWriter{&d.mu, &d.stderr})
		pw.Close()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "url: "); ok {
				urls <- u
			}
		}
		close(urls)
	}()
	select {
	case d.url = <-urls:
		if d.url == "" {
			t.Fatalf("ottpay sandbox exited without a url; stderr:\n%s", d.errText())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ottpay sandbox printed no url within 10 s")
	}
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop ends the command as SIGINT would and checks it exits 0.
func (d *dataSandbox) stop(t *testing.T) {
	t.Helper()
	d.once.Do(func() {
		d.cancel()
		select {
		case st := <-d.status:
			if st != exitOK {
				t.Errorf("ottpay sandbox exited %d, want 0; stderr:\n%s", st, d.errText())
			}
		case <-time.After(10 * time.Second):
			t.Error("ottpay sandbox did not stop within 10 s")
		}
	})
}

func (d *dataSandbox) errText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stderr.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func writeKeys(t *testing.T) string {
	t.Helper()
	keys := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(keys, []byte(`{"ON00004652":"A8B5FE540E38A5A9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return keys
}

// createSandboxOrder creates an ACTIVEPAY order and fails unless the
// sandbox answers SUCCESS.
func createSandboxOrder(t *testing.T, url, id string) {
	t.Helper()
	var data codec.Object
	for _, kv := range [][2]string{{"order_id", id}, {"operator_id", "0000000437"}, {"amount", "1000"},
		{"biz_type", "WECHATPAY"}, {"call_back_url", "http://127.0.0.1:9/cb"}} {
		data.SetString(kv[0], kv[1])
	}
	e := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: "ON00004652"}
	if err := e.Seal(&data, "A8B5FE540E38A5A9", codec.RuleStrings); err != nil {
		t.Fatal(err)
	}
	body, _ := e.MarshalJSON()
	resp, err := http.Post(url+"/processV2", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	env, _, err := codec.DecodeBody(raw, "A8B5FE540E38A5A9")
	if err != nil || env.RspCode != "SUCCESS" {
		t.Fatalf("create %s: %v %s", id, err, raw)
	}
}

// sandboxOrder fetches an order from the control API; ok is false on 404.
func sandboxOrder(t *testing.T, url, id string) (sandbox.Order, bool) {
	t.Helper()
	resp, err := http.Get(url + "/_sandbox/orders/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var o sandbox.Order
	if resp.StatusCode == http.StatusNotFound {
		return o, false
	}
	if err := json.NewDecoder(resp.Body).Decode(&o); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET order %s: %d %v", id, resp.StatusCode, err)
	}
	return o, true
}

// --data DIR keeps the state in DIR/sandbox.db: an order created and paid
// before the command stops is there, paid, after it starts again on the
// same directory; without --data it is not.
func TestSandboxDataSurvivesRestart(t *testing.T) {
	keys := writeKeys(t)
	dir := filepath.Join(t.TempDir(), "state") // created by the command
	first := startDataSandbox(t, keys, "--data", dir)
	createSandboxOrder(t, first.url, "KEEP1")
	createSandboxOrder(t, first.url, "KEEP2")
	var out, errb strings.Builder
	if st := run([]string{"sandbox", "pay", "KEEP2", "--url", first.url}, nil, &out, &errb, nil); st != exitOK {
		t.Fatalf("sandbox pay: exit %d: %s", st, errb.String())
	}
	first.stop(t)
	if !strings.Contains(first.errText(), filepath.Join(dir, "sandbox.db")) {
		t.Errorf("stderr does not say where the state is kept:\n%s", first.errText())
	}
	if fi, err := os.Stat(filepath.Join(dir, "sandbox.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("DIR/sandbox.db: %v %v, want a file of mode 0600", fi, err)
	}

	second := startDataSandbox(t, keys, "--data", dir)
	if o, ok := sandboxOrder(t, second.url, "KEEP1"); !ok || o.State != sandbox.StateProcessing {
		t.Errorf("after the restart KEEP1: found=%v state %q, want processing", ok, o.State)
	}
	if o, ok := sandboxOrder(t, second.url, "KEEP2"); !ok || o.State != sandbox.StatePaid {
		t.Errorf("after the restart KEEP2: found=%v state %q, want paid", ok, o.State)
	}

	// Without --data nothing is kept.
	mem := startDataSandbox(t, keys)
	if _, ok := sandboxOrder(t, mem.url, "KEEP1"); ok {
		t.Error("a sandbox without --data has an order of another run")
	}
}

// A second sandbox on a directory in use, or a directory whose
// sandbox.db is something else, does not start, and says why.
func TestSandboxDataRefused(t *testing.T) {
	keys := writeKeys(t)
	dir := t.TempDir()
	startDataSandbox(t, keys, "--data", dir)
	var errb strings.Builder
	st := serveSandbox(context.Background(), []string{"--keys", keys, "--addr", "127.0.0.1:0", "--data", dir}, io.Discard, &errb)
	if st != exitFailed || !strings.Contains(errb.String(), "locked by another process") {
		t.Errorf("a second sandbox on the same --data: exit %d, stderr %q; want 1 and why", st, errb.String())
	}

	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "sandbox.db"), []byte(strings.Repeat("not a database\n", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	st = serveSandbox(context.Background(), []string{"--keys", keys, "--addr", "127.0.0.1:0", "--data", other}, io.Discard, &errb)
	if st != exitFailed || !strings.Contains(errb.String(), "not a bbolt database") {
		t.Errorf("--data with a foreign sandbox.db: exit %d, stderr %q; want 1 and why", st, errb.String())
	}
}
