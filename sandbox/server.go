package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Version is the sandbox's version, sent in the X-OTTPay-Sandbox header of
// every answer.
const Version = "1"

// Header is the header every answer of the sandbox carries, with Version.
// A client can tell by it that it talks to the sandbox.
const Header = "X-OTTPay-Sandbox"

// ValuesHeader on a request overrides Options.Rule for that request's
// response and for the callbacks of the order it creates: "strings",
// "js", "php" or "java".
const ValuesHeader = "X-OTTPay-Sandbox-Values"

// DefaultRetrySchedule is the wait before each retry of an unacknowledged
// callback: WeChat Pay's notification schedule (24h4m in all). The first
// POST goes at once, so a delivery makes at most 1+len(schedule) POSTs.
func DefaultRetrySchedule() []time.Duration {
	m, h := time.Minute, time.Hour
	return []time.Duration{15 * time.Second, 15 * time.Second, 30 * time.Second, 3 * m, 10 * m, 20 * m,
		30 * m, 30 * m, 30 * m, 60 * m, 3 * h, 3 * h, 3 * h, 6 * h, 6 * h}
}

// AckRule decides whether a merchant's answer to a callback acknowledges
// it. body is at most the first 64 KiB of the answer.
type AckRule func(status int, body []byte) bool

// AckSuccess is the default rule: a 2xx status and a body that contains
// SUCCESS (in capitals), which every known merchant answer that means
// success satisfies ("SUCCESS", {"rsp_code":"SUCCESS",...}); a bare "OK" or
// an empty body is retried.
func AckSuccess(status int, body []byte) bool {
	return status >= 200 && status < 300 && strings.Contains(string(body), "SUCCESS")
}

// AckAny2xx accepts any 2xx status, whatever the body.
func AckAny2xx(status int, _ []byte) bool { return status >= 200 && status < 300 }

// Options configure a Server. The zero value is a sandbox on a free
// loopback port with no merchants.
type Options struct {
	// Addr is the address to listen on, "127.0.0.1:0" by default. Only
	// loopback addresses are accepted unless AllowRemote is set.
	Addr string
	// Merchants maps merchant_id to sign key.
	Merchants map[string]string
	// NoListener serves without a socket: only HTTPClient and Handler
	// reach the sandbox. Callbacks still go out over the network.
	NoListener bool
	// AllowRemote permits a non-loopback listening address and callback
	// URLs on other hosts.
	AllowRemote bool
	// TimeScale multiplies the sandbox's own clocks: the retry schedule and
	// order expiry (PREPAY_INIT duration). 0 means 1; 0.001 turns the 24h
	// schedule into about 87 s.
	TimeScale float64
	// RetrySchedule replaces DefaultRetrySchedule.
	RetrySchedule []time.Duration
	// Ack decides what acknowledges a callback; nil means AckSuccess.
	Ack AckRule
	// AutoPayAfter, if positive, pays every created order after this
	// (unscaled) delay, as if the payer scanned and paid.
	AutoPayAfter time.Duration
	// Rule is the sender whose habits responses and callbacks copy:
	// "" or codec.RuleStrings (the documented scheme), codec.RuleJS,
	// codec.RulePHP or codec.RuleJava. See the package doc.
	Rule codec.Rule
	// Log receives one line per request, state change and callback
	// attempt; nil discards them.
	Log io.Writer
	// Store keeps the state; nil means NewMemoryStore(). The server does
	// not close it.
	Store Store
	// CallbackTimeout bounds one callback POST; 0 means 10 s (unscaled).
	CallbackTimeout time.Duration
}

// Errors of the control methods, for errors.Is.
var (
	ErrNotFound     = errors.New("sandbox: no such order or delivery")
	ErrOrderPaid    = errors.New("sandbox: the order is already paid")
	ErrOrderClosed  = errors.New("sandbox: the order is closed")
	ErrDeclined     = errors.New("sandbox: the payer declined (magic amount 91)")
	ErrNotLoopback  = errors.New("sandbox: address is not loopback")
	ErrServerClosed = errors.New("sandbox: server closed")
	ErrBadOption    = errors.New("sandbox: bad option")
)

