package sandbox_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/sandbox"
	"github.com/ottpay-toolkit/ottpay/sandbox/boltstore"
)

// benchClients is how many clients the benchmarks run at once.
const benchClients = 64

// benchStores are the stores the benchmarks run the sandbox on.
var benchStores = []struct {
	name string
	open func(b *testing.B) sandbox.Store
}{
	{"memory", func(*testing.B) sandbox.Store { return sandbox.NewMemoryStore() }},
	{"bolt", func(b *testing.B) sandbox.Store {
		st, err := boltstore.Open(filepath.Join(b.TempDir(), "sandbox.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}},
}

// benchClient is the client code of every benchmark: keep-alive
// connections, one per concurrent client.
func benchClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil,
		MaxIdleConns: benchClients, MaxIdleConnsPerHost: benchClients}}
}

// benchRequest seals a request of the merchant.
func benchRequest(b *testing.B, action string, kv ...string) []byte {
	var data codec.Object
	for i := 0; i+1 < len(kv); i += 2 {
		data.SetString(kv[i], kv[i+1])
	}
	e := &codec.Envelope{Kind: codec.Request, Action: action, Version: "1.0", MerchantID: merchant}
	if err := e.Seal(&data, signKey, codec.RuleStrings); err != nil {
		b.Fatal(err)
	}
	body, err := e.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchPost POSTs one sealed request and decodes the answer strictly, as
// a merchant's client does; it fails unless the answer is SUCCESS.
func benchPost(client *http.Client, endpoint string, body []byte) error {
	resp, err := client.Post(endpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	env, opened, err := codec.DecodeBody(raw, signKey)
	if err != nil {
		return fmt.Errorf("%w: %.300s", err, raw)
	}
	if env.RspCode != "SUCCESS" || !opened.Verified {
		return fmt.Errorf("answer %s %s", env.RspCode, env.RspMsg)
	}
	return nil
}

// loadResult is what one run of the load measured.
type loadResult struct {
	elapsed   time.Duration
	requests  int
	latencies []time.Duration
}

func (r *loadResult) add(o loadResult) {
	r.elapsed += o.elapsed
	r.requests += o.requests
	r.latencies = append(r.latencies, o.latencies...)
}

func (r loadResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r loadResult) p99() time.Duration {
	slices.Sort(r.latencies)
	return r.latencies[(len(r.latencies)*99)/100]
}

// runLoad runs orders from..to-1 through endpoint with benchClients
// clients: each order is a create (ACTIVEPAY) then a STATUS_QUERY of it.
// The requests are sealed before the clock starts: sealing is the
// client's work, not the server's.
func runLoad(b *testing.B, client *http.Client, endpoint, prefix string, from, to int) loadResult {
	b.StopTimer()
	n := to - from
	creates, queries := make([][]byte, n), make([][]byte, n)
	for i := range n {
		id := fmt.Sprintf("%s%d", prefix, from+i)
		creates[i] = benchRequest(b, "ACTIVEPAY", "order_id", id, "operator_id", "0000000437",
			"amount", "1000", "biz_type", "WECHATPAY", "call_back_url", "http://127.0.0.1:9/cb")
		queries[i] = benchRequest(b, "STATUS_QUERY", "order_id", id, "operator_id", "0000000437")
	}
	var next atomic.Int64
	lat := make([][]time.Duration, benchClients)
	errs := make(chan error, benchClients)
	var wg sync.WaitGroup
	b.StartTimer()
	start := time.Now()
	for c := range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				for _, body := range [][]byte{creates[i], queries[i]} {
					t := time.Now()
					if err := benchPost(client, endpoint, body); err != nil {
						errs <- err
						return
					}
					lat[c] = append(lat[c], time.Since(t))
				}
			}
		}()
	}
	wg.Wait()
	r := loadResult{elapsed: time.Since(start), requests: 2 * n}
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	for _, l := range lat {
		r.latencies = append(r.latencies, l...)
	}
	return r
}

// bareServer is the peer: a net/http handler on loopback that reads the
// request and answers a fixed response sealed once, before the run.
func bareServer(b *testing.B) string {
	var data codec.Object
	data.SetString("order_id", "BARE")
	data.SetString("order_status", "SUCCESS")
	data.SetString("amount", "1000")
	e := &codec.Envelope{Kind: codec.Response, RspCode: "SUCCESS", RspMsg: "success"}
	if err := e.Seal(&data, signKey, codec.RuleStrings); err != nil {
		b.Fatal(err)
	}
	answer, err := e.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/processV2"
}

