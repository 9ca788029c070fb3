package callback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// DefaultMaxBody is the default bound on a callback body: 64 KiB, some
// thirty times the largest documented callback.
const DefaultMaxBody = 64 << 10

// DefaultAckBody is the body of the default acknowledgement, sent with
// status 200. The docs do not say what OTT Pay expects; "SUCCESS" is what
// the upstream wallets and most peers answer (see WithAck).
const DefaultAckBody = "SUCCESS"

// An Option configures NewHandler.
type Option func(*handler)

// WithAck sets the acknowledgement, written byte for byte: the status (a
// 2xx) and the body, with Content-Length and a Content-Type of
// application/json when the body is a JSON value, text/plain otherwise.
// The default is 200 and "SUCCESS".
func WithAck(status int, body []byte) Option {
	return func(h *handler) {
		if status < 200 || status > 299 {
			panic("callback: WithAck: status " + strconv.Itoa(status) + " is not a 2xx status")
		}
		h.ackStatus, h.ackBody = status, append([]byte(nil), body...)
	}
}

// WithMaxBody bounds the body: a longer one gets 413 and is not read
// further. The default is DefaultMaxBody.
func WithMaxBody(n int64) Option {
	return func(h *handler) {
		if n < 1 || n > 16<<20 {
			panic("callback: WithMaxBody: " + strconv.FormatInt(n, 10) + " is not between 1 and 16 MiB")
		}
		h.maxBody = n
	}
}

// WithDeduper sets the memory of handled callbacks. The default is
// NewMemoryDeduper(DefaultMemoryKeys).
func WithDeduper(d Deduper) Option {
	return func(h *handler) {
		if d == nil {
			panic("callback: WithDeduper: nil Deduper")
		}
		h.dedupe = d
	}
}

// WithLogger sets where rejected callbacks, errors and panics of the
// function are logged; nil discards them. The default is slog.Default().
// Sender text reaches the log only quoted, with control characters escaped.
func WithLogger(l *slog.Logger) Option {
	return func(h *handler) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		h.log = l
	}
}

// NewHandler returns an http.Handler that receives OTT Pay callbacks: it
// verifies each with Parse under keys, calls fn once per new callback with
// the verified Notification and the request's context, and answers as the
// package doc says (the acknowledgement when fn returns nil or the callback
// was handled before, 500 when fn fails or panics, 4xx when the callback is
// refused, in which case fn is not called).
//
// It serves every path; mount it where the call_back_url points. NewHandler
// panics if keys or fn is nil or an option is invalid: those are mistakes
// in the program, not in a request.
func NewHandler(keys Keys, fn func(context.Context, *Notification) error, opts ...Option) http.Handler {
	if keys == nil {
		panic("callback: NewHandler: nil Keys")
	}
	if fn == nil {
		panic("callback: NewHandler: nil function")
	}
	h := &handler{
		keys:      keys,
		fn:        fn,
		ackStatus: http.StatusOK,
		ackBody:   []byte(DefaultAckBody),
		maxBody:   DefaultMaxBody,
		log:       slog.Default(),
		inflight:  make(map[Key]*call),
	}
	for _, o := range opts {
		o(h)
	}
	if h.dedupe == nil {
		h.dedupe = NewMemoryDeduper(DefaultMemoryKeys)
	}
	h.ackType = "text/plain; charset=utf-8"
	if json.Valid(h.ackBody) {
		h.ackType = "application/json"
	}
	return h
}

type handler struct {
	keys      Keys
	fn        func(context.Context, *Notification) error
	ackStatus int
	ackBody   []byte
	ackType   string
	maxBody   int64
	dedupe    Deduper
	log       *slog.Logger

	mu       sync.Mutex
	inflight map[Key]*call // callbacks being handled now, by key
	waiting  atomic.Int64  // duplicates waiting for the first copy now
}

// call is one callback being handled; duplicates wait on done and answer
// with status.
type call struct {
	done   chan struct{}
	status int // the acknowledgement status, or 500
}

