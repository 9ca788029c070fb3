// Package catalog holds the documented OTT Pay actions, their fields, the
// Appendix B response codes and the statuses, and checks transaction data
// against them.
package catalog

import "github.com/ottpay-toolkit/ottpay/codec"

// TEMPORARY stubs: the catalogue author replaces these bodies.

// Field is one documented member of an envelope or of transaction data.
type Field struct {
	Name     string
	Required string // "Y", "N", "O" or "" as the docs write it
	Type     string
	Note     string
	Enum     []string // documented values, if any
	Unit     string   // "cents" for money amounts, "" otherwise
}

// Action is one documented action (some actions have several variants).
type Action struct {
	Name, Variant, Version, Endpoint, Title, Source string
	EnvelopeExtra, Request, Response, Callback      []Field
	Notes                                           []string
}

// Code is one Appendix B response code.
type Code struct{ Code, Meaning string }

// Severity of a validation problem.
type Severity uint8

// Severities.
const (
	Error Severity = iota + 1
	Warning
)

// Problem is one validation finding.
type Problem struct {
	Field    string
	Severity Severity
	Message  string
}

// Actions returns every documented action variant.
func Actions() []Action { return nil }

// Lookup returns the variants of an action name (case-insensitive).
func Lookup(name string) []Action { return nil }

// ResponseCode explains an rsp_code.
func ResponseCode(code string) (Code, bool) { return Code{}, false }

// Codes returns Appendix B.
func Codes() []Code { return nil }

// Validate checks request data against an action's documented fields.
func Validate(a Action, data *codec.Object) []Problem { return nil }

// ExplainValue describes a field value for people, e.g. amount "100" is "1.00".
func ExplainValue(field string, v codec.Value) string { return "" }