// Server is a running sandbox.
type Server struct {
	store     Store
	merchants map[string]string
	schedule  []time.Duration
	scale     float64
	ack       AckRule
	autoPay   time.Duration
	rule      codec.Rule
	remote    bool
	cbTimeout time.Duration

	logMu sync.Mutex
	log   io.Writer

	handler http.Handler
	url     string
	ln      net.Listener
	srv     *http.Server
	client  *http.Client // callbacks

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{}

	mu     sync.Mutex
	timers *timers
	// refunds indexes the order IDs of refunds (refund ID -> order ID),
	// so that an ID is checked against them in constant time; built from
	// the store by resume, kept by refund and Reset.
	refunds map[string]string
	closed  bool

	seq atomic.Uint64
}

// New starts a sandbox: it listens (unless NoListener), resumes pending
// deliveries, expiries and auto-payments from the store, and serves until
// Close.
func New(o Options) (*Server, error) {
	s := &Server{
		store:     o.Store,
		merchants: map[string]string{},
		schedule:  append([]time.Duration(nil), o.RetrySchedule...),
		scale:     o.TimeScale,
		ack:       o.Ack,
		autoPay:   o.AutoPayAfter,
		rule:      o.Rule,
		remote:    o.AllowRemote,
		cbTimeout: o.CallbackTimeout,
		log:       o.Log,
		kick:      make(chan struct{}, 1),
		timers:    newTimers(),
		refunds:   map[string]string{},
	}
	for id, key := range o.Merchants {
		if id == "" || key == "" {
			return nil, fmt.Errorf("%w: Merchants has an empty merchant_id or sign key", ErrBadOption)
		}
		s.merchants[id] = key
	}
	switch {
	case s.scale < 0 || s.scale != s.scale:
		return nil, fmt.Errorf("%w: TimeScale %v is negative", ErrBadOption, o.TimeScale)
	case s.scale == 0:
		s.scale = 1
	}
	if s.schedule == nil {
		s.schedule = DefaultRetrySchedule()
	}
	for _, d := range s.schedule {
		if d < 0 {
			return nil, fmt.Errorf("%w: RetrySchedule has a negative wait %v", ErrBadOption, d)
		}
	}
	if s.ack == nil {
		s.ack = AckSuccess
	}
	if s.rule == "" {
		s.rule = codec.RuleStrings
	}
	if err := checkRule(s.rule); err != nil {
		return nil, err
	}
	if s.cbTimeout <= 0 {
		s.cbTimeout = 10 * time.Second
	}
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	s.client = s.callbackClient()
	s.handler = s.routes()
	s.ctx, s.cancel = context.WithCancel(context.Background())

	// The state is loaded before anything is served.
	if err := s.resume(); err != nil {
		s.cancel()
		return nil, fmt.Errorf("sandbox: reading the store: %w", err)
	}
	if o.NoListener {
		s.url = "http://sandbox.ottpay.invalid"
	} else {
		addr := o.Addr
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		if err := checkListenAddr(addr, o.AllowRemote); err != nil {
			s.cancel()
			return nil, err
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			s.cancel()
			return nil, fmt.Errorf("sandbox: listen on %s: %w", addr, err)
		}
		s.ln = ln
		s.url = "http://" + ln.Addr().String()
		s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second,
			BaseContext: func(net.Listener) context.Context { return s.ctx }}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.srv.Serve(ln)
		}()
	}
	s.wg.Add(1)
	go s.loop()
	return s, nil
}

// checkRule accepts the rules the sandbox can send as.
func checkRule(r codec.Rule) error {
	switch r {
	case codec.RuleStrings, codec.RuleJS, codec.RulePHP, codec.RuleJava:
		return nil
	}
	return fmt.Errorf("%w: Rule %q: the sandbox sends as strings, js, php or java", ErrBadOption, r)
}

// checkListenAddr refuses a non-loopback address unless remote is allowed.
func checkListenAddr(addr string, remote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: Addr %q: %v", ErrBadOption, addr, err)
	}
	if remote || isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("%w: %q; the sandbox listens on 127.0.0.1 or ::1 only, unless remote access is allowed explicitly (AllowRemote, --allow-remote)", ErrNotLoopback, addr)
}

