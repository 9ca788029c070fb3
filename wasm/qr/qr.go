// Package qr turns a payment link (the code_url of a decrypted response)
// into the modules of a QR code a phone can scan, drawn on the device: no
// image is fetched from anywhere.
//
// The symbol is encoded by rsc.io/qr (the QR encoder of Russ Cox: no
// dependency outside the standard library; it picks the smallest version
// and the densest mode, numeric, alphanumeric or byte, and always uses
// data mask 0, which every scanner reads). It replaced an encoder written
// here from ISO/IEC 18004 (538 lines), and app.wasm came out smaller with
// it: 11,033,129 bytes against 11,046,502 (brotli 2,002,371 against
// 2,008,607; the budget is 2.5 MB brotli). This package fixes the level at M
// (about 15% of the symbol can be damaged or covered) and refuses links
// too long to scan reliably from a screen.
package qr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"rsc.io/qr"
)

// MaxText is the longest text, in bytes, Encode accepts: what a version 10
// symbol holds in byte mode at level M. A code_url is well under 100 bytes.
const MaxText = 213

// QuietZone is the width, in modules, of the light border a symbol needs
// around it.
const QuietZone = 4

// Errors returned by Encode, tested with errors.Is.
var (
	// ErrEmpty is returned for an empty text.
	ErrEmpty = errors.New("qr: nothing to encode: the code_url is empty")
	// ErrTooLong is returned for a text longer than MaxText bytes.
	ErrTooLong = errors.New("qr: text too long for a scannable QR code")
	// ErrNotUTF8 is returned for a text that is not valid UTF-8.
	ErrNotUTF8 = errors.New("qr: text is not valid UTF-8")
)

// Code is an encoded QR symbol.
type Code struct {
	// Text is the encoded text.
	Text string
	// Modules holds the symbol without its quiet zone: Modules[y][x] is
	// true for a dark module.
	Modules [][]bool
}

// Size returns the width of the symbol in modules, without the quiet zone.
func (c *Code) Size() int { return len(c.Modules) }

// Encode encodes text at error correction level M.
func Encode(text string) (*Code, error) {
	switch {
	case text == "":
		return nil, ErrEmpty
	case len(text) > MaxText:
		return nil, ErrTooLong
	case !utf8.ValidString(text):
		return nil, ErrNotUTF8
	}
	q, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, err
	}
	c := &Code{Text: text, Modules: make([][]bool, q.Size)}
	for y := range c.Modules {
		row := make([]bool, q.Size)
		for x := range row {
			row[x] = q.Black(x, y)
		}
		c.Modules[y] = row
	}
	return c, nil
}

// Width is the width of a drawing of the symbol in modules, quiet zone
// included.
func (c *Code) Width() int { return c.Size() + 2*QuietZone }

// Path returns the dark modules as the data of one SVG path in a drawing
// Width() units wide, one unit per module, quiet zone included: one
// rectangle per horizontal run of dark modules.
func (c *Code) Path() string {
	var b strings.Builder
	for y, row := range c.Modules {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			n := 1
			for x+n < len(row) && row[x+n] {
				n++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+QuietZone, y+QuietZone, n, n)
			x += n
		}
	}
	return b.String()
}
