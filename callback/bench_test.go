package callback_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/ottpay-toolkit/ottpay/callback"
	"github.com/ottpay-toolkit/ottpay/callback/callbacktest"
	"github.com/ottpay-toolkit/ottpay/codec"
)

// BenchmarkParse measures Parse on the published callback beside its peer,
// codec.DecodeBody alone (BenchmarkDecodeBody): the difference is the key
// lookup's envelope parse, the merchant check and the typing.
func BenchmarkParse(b *testing.B) {
	v := loadVector(b)
	body, keys := []byte(v.Body), testKeys(v)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := callback.Parse(body, keys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBody(b *testing.B) {
	v := loadVector(b)
	body := []byte(v.Body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := codec.DecodeBody(body, v.SignKey); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlerDuplicate measures the handler answering a copy of a
// callback already handled (the path a retrying gateway takes), without a
// socket.
func BenchmarkHandlerDuplicate(b *testing.B) {
	v := loadVector(b)
	body := []byte(v.Body)
	h := callback.NewHandler(testKeys(v), func(context.Context, *callback.Notification) error { return nil }, callback.WithLogger(nil))
	h.ServeHTTP(httptest.NewRecorder(), callbacktest.NewRequest("/", body))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, callbacktest.NewRequest("/", body))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
