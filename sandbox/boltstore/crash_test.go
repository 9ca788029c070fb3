package boltstore_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
	"github.com/ottpay-toolkit/ottpay/sandbox/boltstore"
)

// crashChildEnv, when set to a database path, makes TestCrashChild the
// sandbox process TestCrash starts, kills and restarts.
const crashChildEnv = "OTTPAY_BOLTSTORE_CRASH_CHILD"

const (
	crashMerchant = "ON00004652"
	crashKey      = "A8B5FE540E38A5A9"
)

// TestCrashChild is not a test on its own: TestCrash runs the test binary
// with -test.run=^TestCrashChild$ and crashChildEnv set, and this function
// then serves a sandbox on the bolt store at that path until its stdin
// closes or it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		return // the child role only
	}
	st, err := boltstore.Open(path)
	if err != nil {
		fmt.Printf("ERROR %v\n", err)
		os.Exit(1)
	}
	// Callbacks are retried every 100 ms for 20 s: longer than the parent
	// refuses them.
	schedule := make([]time.Duration, 200)
	for i := range schedule {
		schedule[i] = 100 * time.Millisecond
	}
	sb, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", Store: st,
		Merchants: map[string]string{crashMerchant: crashKey}, RetrySchedule: schedule,
		CallbackTimeout: 2 * time.Second})
	if err != nil {
		fmt.Printf("ERROR %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("URL %s\n", sb.URL())
	io.Copy(io.Discard, os.Stdin) // until the parent goes away
	sb.Close()
	st.Close()
	os.Exit(0)
}

// child is a sandbox process on the database file.
type child struct {
	cmd   *exec.Cmd
	url   string
	stdin io.Closer
}

func startChild(t *testing.T, path string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin}
	t.Cleanup(func() { c.kill() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "URL ") || strings.HasPrefix(l, "ERROR ") {
				lines <- l
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-lines:
		if !strings.HasPrefix(l, "URL http://127.0.0.1:") {
			t.Fatalf("the sandbox process says %q", l)
		}
		c.url = strings.TrimPrefix(l, "URL ")
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox process printed no URL in 30 s")
	}
	return c
}

// kill sends SIGKILL and reaps the process.
func (c *child) kill() {
	if c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.stdin.Close()
	c.cmd.Wait()
}

// callbackReceiver is the merchant's callback endpoint: it answers 503
// until accept is set, then SUCCESS, and counts the callbacks it
// acknowledged by order id.
type callbackReceiver struct {
	srv     *httptest.Server
	accept  atomic.Bool
	refused atomic.Int64
	mu      sync.Mutex
	acked   map[string]int
	bad     []string
}

func newCallbackReceiver(t *testing.T) *callbackReceiver {
	r := &callbackReceiver{acked: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if !r.accept.Load() {
			r.refused.Add(1)
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		_, opened, err := codec.DecodeBody(body, crashKey)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil || !opened.Verified {
			r.bad = append(r.bad, fmt.Sprintf("%v: %.200s", err, body))
			http.Error(w, "bad callback", http.StatusBadRequest)
			return
		}
		id, _ := opened.Object.Get("order_id")
		r.acked[id.Text]++
		io.WriteString(w, "SUCCESS")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// createOrder sends ACTIVEPAY for id; acked is true only for a SUCCESS
// response that decodes and verifies with the merchant's key.
func createOrder(client *http.Client, base, id, callback string) (acked bool, err error) {
	var data codec.Object
	for _, kv := range [][2]string{{"order_id", id}, {"operator_id", "0000000437"}, {"amount", "1000"},
		{"biz_type", "WECHATPAY"}, {"call_back_url", callback}} {
		data.SetString(kv[0], kv[1])
	}
	e := &codec.Envelope{Kind: codec.Request, Action: "ACTIVEPAY", Version: "1.0", MerchantID: crashMerchant}
	if err := e.Seal(&data, crashKey, codec.RuleStrings); err != nil {
		return false, err
	}
	body, err := e.MarshalJSON()
	if err != nil {
		return false, err
	}
	resp, err := client.Post(base+"/processV2", "application/json", bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, err
	}
	env, opened, err := codec.DecodeBody(raw, crashKey)
	if err != nil {
		return false, fmt.Errorf("response: %w: %.200s", err, raw)
	}
	if env.RspCode != "SUCCESS" || !opened.Verified {
		return false, fmt.Errorf("response %s %s", env.RspCode, env.RspMsg)
	}
	return true, nil
}

// payOrder pays id through the control API; acked is true for a 200.
func payOrder(client *http.Client, base, id string) (bool, error) {
	resp, err := client.Post(base+"/_sandbox/orders/"+id+"/pay", "application/json", nil)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	var o sandbox.Order
	if err := json.NewDecoder(resp.Body).Decode(&o); err != nil {
		return false, err
	}
	return resp.StatusCode == http.StatusOK && o.State == sandbox.StatePaid, nil
}

// A sandbox on the bolt store killed with SIGKILL in the middle of a load
// loses no order whose create was answered SUCCESS, nor the payment of any
// order whose pay was answered; after a restart on the same file it
// delivers the callbacks that were pending at the kill, once each.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts, kills and restarts a sandbox process; not in -short")
	}
	path := filepath.Join(t.TempDir(), "sandbox.db")
	rcv := newCallbackReceiver(t)
	first := startChild(t, path)

	// Another process has the file: Open says so.
	if _, err := boltstore.Open(path, boltstore.Timeout(100*time.Millisecond)); !errors.Is(err, boltstore.ErrLocked) {
		t.Fatalf("Open while the sandbox process has the file: %v, want ErrLocked", err)
	}

	const workers, perWorker = 8, 400
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	var (
		mu        sync.Mutex
		created   = map[string]bool{} // create answered SUCCESS
		paid      = map[string]bool{} // pay answered 200 paid
		payTried  = map[string]bool{} // pay sent, whatever came back
		nCreated  atomic.Int64
		nPaid     atomic.Int64
		wg        sync.WaitGroup
		loadStart = time.Now()
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				id := fmt.Sprintf("CRASH%d_%03d", w, i)
				ok, err := createOrder(client, first.url, id, rcv.srv.URL+"/cb")
				if err != nil {
					return // the process is gone
				}
				if !ok {
					continue
				}
				mu.Lock()
				created[id] = true
				mu.Unlock()
				nCreated.Add(1)
				if i%2 == 1 {
					continue
				}
				mu.Lock()
				payTried[id] = true
				mu.Unlock()
				ok, err = payOrder(client, first.url, id)
				if err != nil {
					return
				}
				if ok {
					mu.Lock()
					paid[id] = true
					mu.Unlock()
					nPaid.Add(1)
				}
			}
		}()
	}
	// Kill in the middle of the load: once enough is acknowledged, while
	// every worker still has orders to go.
	for nCreated.Load() < 120 || nPaid.Load() < 40 || rcv.refused.Load() < 20 {
		if time.Since(loadStart) > 60*time.Second {
			t.Fatalf("after 60 s only %d creates, %d pays acknowledged, %d callbacks refused", nCreated.Load(), nPaid.Load(), rcv.refused.Load())
		}
		time.Sleep(time.Millisecond)
	}
	first.kill()
	killedAt := nCreated.Load()
	wg.Wait()
	if n := nCreated.Load(); n >= workers*perWorker {
		t.Fatalf("the load had ended (%d creates) before the kill", n)
	}
	t.Logf("killed after %d acknowledged creates (%d by the end), %d acknowledged pays, %d callbacks refused",
		killedAt, nCreated.Load(), nPaid.Load(), rcv.refused.Load())

	second := startChild(t, path)
	var list struct{ Orders []sandbox.Order }
	getJSON(t, client, second.url+"/_sandbox/orders", &list)
	byID := map[string]sandbox.Order{}
	for _, o := range list.Orders {
		byID[o.ID] = o
	}
	for id := range created {
		o, ok := byID[id]
		switch {
		case !ok:
			t.Errorf("order %s was acknowledged before the kill and is gone", id)
		case paid[id] && o.State != sandbox.StatePaid:
			t.Errorf("order %s was paid (acknowledged) before the kill and is %s", id, o.State)
		case !payTried[id] && o.State != sandbox.StateProcessing:
			t.Errorf("order %s was never paid and is %s", id, o.State)
		}
	}
	for _, o := range list.Orders {
		if !strings.HasPrefix(o.ID, "CRASH") {
			t.Errorf("an order %q nobody created", o.ID)
		}
	}

	// Every acknowledged payment has its callback pending, with the
	// refused attempts of the first process recorded.
	var cbs struct{ Callbacks []sandbox.Delivery }
	getJSON(t, client, second.url+"/_sandbox/callbacks", &cbs)
	pending := map[string]int{}
	attempted := 0
	for _, d := range cbs.Callbacks {
		if d.State == sandbox.DeliveryPending {
			pending[d.OrderID]++
		}
		if d.AttemptCount > 0 {
			attempted++
		}
	}
	for id := range paid {
		if pending[id] != 1 {
			t.Errorf("order %s: %d pending callbacks after the restart, want 1", id, pending[id])
		}
	}
	if attempted == 0 {
		t.Error("no delivery records an attempt made before the kill")
	}

	rcv.accept.Store(true)
	deadline := time.Now().Add(60 * time.Second)
	for {
		rcv.mu.Lock()
		missing := 0
		for id := range paid {
			if rcv.acked[id] == 0 {
				missing++
			}
		}
		rcv.mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("60 s after the restart, %d of %d acknowledged payments have had no callback", missing, len(paid))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Let retries in flight settle, then count: once per paid order.
	time.Sleep(300 * time.Millisecond)
	getJSON(t, client, second.url+"/_sandbox/callbacks", &cbs)
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for _, b := range rcv.bad {
		t.Errorf("a callback did not decode: %s", b)
	}
	for id, n := range rcv.acked {
		if n != 1 {
			t.Errorf("order %s: callback acknowledged %d times, want once", id, n)
		}
		if !payTried[id] {
			t.Errorf("a callback for order %s, which was never paid", id)
		}
	}
	for _, d := range cbs.Callbacks {
		if d.State != sandbox.DeliveryDelivered {
			t.Errorf("callback %s for %s is %s after the receiver accepted", d.ID, d.OrderID, d.State)
		}
	}
}

func getJSON(t *testing.T, client *http.Client, url string, v any) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
