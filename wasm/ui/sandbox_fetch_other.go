//go:build !wasm

package ui

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// defaultFetch makes a request with net/http, outside the browser (the
// tests, and the server's pre-rendering).
func defaultFetch(ctx context.Context, method, url string, body []byte) (FetchAnswer, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return FetchAnswer{}, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return FetchAnswer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxSandboxBody+1))
	return FetchAnswer{Status: res.StatusCode, Sandbox: res.Header.Get(SandboxHeader), Body: b}, err
}
