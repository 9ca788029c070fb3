package callback

import (
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/pay"
)

// Notification is a verified callback: the decrypted transaction data,
// typed, and what it came in. Parse returns one only when the md5 verified
// under the sign key of MerchantID.
//
// The typed fields are the callback data fields the docs list (see
// catalog.CallbackAction), read under their documented names or alternative
// spellings (orderId for order_id, ...). A field the callback does not carry
// is the zero value; Data holds every member as sent, unknown ones too.
type Notification struct {
	MerchantID  string // merchant_id: the merchant whose sign key verified the callback
	OrderID     string // order_id (the docs call it the OTT Pay payment ID)
	OrderStatus string // order_status, e.g. "authorised", "captured"; often absent

	Amount         pay.Cents // amount, in cents
	Tip            pay.Cents // tip, in cents
	ConvenienceFee pay.Cents // convenience_fee, in cents (wallet payments)

	BizpayOrderID string // bizpay_order_id: the wallet channel's order number
	SaleNum       string // sale_num: the merchant's sale number
	Reference     string // reference: the merchant's reference (REST)
	Remarks       string // remarks
	SubOpenID     string // sub_openId: the payer's wallet client ID
	ExchangeRate  string // exchange_rate, as sent ("5.057030")
	FinishTime    string // finish_time, as sent ("2023-03-23 01:21:53"; formats vary)

	// Rule is the sender rule under which the md5 verified: RuleStrings
	// for the documented scheme, or the rule of a sender that sent other
	// values than strings.
	Rule codec.Rule
	// Data is the verified, decrypted transaction data: every member in
	// the order sent, with its text as sent.
	Data *codec.Object
	// Envelope is the outer message. Only its Data and MD5 are protected:
	// RspCode, RspMsg and MerchantID are unauthenticated and must not
	// decide anything.
	Envelope *codec.Envelope
}

// Key returns the dedupe key of n: its merchant, order and status. A
// callback without an order_id is keyed by its md5 instead, so that only a
// byte-identical copy counts as the same callback.
func (n *Notification) Key() Key {
	k := Key{MerchantID: n.MerchantID, OrderID: n.OrderID, OrderStatus: n.OrderStatus}
	if n.OrderID == "" && n.Envelope != nil {
		k.MD5 = strings.ToUpper(n.Envelope.MD5)
	}
	return k
}

// field is one documented callback data field.
type field struct {
	name    string
	aliases []string
	cents   bool
}

// fields are the callback data fields of the docs (§9; the same list as
// catalog.CallbackAction, which a test checks), in documentation order.
var fields = [...]field{
	{name: "finish_time"},
	{name: "merchant_id", aliases: []string{"merId"}},
	{name: "order_id", aliases: []string{"orderId"}},
	{name: "order_status"},
	{name: "amount", cents: true},
	{name: "tip", aliases: []string{"Tip"}, cents: true},
	{name: "bizpay_order_id"},
	{name: "remarks"},
	{name: "exchange_rate"},
	{name: "sale_num"},
	{name: "convenience_fee", cents: true},
	{name: "sub_openId"},
	{name: "reference"},
}

// lookupField returns the index in fields of the documented field a
// member name stands for, or -1.
func lookupField(key string) int {
	for i := range fields {
		if fields[i].name == key {
			return i
		}
		for _, a := range fields[i].aliases {
			if a == key {
				return i
			}
		}
	}
	return -1
}

// text returns the string a typed field takes from v: a string's value, a
// number or boolean as written; null is absent.
func (f *field) text(v codec.Value) (string, *codec.Error) {
	switch v.Kind {
	case codec.KindString, codec.KindNumber, codec.KindBool:
		return v.Text, nil
	case codec.KindNull:
		return "", nil
	}
	return "", fieldErr(f.name+" is a JSON "+v.Kind.String()+", not a string",
		"the sender put a nested value where the docs have a string; see the whole data with codec.DecodeBody (ottpay decode --strict) and ask OTT Pay")
}

