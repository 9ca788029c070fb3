// Package qr renders a payment link (the code_url of a decrypted response)
// as a QR code a phone can scan, drawn on the device as an inline SVG: no
// image is fetched from anywhere.
//
// The symbol uses error correction level M (about 15% of the symbol can be
// damaged or covered) and the smallest QR version that holds the text, with
// the 4-module quiet zone the standard asks for.
package qr

import (
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"
)

// MaxText is the longest text, in bytes, Encode accepts. A code_url is well
// under 200 bytes; past about 1 KB a QR code on a screen is too dense for
// many phone cameras.
const MaxText = 1024

// QuietZone is the width, in modules, of the light border around the symbol.
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
	// Version is the QR version, 1 to 40; the symbol is 17+4*Version
	// modules wide.
	Version int
	// Modules holds the symbol without its quiet zone: Modules[y][x] is
	// true for a dark module.
	Modules [][]bool
}

// Size returns the width of the symbol in modules, without the quiet zone.
func (c *Code) Size() int { return len(c.Modules) }

// Encode encodes text as a QR code at error correction level M.
func Encode(text string) (code *Code, err error) {
	switch {
	case text == "":
		return nil, ErrEmpty
	case len(text) > MaxText:
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d; copy the link as text instead", ErrTooLong, len(text), MaxText)
	case !utf8.ValidString(text):
		return nil, fmt.Errorf("%w: copy the link as text instead", ErrNotUTF8)
	}
	defer func() {
		// The encoder is a dependency; never let a defect in it take
		// the page down.
		if r := recover(); r != nil {
			code, err = nil, fmt.Errorf("qr: the QR encoder failed on this text (%v); copy the link as text instead", r)
		}
	}()
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: cannot encode the text (%v); copy the link as text instead", err)
	}
	q.DisableBorder = true
	return &Code{Text: text, Version: q.VersionNumber, Modules: q.Bitmap()}, nil
}

// SVG encodes text and returns the symbol as a standalone SVG element.
func SVG(text string) (string, error) {
	c, err := Encode(text)
	if err != nil {
		return "", err
	}
	return c.SVG(), nil
}

// SVG returns the symbol as one <svg> element: a light background and one
// path of dark modules, quiet zone included, scaled by its container (one
// user unit per module). The text is carried in aria-label, escaped.
func (c *Code) SVG() string {
	n := c.Size()
	w := strconv.Itoa(n + 2*QuietZone)
	var b strings.Builder
	b.Grow(64 + n*n)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(w + " " + w)
	b.WriteString(`" shape-rendering="crispEdges" role="img" aria-label="QR code: `)
	b.WriteString(html.EscapeString(c.Text))
	b.WriteString(`"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range c.Modules {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < n && row[x+run] {
				run++
			}
			// One rectangle per horizontal run of dark modules.
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+QuietZone, y+QuietZone, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