// The bodies of the refusals. They name no detail: that is in the log.
const (
	bodyMethod    = "method not allowed: callbacks are POSTed\n"
	bodyTooLarge  = "callback body too large\n"
	bodyMalformed = "malformed callback\n"
	bodyRefused   = "callback not verified\n"
	bodyFailed    = "callback not handled; send it again\n"
)

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, r, http.StatusMethodNotAllowed, bodyMethod, "method "+codec.Quote(r.Method, 20))
		return
	}
	if r.ContentLength > h.maxBody {
		h.reject(w, r, http.StatusRequestEntityTooLarge, bodyTooLarge,
			"Content-Length "+strconv.FormatInt(r.ContentLength, 10)+" is over the limit of "+strconv.FormatInt(h.maxBody, 10))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.reject(w, r, http.StatusRequestEntityTooLarge, bodyTooLarge,
				"the body is over the limit of "+strconv.FormatInt(h.maxBody, 10)+" bytes")
			return
		}
		h.reject(w, r, http.StatusBadRequest, bodyMalformed, "reading the body: "+err.Error())
		return
	}
	n, perr := parse(body, h.keys)
	if perr != nil {
		status := HTTPStatus(perr)
		text := bodyRefused
		switch status {
		case http.StatusBadRequest:
			text = bodyMalformed
		case http.StatusRequestEntityTooLarge:
			text = bodyTooLarge
		case http.StatusInternalServerError:
			text = bodyFailed
		}
		h.reject(w, r, status, text, perr.Error())
		return
	}
	h.handle(w, r, n)
}

// handle runs fn for a verified callback, once per key.
func (h *handler) handle(w http.ResponseWriter, r *http.Request, n *Notification) {
	ctx := r.Context()
	k := n.Key()
	h.mu.Lock()
	if c := h.inflight[k]; c != nil {
		h.mu.Unlock()
		h.waiting.Add(1)
		defer h.waiting.Add(-1)
		select {
		case <-c.done:
			h.answer(w, c.status)
		case <-ctx.Done():
			// The sender gave up; it will send the callback again.
		}
		return
	}
	c := &call{done: make(chan struct{}), status: http.StatusInternalServerError}
	h.inflight[k] = c
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.inflight, k)
		h.mu.Unlock()
		close(c.done)
	}()

	handled, err := h.dedupe.Handled(ctx, k)
	switch {
	case err != nil:
		h.log.Error("callback: the deduper failed; answered 500", "order_id", clean(n.OrderID), "error", clean(err.Error()))
	case handled:
		c.status = h.ackStatus
	default:
		if err := h.call(ctx, n); err != nil {
			h.log.Error("callback: the function failed; answered 500 so that the gateway sends it again",
				"merchant_id", clean(n.MerchantID), "order_id", clean(n.OrderID), "order_status", clean(n.OrderStatus), "error", clean(err.Error()))
			break
		}
		if err := h.dedupe.MarkHandled(ctx, k); err != nil {
			h.log.Error("callback: handled, but the deduper could not record it; a copy will be handled again",
				"order_id", clean(n.OrderID), "error", clean(err.Error()))
		}
		c.status = h.ackStatus
	}
	h.answer(w, c.status)
}

// call runs fn, turning a panic into an error.
func (h *handler) call(ctx context.Context, n *Notification) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			h.log.Error("callback: the function panicked", "panic", clean(fmt.Sprint(p)), "stack", clean(string(debug.Stack())))
		}
	}()
	return h.fn(ctx, n)
}

// answer writes the acknowledgement, or the 500 of a failed call.
func (h *handler) answer(w http.ResponseWriter, status int) {
	if status != h.ackStatus {
		writeText(w, status, bodyFailed)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", h.ackType)
	hd.Set("Content-Length", strconv.Itoa(len(h.ackBody)))
	w.WriteHeader(h.ackStatus)
	w.Write(h.ackBody)
}

// reject logs why a request was refused and answers it.
func (h *handler) reject(w http.ResponseWriter, r *http.Request, status int, body, why string) {
	h.log.Warn("callback: refused", "status", status, "remote", clean(r.RemoteAddr), "why", clean(why))
	writeText(w, status, body)
}

func writeText(w http.ResponseWriter, status int, body string) {
	hd := w.Header()
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}
