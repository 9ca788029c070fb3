package walkthrough

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/pay"
	"github.com/ottpay-toolkit/ottpay/sandbox"
)

// wait bounds every wait of the walkthrough for something to happen.
const wait = 10 * time.Second

// The Go walk of the README: every line of its Go block is a line of this
// function, in the same order (TestReadmeMatchesTests checks it); the lines
// in between check what the README's comments promise.
func TestGoWalkthrough(t *testing.T) {
	keys := map[string]string{"ON00004652": "A8B5FE540E38A5A9"}
	sb, err := sandbox.New(sandbox.Options{Merchants: keys}) // a gateway on 127.0.0.1
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	paid := make(chan *callback.Notification, 1)
	shop := httptest.NewServer(callback.NewHandler(callback.KeyMap(keys),
		func(ctx context.Context, n *callback.Notification) error {
			paid <- n // verified, once per order and status: mark the order paid here
			return nil
		}))
	defer shop.Close()
	ctx := context.Background()
	c, err := pay.NewClient("ON00004652", keys["ON00004652"], pay.WithURL(sb.Endpoint()), pay.WithOperatorID("0000000437"))
	if err != nil {
		t.Fatal(err)
	}
	rsp, err := c.ActivePayRetail(ctx, &pay.ActivePayRetailRequest{
		Amount: 1250, BizType: "WECHATPAY", CallBackURL: shop.URL + "/ottpay/callback"})
	if err != nil {
		t.Fatal(err)
	}
	if !rsp.Sandbox || !rsp.Succeeded() || rsp.RequestOrderID == "" || rsp.OrderID != rsp.RequestOrderID ||
		rsp.CodeURL != sb.URL()+"/_sandbox/pay/"+rsp.RequestOrderID {
		t.Fatalf("ACTIVEPAY answer: sandbox %v, code %q, order %q/%q, code_url %q",
			rsp.Sandbox, rsp.Code, rsp.RequestOrderID, rsp.OrderID, rsp.CodeURL)
	}
	select {
	case n := <-paid:
		t.Fatalf("a callback (order %q) arrived before the order was paid", n.OrderID)
	default:
	}
	// rsp.CodeURL is the sandbox's pay page; pay there, or as curl would:
	resp, err := http.Post(sb.URL()+"/_sandbox/orders/"+rsp.RequestOrderID+"/pay", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var order sandbox.Order
	err = json.NewDecoder(resp.Body).Decode(&order)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil || order.State != sandbox.StatePaid {
		t.Fatalf("control pay: %s, order %+v (%v)", resp.Status, order, err)
	}

	// Wait, at most wait, for the handler's function: a nil from the
	// timer means nothing came.
	deadline := time.AfterFunc(wait, func() {
		select {
		case paid <- nil:
		default:
		}
	})
	defer deadline.Stop()
	n := <-paid // n.OrderID == rsp.RequestOrderID, n.Amount == 1250
	if n == nil {
		t.Fatalf("the handler's function saw no callback within %v; deliveries: %+v", wait, deliveries(sb))
	}
	if n.OrderID != rsp.RequestOrderID || n.Amount != 1250 || n.MerchantID != "ON00004652" || n.OrderStatus != "SUCCESS" {
		t.Errorf("notification: order %q amount %v merchant %q status %q", n.OrderID, n.Amount, n.MerchantID, n.OrderStatus)
	}
	q, err := c.StatusQuery(ctx, &pay.StatusQueryRequest{OrderID: rsp.RequestOrderID})
	// q.OrderStatus == "SUCCESS": settle the order from the query, not the callback
	if err != nil {
		t.Fatal(err)
	}
	if q.OrderStatus != "SUCCESS" || q.OrderID != rsp.RequestOrderID {
		t.Errorf("STATUS_QUERY after the payment: order_status %q, order_id %q", q.OrderStatus, q.OrderID)
	}
	// The handler acknowledged the callback: one delivery, delivered at
	// its first attempt.
	ds := deliveries(sb)
	if len(ds) != 1 || ds[0].State != sandbox.DeliveryDelivered || ds[0].AttemptCount != 1 {
		t.Errorf("deliveries: %+v", ds)
	}
}

func deliveries(sb *sandbox.Server) []sandbox.Delivery {
	ds, _ := sb.Deliveries()
	return ds
}

// step is one command of the README's shell block: its lines as the
// README writes them, and what the test does for them.
type step struct {
	lines []string
	do    func(t *testing.T, w *shellWalk)
}

// shellWalk is the state of the shell walk: what the README keeps in
// files and variables.
type shellWalk struct {
	dir, bin     string
	env          []string
	sb, cb       string // $SB and $CB
	orderJSON    []byte // order.json
	listenerOut  *lockedBuffer
	decodeReport map[string]any
}

// The README's literals, shared by its text and the steps below.
const (
	keysJSON  = `{"ON00004652":"A8B5FE540E38A5A9"}`
	orderData = `{"order_id":"WALK0001","operator_id":"0000000437","amount":"1250","biz_type":"WECHATPAY","call_back_url":"'$CB'"}`
	queryData = `{"order_id":"WALK0001"}`
)

// The shell walk of the README, run with the ottpay binary built from
// this module. Every command line of the README's sh block is a step here,
// in order, and nothing else is (TestReadmeMatchesTests checks it). What a
// step does stands for the command exactly: the ottpay commands run as
// processes with the same arguments; a curl command is the same HTTP
// request made with net/http (same method, header and body bytes). The
// two ports the README fixes (9090, 8081) are 127.0.0.1:0 here, and $SB
// and $CB the URLs the processes printed.
func TestCurlWalkthrough(t *testing.T) {
	w := &shellWalk{dir: t.TempDir(), listenerOut: &lockedBuffer{}}
	for _, s := range shellSteps() {
		s.do(t, w)
		if t.Failed() {
			t.Fatalf("after: %s", strings.Join(s.lines, "\n"))
		}
	}
}

func shellSteps() []step {
	return []step{
		{[]string{`go build -o bin/ottpay ./cmd/ottpay && export PATH=$PWD/bin:$PATH`}, func(t *testing.T, w *shellWalk) {
			w.bin = filepath.Join(w.dir, "bin", "ottpay")
			cmd := exec.Command(goTool(), "build", "-o", w.bin, "./cmd/ottpay")
			cmd.Dir = filepath.Join("..", "..")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
		}},
		{[]string{`echo '` + keysJSON + `' > keys.json`}, func(t *testing.T, w *shellWalk) {
			if err := os.WriteFile(filepath.Join(w.dir, "keys.json"), []byte(keysJSON+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{[]string{`export OTTPAY_SIGN_KEY=A8B5FE540E38A5A9`}, func(t *testing.T, w *shellWalk) {
			w.env = append(os.Environ(), "OTTPAY_SIGN_KEY=A8B5FE540E38A5A9")
		}},
		{[]string{`ottpay sandbox --keys keys.json --addr 127.0.0.1:9090 &`}, func(t *testing.T, w *shellWalk) {
			out := &lockedBuffer{}
			w.background(t, out, nil, "sandbox", "--keys", "keys.json", "--addr", "127.0.0.1:0")
			w.sb = waitFor(t, out, regexp.MustCompile(`(?m)^url: (http://127\.0\.0\.1:[0-9]+)$`), "the sandbox's URL")
		}},
		{[]string{`ottpay callbacks listen --keys keys.json --addr 127.0.0.1:8081 &`}, func(t *testing.T, w *shellWalk) {
			errOut := &lockedBuffer{}
			w.background(t, w.listenerOut, errOut, "callbacks", "listen", "--keys", "keys.json", "--addr", "127.0.0.1:0")
			w.cb = waitFor(t, errOut, regexp.MustCompile(`listening for callbacks on (http://127\.0\.0\.1:[0-9]+)/ `), "the listener's URL")
		}},
		{[]string{`SB=http://127.0.0.1:9090 CB=http://127.0.0.1:8081/ottpay/callback`}, func(t *testing.T, w *shellWalk) {
			w.cb += "/ottpay/callback"
		}},
		{[]string{
			`echo '` + orderData + `' |`,
			`  ottpay encode --merchant ON00004652 --action ACTIVEPAY > order.json`,
		}, func(t *testing.T, w *shellWalk) {
			// The shell closes the quote around '$CB' and splices in its value.
			data := strings.Replace(orderData, `'$CB'`, w.cb, 1) + "\n"
			w.orderJSON = w.ottpay(t, data, 0, "encode", "--merchant", "ON00004652", "--action", "ACTIVEPAY")
		}},
		{[]string{`curl -s -H 'Content-Type: application/json' --data-binary @order.json $SB/processV2 | ottpay decode --strict`}, func(t *testing.T, w *shellWalk) {
			answer := curlPost(t, w.sb+"/processV2", w.orderJSON)
			rep := w.decodeStrict(t, answer)
			data, _ := rep["data"].(map[string]any)
			if rep["rsp_code"] != "SUCCESS" || data["order_id"] != "WALK0001" || data["code_url"] != w.sb+"/_sandbox/pay/WALK0001" {
				t.Errorf("ACTIVEPAY answer: %v", rep)
			}
		}},
		{[]string{`curl -s -X POST $SB/_sandbox/orders/WALK0001/pay`}, func(t *testing.T, w *shellWalk) {
			var order sandbox.Order
			if err := json.Unmarshal(curlPost(t, w.sb+"/_sandbox/orders/WALK0001/pay", nil), &order); err != nil ||
				order.State != sandbox.StatePaid || order.Amount != 1250 {
				t.Errorf("control pay: %+v (%v)", order, err)
			}
		}},
		{nil, func(t *testing.T, w *shellWalk) {
			// Step 3, a comment in the README: the listener prints the
			// verified callback.
			line := waitFor(t, w.listenerOut, regexp.MustCompile(`(?m)^(\{.*"order_id":"WALK0001".*\})$`), "the listener's report of the callback")
			var rep map[string]any
			if err := json.Unmarshal([]byte(line), &rep); err != nil {
				t.Fatal(err)
			}
			data, _ := rep["data"].(map[string]any)
			if rep["kind"] != "callback" || rep["verified"] != true || rep["merchant_id"] != "ON00004652" ||
				data["amount"] != "1250" || data["order_status"] != "SUCCESS" {
				t.Errorf("listener printed %s", line)
			}
		}},
		{[]string{
			`echo '` + queryData + `' | ottpay encode --merchant ON00004652 --action STATUS_QUERY |`,
			`  curl -s -H 'Content-Type: application/json' --data-binary @- $SB/processV2 | ottpay decode --strict`,
		}, func(t *testing.T, w *shellWalk) {
			body := w.ottpay(t, queryData+"\n", 0, "encode", "--merchant", "ON00004652", "--action", "STATUS_QUERY")
			rep := w.decodeStrict(t, curlPost(t, w.sb+"/processV2", body))
			if data, _ := rep["data"].(map[string]any); rep["rsp_code"] != "SUCCESS" || data["order_status"] != "SUCCESS" {
				t.Errorf("STATUS_QUERY answer: %v", rep)
			}
		}},
		{[]string{`echo '` + queryData + `' | ottpay call STATUS_QUERY --merchant ON00004652 --url $SB/processV2`}, func(t *testing.T, w *shellWalk) {
			out := w.ottpay(t, queryData+"\n", 0, "call", "STATUS_QUERY", "--merchant", "ON00004652", "--url", w.sb+"/processV2")
			var rep map[string]any
			if err := json.Unmarshal(out, &rep); err != nil {
				t.Fatalf("ottpay call printed %q: %v", out, err)
			}
			if data, _ := rep["data"].(map[string]any); rep["verified"] != true || data["order_status"] != "SUCCESS" {
				t.Errorf("ottpay call printed %s", out)
			}
		}},
	}
}

// ottpay runs the built command in the walk's directory and returns its
// stdout; its exit status must be want.
func (w *shellWalk) ottpay(t *testing.T, stdin string, want int, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = w.dir, w.env, strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if got := cmd.ProcessState.ExitCode(); got != want {
		t.Fatalf("ottpay %s: exit %d (%v), want %d; stderr:\n%s", strings.Join(args, " "), got, err, want, errb.String())
	}
	return out.Bytes()
}

// decodeStrict pipes an answer into `ottpay decode --strict` and returns
// the report, which must say verified.
func (w *shellWalk) decodeStrict(t *testing.T, answer []byte) map[string]any {
	t.Helper()
	out := w.ottpay(t, string(answer), 0, "decode", "--strict")
	var rep map[string]any
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("ottpay decode --strict printed %q: %v", out, err)
	}
	if rep["kind"] != "response" || rep["verified"] != true {
		t.Errorf("the answer does not verify: %s", out)
	}
	return rep
}

// background starts a long-running ottpay command, as `&` does, and stops
// it with SIGINT (Ctrl-C) when the test ends; it must then exit 0.
func (w *shellWalk) background(t *testing.T, stdout, stderr io.Writer, args ...string) {
	t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = w.dir, w.env, stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ottpay %s after Ctrl-C: %v", args[0], err)
			}
		case <-time.After(wait):
			cmd.Process.Kill()
			<-done
			t.Errorf("ottpay %s did not stop on Ctrl-C", args[0])
		}
	})
}