// cents reads an amount field: a string of digits as the docs say, or a
// JSON number whose value is a whole number of cents (3, 3.0, 3E2, as Java
// and JavaScript senders write them). Empty or null is zero.
func (f *field) centsOf(v codec.Value) (pay.Cents, *codec.Error) {
	switch v.Kind {
	case codec.KindNull:
		return 0, nil
	case codec.KindString:
		if v.Text == "" {
			return 0, nil
		}
		c, err := pay.ParseCents(v.Text)
		if err == nil {
			return c, nil
		}
	case codec.KindNumber:
		if c, ok := numberCents(v.Text); ok {
			return c, nil
		}
	}
	return 0, fieldErr(f.name+" "+codec.Quote(v.Text, 40)+" is not a whole, non-negative number of cents",
		"the docs send amounts as a string of digits in cents (\"100\" is 1.00); the callback verified, so the sender wrote it so: see the whole data with codec.DecodeBody (ottpay decode --strict) and ask OTT Pay")
}

// numberCents reads a JSON number literal whose value is a whole,
// non-negative number below 10^18 (3, 3.0, 1.0E7). The exponent is bounded,
// so the work is linear in the literal.
func numberCents(lit string) (pay.Cents, bool) {
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e := lit[i+1:]
		neg := false
		if e != "" && (e[0] == '+' || e[0] == '-') {
			neg, e = e[0] == '-', e[1:]
		}
		if e == "" || len(e) > 3 {
			return 0, false
		}
		for _, c := range []byte(e) {
			if c < '0' || c > '9' {
				return 0, false
			}
			exp = exp*10 + int(c-'0')
		}
		if neg {
			exp = -exp
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	if exp < 0 {
		if -exp > len(digits) {
			if strings.Trim(digits, "0") != "" {
				return 0, false
			}
			digits = ""
		} else {
			tail := digits[len(digits)+exp:]
			if strings.Trim(tail, "0") != "" {
				return 0, false
			}
			digits = digits[:len(digits)+exp]
		}
	} else if digits != "" {
		if len(digits)+exp > 18 {
			return 0, false
		}
		digits += strings.Repeat("0", exp)
	}
	if digits == "" {
		digits = "0"
	}
	c, err := pay.ParseCents(digits)
	return c, err == nil
}

// notification types the members of a verified data object.
func notification(o *codec.Object) (*Notification, *codec.Error) {
	n := &Notification{Data: o}
	var seen [len(fields)]string // the member name each field was read from
	for _, m := range o.Members {
		i := lookupField(m.Key)
		if i < 0 {
			continue
		}
		f := &fields[i]
		if seen[i] != "" {
			return nil, fieldErr("the data carries both "+seen[i]+" and "+m.Key,
				"two spellings of one field; the callback verified, so the sender wrote both: ask OTT Pay which one counts")
		}
		seen[i] = m.Key
		if err := n.set(f, m.Value); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// set stores one member in its typed field.
func (n *Notification) set(f *field, v codec.Value) *codec.Error {
	if f.cents {
		c, err := f.centsOf(v)
		if err != nil {
			return err
		}
		switch f.name {
		case "amount":
			n.Amount = c
		case "tip":
			n.Tip = c
		case "convenience_fee":
			n.ConvenienceFee = c
		}
		return nil
	}
	s, err := f.text(v)
	if err != nil {
		return err
	}
	switch f.name {
	case "finish_time":
		n.FinishTime = s
	case "merchant_id":
		n.MerchantID = s
	case "order_id":
		n.OrderID = s
	case "order_status":
		n.OrderStatus = s
	case "bizpay_order_id":
		n.BizpayOrderID = s
	case "remarks":
		n.Remarks = s
	case "exchange_rate":
		n.ExchangeRate = s
	case "sale_num":
		n.SaleNum = s
	case "sub_openId":
		n.SubOpenID = s
	case "reference":
		n.Reference = s
	}
	return nil
}
