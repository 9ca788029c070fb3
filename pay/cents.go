package pay

import (
	"errors"
	"strconv"
)

// Cents is an amount in the currency's smallest unit (cents for CAD and
// USD), as OTT Pay's amount fields count it. It is rendered as the decimal
// string the API wants: Cents(100) is "100", one dollar.
type Cents int64

// ErrBadAmount reports an amount text that is not a whole number of cents.
var ErrBadAmount = errors.New("pay: amount is not a whole, non-negative number of cents")

// String returns the decimal text of c, as sent in transaction data.
func (c Cents) String() string { return strconv.FormatInt(int64(c), 10) }

// Money returns c as a decimal amount with two places, "12.34", for people.
func (c Cents) Money() string {
	n := int64(c)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	frac := strconv.FormatInt(n%100+100, 10)[1:]
	return sign + strconv.FormatInt(n/100, 10) + "." + frac
}

// ParseCents reads an amount as OTT Pay sends it: ASCII digits only, at
// most 18 of them, no sign, no decimal point ("100" is one dollar). An
// empty text is an error, not zero.
func ParseCents(s string) (Cents, error) {
	if s == "" || len(s) > 18 {
		return 0, ErrBadAmount
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrBadAmount
		}
		n = n*10 + int64(c-'0')
	}
	return Cents(n), nil
}

// MarshalText implements encoding.TextMarshaler.
func (c Cents) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseCents.
func (c *Cents) UnmarshalText(b []byte) error {
	v, err := ParseCents(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