// curlPost makes the request `curl -s -X POST URL` or `curl -s -H
// 'Content-Type: application/json' --data-binary @FILE URL` makes and
// returns the body of a 200 answer, which must come from the sandbox.
func curlPost(t *testing.T, url string, body []byte) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get(sandbox.Header) == "" {
		t.Fatalf("POST %s: %s, %s header %q, body %q (%v)", url, resp.Status, sandbox.Header, resp.Header.Get(sandbox.Header), b, err)
	}
	return b
}

// waitFor polls out until re matches, at most wait, and returns the first
// submatch.
func waitFor(t *testing.T, out *lockedBuffer, re *regexp.Regexp, what string) string {
	t.Helper()
	for end := time.Now().Add(wait); ; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		if time.Now().After(end) {
			t.Fatalf("no %s within %v; output so far:\n%s", what, wait, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// goTool is the go command of the toolchain running the test.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// lockedBuffer is an output a process writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The README section (testdata/readme-section.md, the text for the
// project README) shows exactly what the two walks run: its Go block is a
// subsequence of TestGoWalkthrough's lines, and its sh block's command
// lines are the shell steps' lines, all of them and in order. When the
// project README carries the section, it must carry it as written here.
func TestReadmeMatchesTests(t *testing.T) {
	section, err := os.ReadFile(filepath.Join("testdata", "readme-section.md"))
	if err != nil {
		t.Fatal(err)
	}
	goBlock, shBlock := fenced(string(section), "go"), fenced(string(section), "sh")
	if len(goBlock) == 0 || len(shBlock) == 0 {
		t.Fatal("the section lacks its go or sh block")
	}
	if n := strings.Count(string(section), "\n"); n > 60 {
		t.Errorf("the section is %d lines; keep it within 60", n)
	}

	src, err := os.ReadFile("walk_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	body = body[strings.Index(body, "func TestGoWalkthrough"):]
	body = body[:strings.Index(body, "\n}\n")]
	testLines := strings.Split(body, "\n")
	i := 0
	for _, l := range goBlock {
		for i < len(testLines) && strings.TrimSpace(testLines[i]) != strings.TrimSpace(l) {
			i++
		}
		if i == len(testLines) {
			t.Errorf("the README's Go line %q is not in TestGoWalkthrough (in this order)", l)
			break
		}
		i++
	}

	var want []string
	for _, s := range shellSteps() {
		want = append(want, s.lines...)
	}
	var got []string
	for _, l := range shBlock {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") && strings.TrimSpace(l) != "" {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the README's shell commands\n%s\nare not the tested ones\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	heading := strings.SplitN(string(section), "\n", 2)[0]
	if at := strings.Index(string(readme), heading+"\n"); at >= 0 && !strings.HasPrefix(string(readme[at:]), string(section)) {
		t.Errorf("README.md has the section %q, but not as in testdata/readme-section.md", heading)
	}
}

// fenced returns the lines of the first ``` block of the given language.
func fenced(text, lang string) []string {
	sc := bufio.NewScanner(strings.NewReader(text))
	var lines []string
	in := false
	for sc.Scan() {
		l := sc.Text()
		switch {
		case !in && l == "```"+lang:
			in = true
		case in && l == "```":
			return lines
		case in:
			lines = append(lines, l)
		}
	}
	return nil
}
