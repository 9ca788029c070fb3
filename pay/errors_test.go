package pay_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/pay"
)

func activePay(c *pay.Client) (*pay.ActivePayRetailResponse, error) {
	return c.ActivePayRetail(context.Background(), &pay.ActivePayRetailRequest{
		OperatorID: "0000000437", Amount: 100, BizType: "WECHATPAY", CallBackURL: "https://shop.example/back"})
}

// C3: every Appendix B code: SUCCESS and PROCESSING are answers, every
// other code an *APIError that errors.Is matches to its own sentinel only.
func TestEveryResponseCode(t *testing.T) {
	codes := catalog.Codes()
	if len(codes) < 10 {
		t.Fatalf("the catalogue has %d Appendix B codes", len(codes))
	}
	sentinels := map[error]string{}
	for _, c := range codes {
		if s := pay.Sentinel(c.Code); s != nil {
			if other, dup := sentinels[s]; dup {
				t.Errorf("%s and %s share a sentinel", other, c.Code)
			}
			sentinels[s] = c.Code
		}
	}
	if len(sentinels) != len(codes)-2 {
		t.Errorf("%d sentinels for %d codes, want one per code but SUCCESS and PROCESSING", len(sentinels), len(codes))
	}
	for _, code := range codes {
		t.Run(code.Code, func(t *testing.T) {
			f := newFake(t)
			f.setAnswer(func(w http.ResponseWriter, _ *http.Request, rec *received) {
				f.reply(w, code.Code, "message for "+code.Code, responseData(rec), testKey)
			})
			rsp, err := activePay(f.client(t))
			switch code.Code {
			case "SUCCESS", "PROCESSING":
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				if rsp.Processing() != (code.Code == "PROCESSING") || rsp.Succeeded() != (code.Code == "SUCCESS") {
					t.Errorf("Processing() %v, Succeeded() %v for %s", rsp.Processing(), rsp.Succeeded(), code.Code)
				}
				return
			}
			if rsp != nil {
				t.Errorf("a typed response came with the failure")
			}
			var apiErr *pay.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T), want *APIError", err, err)
			}
			if apiErr.Code != code.Code || apiErr.Meaning != code.Meaning || !apiErr.Verified ||
				apiErr.Message != "message for "+code.Code || apiErr.Result == nil || apiErr.OrderID == "" {
				t.Errorf("APIError %+v", apiErr)
			}
			for s, c := range sentinels {
				if errors.Is(err, s) != (c == code.Code) {
					t.Errorf("errors.Is(err, sentinel of %s) = %v", c, errors.Is(err, s))
				}
			}
			if !strings.Contains(err.Error(), code.Code) || !strings.Contains(err.Error(), strings.TrimSuffix(code.Meaning, ".")) {
				t.Errorf("message %q does not give the code and its meaning", err)
			}
			noKey(t, err.Error())
		})
	}
}

// The exported names are the ones callers use.
func TestNamedSentinels(t *testing.T) {
	for code, want := range map[string]error{
		"ORDER_USED": pay.ErrOrderUsed, "ORDER_PAID": pay.ErrOrderPaid, "PARAM_INVALID": pay.ErrParamInvalid,
		"FAIL": pay.ErrFail, "SYSTEM_ERROR": pay.ErrSystemError, "PWD_INCORRECT": pay.ErrPwdIncorrect,
		"TIMEOUT": pay.ErrTimeout, "PARAM_ERROR": pay.ErrParamError, "DB_ERROR": pay.ErrDBError,
		"ORDER_TYPE_ERROR": pay.ErrOrderTypeError,
	} {
		if got := pay.Sentinel(code); got != want {
			t.Errorf("sentinel of %s is %v, want %v", code, got, want)
		}
	}
}

// A failure response without data or md5 is the gateway's answer, not a
// decoding failure; an undocumented code is an APIError matching no
// sentinel; a code inside the verified data wins over the envelope's.
func TestFailureShapes(t *testing.T) {
	t.Run("no data", func(t *testing.T) {
		f := newFake(t)
		f.setAnswer(func(w http.ResponseWriter, _ *http.Request, _ *received) {
			f.reply(w, "ORDER_USED", "order used", nil, testKey)
		})
		_, err := activePay(f.client(t))
		var apiErr *pay.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, pay.ErrOrderUsed) || apiErr.Verified {
			t.Fatalf("error %v, want an unverified APIError ORDER_USED", err)
		}
		if errors.Is(err, pay.ErrOutcomeUnknown) {
			t.Error("a documented refusal is not an unknown outcome")
		}
	})
	t.Run("undocumented code", func(t *testing.T) {
		f := newFake(t)
		f.setAnswer(func(w http.ResponseWriter, _ *http.Request, rec *received) {
			f.reply(w, "NEW_CODE\x1b[31m", "?", responseData(rec), testKey)
		})
		_, err := activePay(f.client(t))
		var apiErr *pay.APIError
		if !errors.As(err, &apiErr) || apiErr.Meaning != "" || errors.Unwrap(err) != nil {
			t.Fatalf("error %v, want an APIError without sentinel", err)
		}
		if strings.Contains(err.Error(), "\x1b") {
			t.Errorf("the code reaches the message unescaped: %q", err)
		}
	})
	t.Run("inner code", func(t *testing.T) {
		f := newFake(t)
		f.setAnswer(func(w http.ResponseWriter, _ *http.Request, rec *received) {
			d := responseData(rec)
			d.SetString("rspCode", "FAIL")
			d.SetString("rspMsg", "card declined")
			f.reply(w, "SUCCESS", "success", d, testKey)
		})
		_, err := f.client(t).CCQueryPayGlobalPaymentsPortico(context.Background(),
			&pay.CCQueryPayGlobalPaymentsPorticoRequest{OrderID: "A1", TermID: "T1", ChannelType: "07", BizType: "000000"})
		var apiErr *pay.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, pay.ErrFail) || apiErr.Message != "card declined" {
			t.Fatalf("error %v, want the verified inner FAIL", err)
		}
	})
}

