package pay

import (
	"github.com/ottpay-toolkit/ottpay/codec"
)

// value sets a nested member (an object or array) when it has text.
func (r *request) value(name string, v codec.Value) {
	if v.Text != "" {
		r.data.Set(name, v)
	}
}

// decoder reads verified response members into typed fields, keeping the
// first problem.
type decoder struct {
	err error
}

// str returns the text of a member: a string as decoded, a number as
// written, "" for null, nested values as JSON.
func (d *decoder) str(m codec.Member) string {
	if m.Value.Kind == codec.KindNull {
		return ""
	}
	return m.Value.Text
}

// cents reads an amount in whole cents; an empty or null one is zero.
func (d *decoder) cents(m codec.Member) Cents {
	s := d.str(m)
	if s == "" {
		return 0
	}
	c, err := ParseCents(s)
	if err != nil && d.err == nil {
		d.err = codecError(ErrBadResponseField,
			m.Key+" is "+codec.Quote(s, 40)+", not an amount in whole cents",
			"the data verified, so the gateway sent it so; read it from Result.Data()")
	}
	return c
}

// check returns an error for the first field that could not be read,
// carrying the verified result.
func (d *decoder) check(res *Result) error {
	if d.err == nil {
		return nil
	}
	return &Error{Action: res.Action, OrderID: res.RequestOrderID, Stage: "response", Err: d.err, Result: res}
}
