package batch

import (
	"context"
	"strconv"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// warmKey signs the synthetic callbacks of Warm: a throwaway key, used for
// nothing else.
const warmKey = "0123456789ABCDEF"

// WarmEnvelopes is the number of synthetic callbacks Warm decodes: in
// Chromium, enough for V8 to compile the decoding code with its optimizing
// compiler (it starts every function in a quick baseline compiler, about
// three times slower on this code).
const WarmEnvelopes = 600

// WarmChunk is the chunk Warm is run with on the Batch page: small, so
// that the page answers the user between chunks while it warms up.
const WarmChunk = 50

// Warm decodes a small batch of synthetic callbacks, shaped like real ones
// and signed with a throwaway key, in chunks of opt.Chunk, yielding with
// opt.Yield (or pausing opt.Pause) between them as Decode does, and
// discards the outcome; opt's Keys, Decode and Progress are not used. A page calls it once, soon
// after it loads and before the user's first decode, so that the user's
// first decode of a large file runs compiled code and an already grown
// heap, instead of paying for both. It stops early when ctx is cancelled.
func Warm(ctx context.Context, opt Options) {
	text := warmText(WarmEnvelopes)
	opt.Decode, opt.Keys, opt.Progress = nil, report.SingleKey(warmKey), nil
	res, _ := DecodeText(ctx, text, opt)
	if res != nil && len(res.Rows) > 0 {
		t := NewTable(res.Rows)
		t.Sort(ColAmount, false)
		t.SetFilter(Filter{Text: "captured"})
	}
}

// warmText returns n synthetic callbacks, one per line.
func warmText(n int) []byte {
	var out []byte
	for i := range n {
		o := &codec.Object{}
		id := strconv.Itoa(20240106044156286 + i)
		o.SetString("amount", strconv.Itoa(100+i*37))
		o.SetString("bizpay_order_id", "1HSCNH00P1LB49R9")
		o.SetString("convenience_fee", "31")
		o.SetString("exchange_rate", "5.352266")
		o.SetString("finish_time", "20240820182518")
		o.SetString("merchant_id", "WARM000000")
		o.SetString("order_id", id)
		o.SetString("order_status", "captured")
		o.SetString("reference", "PTM"+id)
		o.SetString("remarks", "咖啡 café ☕")
		o.SetString("tip", "0")
		e := &codec.Envelope{Kind: codec.Callback, RspCode: "SUCCESS", RspMsg: "success", MerchantID: "WARM000000"}
		if err := e.Seal(o, warmKey, codec.RuleStrings); err != nil {
			return out // cannot happen: every value is a string
		}
		b, err := e.MarshalJSON()
		if err != nil {
			return out
		}
		out = append(append(out, b...), '\n')
	}
	return out
}