// C4: a response that was tampered with, made with another key or meant
// for another request is an error naming the codec layer, with no typed
// value; for a money-moving action the outcome is unknown.
func TestTamperedResponses(t *testing.T) {
	otherData := func(rec *received) *codec.Object {
		d := responseData(rec)
		d.SetString("code_url", "weixin://other")
		return d
	}
	cases := []struct {
		name   string
		body   func(t *testing.T, rec *received) []byte
		layers []codec.Layer // any of these
		is     error
	}{
		{"ciphertext byte", func(t *testing.T, rec *received) []byte {
			env := sealEnv(t, responseData(rec), testKey)
			raw, _ := base64.StdEncoding.DecodeString(env.Data)
			raw[3] ^= 0x01
			env.Data = base64.StdEncoding.EncodeToString(raw)
			return marshal(t, env)
		}, []codec.Layer{codec.LayerPlaintext, codec.LayerDecrypt, codec.LayerVerify}, nil},
		{"last block", func(t *testing.T, rec *received) []byte {
			env := sealEnv(t, responseData(rec), testKey)
			raw, _ := base64.StdEncoding.DecodeString(env.Data)
			raw[len(raw)-1] ^= 0x80
			env.Data = base64.StdEncoding.EncodeToString(raw)
			return marshal(t, env)
		}, []codec.Layer{codec.LayerDecrypt, codec.LayerPlaintext}, nil},
		{"md5 swapped", func(t *testing.T, rec *received) []byte {
			env := sealEnv(t, responseData(rec), testKey)
			env.MD5 = sealEnv(t, otherData(rec), testKey).MD5
			return marshal(t, env)
		}, []codec.Layer{codec.LayerDecrypt, codec.LayerPlaintext, codec.LayerVerify}, nil},
		{"data swapped", func(t *testing.T, rec *received) []byte {
			env := sealEnv(t, responseData(rec), testKey)
			env.Data = sealEnv(t, otherData(rec), testKey).Data
			return marshal(t, env)
		}, []codec.Layer{codec.LayerDecrypt, codec.LayerPlaintext, codec.LayerVerify}, nil},
		{"wrong key", func(t *testing.T, rec *received) []byte {
			return marshal(t, sealEnv(t, responseData(rec), "0123456789ABCDEF"))
		}, []codec.Layer{codec.LayerDecrypt, codec.LayerPlaintext}, nil},
		{"another order", func(t *testing.T, rec *received) []byte {
			d := responseData(rec)
			d.SetString("order_id", "99999999999999999999")
			return marshal(t, sealEnv(t, d, testKey))
		}, []codec.Layer{codec.LayerPlaintext}, pay.ErrOrderMismatch},
		{"another merchant", func(t *testing.T, rec *received) []byte {
			d := responseData(rec)
			d.SetString("merchant_id", "QC00005496")
			return marshal(t, sealEnv(t, d, testKey))
		}, []codec.Layer{codec.LayerPlaintext}, pay.ErrMerchantMismatch},
		{"not JSON", func(t *testing.T, _ *received) []byte { return []byte("<html>gateway</html>") },
			[]codec.Layer{codec.LayerEnvelope}, codec.ErrNotJSON},
		{"a request echoed", func(_ *testing.T, rec *received) []byte { return rec.Body },
			[]codec.Layer{codec.LayerEnvelope}, pay.ErrNotResponse},
		{"success without data", func(t *testing.T, _ *received) []byte {
			return sealResponse(t, "SUCCESS", "success", nil, testKey)
		}, []codec.Layer{codec.LayerEnvelope}, codec.ErrNoData},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.setAnswer(func(w http.ResponseWriter, _ *http.Request, rec *received) {
				_, _ = w.Write(tc.body(t, rec))
			})
			rsp, err := activePay(f.client(t))
			if rsp != nil || err == nil {
				t.Fatalf("got %+v, %v; want no response and an error", rsp, err)
			}
			var ce *codec.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v does not wrap a *codec.Error", err)
			}
			found := false
			for _, l := range tc.layers {
				found = found || ce.Layer == l
			}
			if !found || !strings.Contains(err.Error(), string(ce.Layer)) {
				t.Errorf("layer %q (message %q), want one of %q named", ce.Layer, err, tc.layers)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			var pe *pay.Error
			if !errors.As(err, &pe) || pe.Stage != "response" || !errors.Is(err, pay.ErrOutcomeUnknown) {
				t.Errorf("error %v: want a response-stage *pay.Error with an unknown outcome", err)
			}
			var apiErr *pay.APIError
			if errors.As(err, &apiErr) {
				t.Errorf("a tampered response became an APIError")
			}
			noKey(t, err.Error())
			if len(err.Error()) > 600 {
				t.Errorf("message of %d bytes: %q", len(err.Error()), err)
			}
		})
	}
}

func sealEnv(t *testing.T, data *codec.Object, key string) *codec.Envelope {
	t.Helper()
	env := &codec.Envelope{Kind: codec.Response, RspCode: "SUCCESS", RspMsg: "success"}
	if err := env.Seal(data, key, codec.RuleStrings); err != nil {
		t.Fatal(err)
	}
	return env
}

func marshal(t *testing.T, env *codec.Envelope) []byte {
	t.Helper()
	b, err := env.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