// BenchmarkGateway measures the sandbox's throughput on loopback with 64
// clients each creating orders (ACTIVEPAY) and querying them
// (STATUS_QUERY), beside a bare net/http handler answering a pre-sealed
// response to the same client code in the same run. b.N is the number of
// orders (two requests each). The two alternate in rounds, so that a
// change in the machine's load touches both alike; each has warm
// connections before the clock starts. Metrics: req/s and p99 latency of
// both, and sandbox/bare, the throughput ratio (the target is at least
// 0.5).
func BenchmarkGateway(b *testing.B) {
	const rounds = 4
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			bare := bareServer(b)
			sb, err := sandbox.New(sandbox.Options{Merchants: merchants(), Store: st.open(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer sb.Close()
			bareClient, sbClient := benchClient(), benchClient()
			defer bareClient.CloseIdleConnections()
			defer sbClient.CloseIdleConnections()
			runLoad(b, bareClient, bare, "WARM", 0, benchClients)
			runLoad(b, sbClient, sb.Endpoint(), "WARM", 0, benchClients)
			var peer, got loadResult
			b.ResetTimer()
			for r := range rounds {
				from, to := b.N*r/rounds, b.N*(r+1)/rounds
				if from == to {
					continue
				}
				peer.add(runLoad(b, bareClient, bare, "BARE", from, to))
				got.add(runLoad(b, sbClient, sb.Endpoint(), "ORD", from, to))
			}
			b.StopTimer()
			b.ReportMetric(got.perSecond(), "req/s")
			b.ReportMetric(float64(got.p99().Microseconds())/1000, "p99-ms")
			b.ReportMetric(peer.perSecond(), "bare-req/s")
			b.ReportMetric(float64(peer.p99().Microseconds())/1000, "bare-p99-ms")
			b.ReportMetric(got.perSecond()/peer.perSecond(), "sandbox/bare")
		})
	}
}

// BenchmarkCallbacks10k: 10,000 orders created and paid (control API) by
// 64 clients, each calling back to a receiver on loopback that
// acknowledges. An op is the whole run: from the first create to the
// last callback acknowledged. It fails if a callback is lost or the
// receiver's function sees an order twice.
func BenchmarkCallbacks10k(b *testing.B) {
	const orders = 10000
	for _, st := range benchStores {
		b.Run(st.name, func(b *testing.B) {
			for range b.N {
				runCallbacks(b, st.open(b), orders)
			}
		})
	}
}

func runCallbacks(b *testing.B, store sandbox.Store, n int) {
	b.StopTimer()
	var mu sync.Mutex
	seen := make(map[string]int, n)
	var acked atomic.Int64
	done := make(chan struct{})
	rcv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, opened, err := codec.DecodeBody(body, signKey)
		if err != nil || !opened.Verified {
			http.Error(w, "bad callback", http.StatusBadRequest)
			return
		}
		id, _ := opened.Object.Get("order_id")
		mu.Lock()
		seen[id.Text]++
		first := seen[id.Text] == 1
		mu.Unlock()
		io.WriteString(w, "SUCCESS")
		if first && acked.Add(1) == int64(n) {
			close(done)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go rcv.Serve(ln)
	defer rcv.Close()
	cb := "http://" + ln.Addr().String() + "/cb"

	sb, err := sandbox.New(sandbox.Options{Merchants: merchants(), Store: store,
		RetrySchedule: []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	creates := make([][]byte, n)
	for i := range n {
		creates[i] = benchRequest(b, "ACTIVEPAY", "order_id", fmt.Sprintf("CB%05d", i), "operator_id", "0000000437",
			"amount", "1000", "biz_type", "WECHATPAY", "call_back_url", cb)
	}
	client := benchClient()
	defer client.CloseIdleConnections()
	var next atomic.Int64
	errs := make(chan error, benchClients)
	b.StartTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := benchPost(client, sb.Endpoint(), creates[i]); err != nil {
					errs <- err
					return
				}
				resp, err := client.Post(fmt.Sprintf("%s/_sandbox/orders/CB%05d/pay", sb.URL(), i), "application/json", nil)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("pay CB%05d: %s", i, resp.Status)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("5 minutes on, %d of %d callbacks acknowledged", acked.Load(), n)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	// Nothing more arrives: every delivery is recorded as delivered, and
	// the receiver saw each order exactly once.
	ds, err := sb.Deliveries()
	if err != nil {
		b.Fatal(err)
	}
	settleBy := time.Now().Add(10 * time.Second)
	for undelivered(ds) > 0 && time.Now().Before(settleBy) {
		time.Sleep(10 * time.Millisecond)
		if ds, err = sb.Deliveries(); err != nil {
			b.Fatal(err)
		}
	}
	if len(ds) != n || undelivered(ds) != 0 {
		b.Fatalf("%d deliveries, %d not delivered; want %d, all delivered", len(ds), undelivered(ds), n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		b.Fatalf("the receiver saw %d orders, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			b.Fatalf("order %s called back %d times, want once", id, c)
		}
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "callbacks/s")
	b.StartTimer()
}

func undelivered(ds []sandbox.Delivery) int {
	n := 0
	for _, d := range ds {
		if d.State != sandbox.DeliveryDelivered {
			n++
		}
	}
	return n
}