// isLoopbackHost reports whether host is "localhost" or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}

// URL returns the base URL, e.g. "http://127.0.0.1:41234". With
// NoListener it is a placeholder only HTTPClient reaches.
func (s *Server) URL() string { return s.url }

// Endpoint returns the URL requests are POSTed to: URL()+"/processV2".
func (s *Server) Endpoint() string { return s.url + "/processV2" }

// Handler returns the sandbox's HTTP handler (the gateway, the control
// API and the pay page).
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPClient returns a client that reaches the sandbox: over its socket,
// or with NoListener in memory, without any socket.
func (s *Server) HTTPClient() *http.Client {
	if s.ln == nil {
		return &http.Client{Transport: memTransport{h: s.handler, done: s.ctx.Done()}, Timeout: 30 * time.Second}
	}
	return &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}, Timeout: 30 * time.Second}
}

// Close stops the server: the listener, the timers and the callback
// attempts in flight (an attempt cut short is not recorded and stays
// pending in the store). It waits for every goroutine the server started.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	var err error
	if s.srv != nil {
		err = s.srv.Close()
	}
	s.wg.Wait()
	s.client.CloseIdleConnections()
	return err
}

// memTransport serves requests with the handler in memory, until the
// server closes.
type memTransport struct {
	h    http.Handler
	done <-chan struct{}
}

func (t memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	select {
	case <-t.done:
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, ErrServerClosed
	default:
	}
	rec := newRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				rec.WriteHeader(http.StatusInternalServerError)
			}
		}()
		t.h.ServeHTTP(rec, r)
	}()
	select {
	case <-done:
	case <-r.Context().Done():
		<-done // the handler watches the same context and returns soon
		return nil, r.Context().Err()
	}
	if r.Body != nil {
		r.Body.Close()
	}
	return rec.response(r), nil
}

// recorder is a minimal in-memory ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func (r *recorder) response(req *http.Request) *http.Response {
	r.WriteHeader(http.StatusOK)
	body := r.body.String()
	return &http.Response{
		Status: strconv.Itoa(r.status) + " " + http.StatusText(r.status), StatusCode: r.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: r.header, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: req,
	}
}

// callbackClient makes the client callbacks go out with: no proxy, no
// redirects, and unless remote is allowed a dialer that connects to
// loopback addresses only (checked on the address actually dialled, so a
// name resolving elsewhere is refused too).
func (s *Server) callbackClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !s.remote {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("%w: callback to %s refused (start the sandbox with remote access allowed to call other hosts)", ErrNotLoopback, address)
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, DialContext: d.DialContext, MaxIdleConnsPerHost: 64,
			IdleConnTimeout: 30 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// now is the sandbox's clock.
func (s *Server) now() time.Time { return time.Now().UTC() }

// scaled applies TimeScale to a duration of the gateway's clock.
func (s *Server) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * s.scale)
}

// newID returns a fresh identifier with the given prefix: letters and
// digits only, at most 20 characters (the card channels' order-ID limit).
func (s *Server) newID(prefix string) string {
	var b [4]byte
	rand.Read(b[:])
	n := s.seq.Add(1)
	id := prefix + strconv.FormatUint(n%1000000, 10) + strings.ToUpper(hex.EncodeToString(b[:]))
	if len(id) > 20 {
		id = id[:20]
	}
	return id
}

// logf writes one log line. Callers escape text a sender controls (see
// excerpt).
func (s *Server) logf(format string, args ...any) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, "%s sandbox: %s\n", s.now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// excerpt returns at most max bytes of b with every byte that is not
// printable ASCII written as \xNN (a backslash as \\), so that text a
// sender controls is safe in a terminal, a log line and JSON. It costs
// time linear in max, whatever len(b).
func excerpt(b []byte, max int) string {
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\\':
			sb.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, `\x%02x`, c)
		}
	}
	if cut {
		sb.WriteString("...")
	}
	return sb.String()
}

// payURL is the pay page of an order.
func (s *Server) payURL(id string) string {
	return s.url + "/_sandbox/pay/" + url.PathEscape(id)
}
