// Package catalog holds the documented OTT Pay actions, their fields, the
// Appendix B response codes and the statuses, and checks transaction data
// against them.
//
// The facts come from the public documentation as collected in the shared
// spec (ottpay-actions.json). They are embedded as catalog.json, which
// go generate writes from the repository's copy of the spec
// (testdata/ottpay-actions.json); the file is committed, so the
// package builds without the spec. The documentation contradicts itself in
// places (field spellings, constants printed with a leading space, order-ID
// limits its own example breaks); the catalogue keeps what the docs say and
// the checks here say where the docs disagree instead of guessing.
//
// Everything returned is a copy: callers may keep and change it.
package catalog

//go:generate go run gen.go testdata/ottpay-actions.json catalog.json

import (
	_ "embed"
	"encoding/json"
	"strings"
	"sync"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Field is one documented member of an envelope or of transaction data.
type Field struct {
	Name     string `json:"name"`
	Required string `json:"req,omitempty"`  // "Y", "N", "O" or "" as the docs write it
	Type     string `json:"type,omitempty"` // "string", "object", "array" or "string|number"
	Note     string `json:"note,omitempty"`
	// Enum lists the documented values, as printed: a few carry the
	// docs' stray leading space (" securePay"); CheckField accepts them
	// with or without it.
	Enum []string `json:"enum,omitempty"`
	Unit string   `json:"unit,omitempty"` // one of the Unit constants, or ""
	// Format is the documented text format: FormatTime14, FormatCurrency,
	// FormatURL or "".
	Format string `json:"format,omitempty"`
	// Aliases are the documented alternative spellings of the name
	// (orderId for order_id, bizType for biz_type, ...).
	Aliases []string `json:"alias,omitempty"`
	// MaxLen is the documented maximum length in characters (0: none);
	// AlNum says the docs allow letters and digits only.
	MaxLen int  `json:"max,omitempty"`
	AlNum  bool `json:"alnum,omitempty"`
	// Digits is the documented exact number of decimal digits (0: none).
	Digits int `json:"digits,omitempty"`
	// Sub lists the documented members of a nested value (MAPPPAY payInfo)
	// or of an encrypted blob (Portico cc_number).
	Sub []Field `json:"sub,omitempty"`
}

// Units of Field.Unit.
const (
	// UnitCents: a money amount as a string of whole cents ("100" is 1.00).
	UnitCents = "cents"
	// UnitRate: an integer scaled by 10^8 (EX_RATE_QUERY rate: 6.5 is
	// "650000000").
	UnitRate = "1e-8"
	// UnitDecimal: a decimal number written as is (callback exchange_rate).
	UnitDecimal = "decimal"
	// UnitSeconds: a duration in seconds.
	UnitSeconds = "seconds"
	// UnitTime: a time. The documented format (yyyyMMddHHmmss) and the
	// examples ("2023-03-23 01:21:53", "... CST") disagree, so times are
	// shown as sent.
	UnitTime = "time"
)

// Formats of Field.Format.
const (
	FormatTime14   = "yyyyMMddHHmmss"
	FormatCurrency = "ISO-4217"
	FormatURL      = "URL"
)

// IsRequired reports whether the docs mark the field required ("Y").
func (f Field) IsRequired() bool { return f.Required == "Y" }

// Action is one documented action. Some actions have several variants,
// one per documentation page (CC_PURCHASE has four, one per card channel).
//
// Request, Response and Callback are the fields of the decrypted
// transaction data of each message; EnvelopeExtra are plain members some
// actions add at the top level of the request envelope. Callback is empty
// when the docs describe no callback for the action.
type Action struct {
	Name, Variant, Version, Endpoint, Title, Source string
	EnvelopeExtra, Request, Response, Callback      []Field
	Notes                                           []string
	// AlsoOn lists other documentation pages that describe the action.
	AlsoOn []string
	// ResponseTruncated says the stored docs' response table is cut short,
	// so a response may carry documented fields missing here.
	ResponseTruncated bool
	// Example is the documented request data as JSON text, when the docs
	// print a usable one.
	Example string
}

// CallbackName is the name of the catalogue entry for response and
// callback data that belongs to no single action (see CallbackAction).
const CallbackName = "CALLBACK"

// ID returns "NAME/variant", which Lookup accepts to select one variant.
func (a Action) ID() string {
	if a.Variant == "" {
		return a.Name
	}
	return a.Name + "/" + a.Variant
}

// Fields returns the documented fields of the transaction data of one
// message kind: codec.Request, codec.Response or codec.Callback.
func (a Action) Fields(kind codec.EnvelopeKind) []Field {
	return copyFields(a.fields(kind))
}

func (a Action) fields(kind codec.EnvelopeKind) []Field {
	switch kind {
	case codec.Request:
		return a.Request
	case codec.Response:
		return a.Response
	case codec.Callback:
		return a.Callback
	}
	return nil
}

// Field returns the documented field of the transaction data of one
// message kind with the given name or with a documented alternative
// spelling of it (orderId for order_id, tip for Tip, ...). Names are
// otherwise matched exactly: the md5 depends on their case.
func (a Action) Field(kind codec.EnvelopeKind, name string) (Field, bool) {
	f := findField(a.fields(kind), name)
	if f == nil {
		return Field{}, false
	}
	return copyField(*f), true
}

// Code is one Appendix B response code.
type Code struct{ Code, Meaning string }

// Status is one documented status value of a status field.
type Status struct {
	Value   string
	Field   string // the field that carries it, e.g. "status", "order_status"
	Context string // where it is documented, e.g. "PREPAY_QUERY"
	Meaning string
}

// Enumeration is one list of documented values as the docs group them
// (biz_type, channelType, currency_type, checkout_selected, ...).
type Enumeration struct {
	Field  string
	Values []string
}

// Actions returns every documented action variant, in documentation order.
// The CALLBACK entry is not among them (see CallbackAction).
func Actions() []Action {
	c := load()
	out := make([]Action, len(c.actions))
	for i := range c.actions {
		out[i] = copyAction(c.actions[i])
	}
	return out
}

// Lookup returns the variants of an action, matching the name
// case-insensitively and ignoring surrounding spaces. "NAME/variant"
// selects one variant. "CALLBACK" returns the callback entry. An unknown
// name returns nil.
func Lookup(name string) []Action {
	refs := load().lookup(name)
	if refs == nil {
		return nil
	}
	out := make([]Action, len(refs))
	for i, a := range refs {
		out[i] = copyAction(*a)
	}
	return out
}

// lookup is Lookup without the copies: for reading only.
func (c *catalog) lookup(name string) []*Action {
	name, variant, slash := strings.Cut(strings.TrimSpace(name), "/")
	name, variant = strings.TrimSpace(name), strings.TrimSpace(variant)
	if slash && variant == "" {
		return nil
	}
	if strings.EqualFold(name, CallbackName) {
		if slash {
			return nil
		}
		return []*Action{&c.callback}
	}
	return c.variants(name, variant)
}

// variants returns the stored variants of an action (all of them for an
// empty variant), without copying: for reading only.
func (c *catalog) variants(name, variant string) []*Action {
	var out []*Action
	for i := range c.actions {
		a := &c.actions[i]
		if strings.EqualFold(a.Name, name) && (variant == "" || strings.EqualFold(a.Variant, variant)) {
			out = append(out, a)
		}
	}
	return out
}

// CallbackAction returns the catalogue entry for response and callback
// data: the union of the documented callback data fields (none required,
// since the docs mark none), for the Construct page's "response / callback"
// form and for annotating a callback, which names no action. Its envelope
// members are EnvelopeFields(codec.Callback); rsp_code takes the Appendix B
// codes.
func CallbackAction() Action { return copyAction(load().callback) }

// EnvelopeFields returns the documented members of the plain envelope of
// one message kind. The rsp_code field lists the Appendix B codes as its
// values (the stored Appendix B is truncated, so other codes exist).
func EnvelopeFields(kind codec.EnvelopeKind) []Field {
	c := load()
	switch kind {
	case codec.Request:
		return copyFields(c.envelope.Request)
	case codec.Response:
		return copyFields(c.envelope.Response)
	case codec.Callback:
		return copyFields(c.envelope.Callback)
	}
	return nil
}

// LookupField returns the documented meaning of a transaction data field
// when the action is not known (a response or callback names none): the
// callback data fields first, then the response and request fields of
// every action, the first documented occurrence with a note winning.
// Documented alternative spellings are accepted.
func LookupField(name string) (Field, bool) {
	f := load().anyField(name)
	if f == nil {
		return Field{}, false
	}
	return copyField(*f), true
}

// ResponseCode explains an rsp_code (Appendix B). The code is matched
// case-insensitively and the returned Code has the documented spelling.
// The stored copy of Appendix B ends after DB_ERROR, so a code missing here
// may still be genuine.
func ResponseCode(code string) (Code, bool) {
	code = strings.TrimSpace(code)
	for _, c := range load().codes.List {
		if strings.EqualFold(c.Code, code) {
			return Code{c.Code, c.Meaning}, true
		}
	}
	return Code{}, false
}

// Codes returns Appendix B, in documentation order.
func Codes() []Code {
	list := load().codes.List
	out := make([]Code, len(list))
	for i, c := range list {
		out[i] = Code{c.Code, c.Meaning}
	}
	return out
}

// CodesSource returns the documentation page of Appendix B.
func CodesSource() string { return load().codes.Source }

// Statuses returns the documented status values.
func Statuses() []Status {
	list := load().statuses
	out := make([]Status, len(list))
	for i, s := range list {
		out[i] = Status(s)
	}
	return out
}

// Enumerations returns the documented value lists, by field name as the
// docs group them.
func Enumerations() []Enumeration {
	list := load().enums
	out := make([]Enumeration, len(list))
	for i, e := range list {
		out[i] = Enumeration{Field: e.Field, Values: append([]string(nil), e.Values...)}
	}
	return out
}

// The catalogue file. gen.go writes it; its schema is internal/gen's.

//go:embed catalog.json
var catalogJSON []byte

type fileCatalog struct {
	Schema   string `json:"schema"`
	Envelope struct {
		Source   string   `json:"source"`
		Request  []Field  `json:"request"`
		Response []Field  `json:"response"`
		Callback []Field  `json:"callback"`
		Notes    []string `json:"notes"`
	} `json:"envelope"`
	Codes struct {
		Source    string `json:"source"`
		Truncated bool   `json:"truncated"`
		List      []struct {
			Code    string `json:"code"`
			Meaning string `json:"meaning"`
		} `json:"list"`
	} `json:"codes"`
	Statuses []struct {
		Value   string `json:"value"`
		Field   string `json:"field"`
		Context string `json:"context"`
		Meaning string `json:"meaning"`
	} `json:"statuses"`
	Enums []struct {
		Field  string   `json:"field"`
		Values []string `json:"values"`
	} `json:"enums"`
	CallbackData struct {
		Source string  `json:"source"`
		Fields []Field `json:"fields"`
	} `json:"callback_data"`
	Actions []struct {
		Name              string   `json:"name"`
		Variant           string   `json:"variant"`
		Version           string   `json:"version"`
		Endpoint          string   `json:"endpoint"`
		Title             string   `json:"title"`
		Source            string   `json:"source"`
		AlsoOn            []string `json:"also_on"`
		EnvelopeExtra     []Field  `json:"envelope_extra"`
		Request           []Field  `json:"request"`
		Response          []Field  `json:"response"`
		ResponseTruncated bool     `json:"response_truncated"`
		Callback          bool     `json:"callback"`
		Example           string   `json:"example"`
		Notes             []string `json:"notes"`
	} `json:"actions"`
}

const fileSchema = "ottpay-catalog/1"

// catalog is the loaded, read-only catalogue.
type catalog struct {
	envelope struct {
		Request, Response, Callback []Field
		Source                      string
		Notes                       []string
	}
	codes struct {
		Source    string
		Truncated bool
		List      []Code
	}
	statuses []Status
	enums    []Enumeration
	callback Action
	actions  []Action
	err      error // set when the embedded file is unusable (a build defect)
}

var (
	loadOnce sync.Once
	loaded   *catalog
)

// load parses the embedded catalogue once. An unreadable file (which the
// tests rule out) gives an empty catalogue, never a panic.
func load() *catalog {
	loadOnce.Do(func() { loaded = parse(catalogJSON) })
	return loaded
}

func parse(b []byte) *catalog {
	c := &catalog{}
	var f fileCatalog
	if err := json.Unmarshal(b, &f); err != nil {
		c.err = err
		return c
	}
	if f.Schema != fileSchema {
		c.err = errSchema(f.Schema)
		return c
	}
	for _, fc := range f.Codes.List {
		c.codes.List = append(c.codes.List, Code{fc.Code, fc.Meaning})
	}
	c.codes.Source, c.codes.Truncated = f.Codes.Source, f.Codes.Truncated
	codeValues := make([]string, len(c.codes.List))
	for i, code := range c.codes.List {
		codeValues[i] = code.Code
	}

	c.envelope.Request = normalize(f.Envelope.Request)
	c.envelope.Response = normalize(f.Envelope.Response)
	c.envelope.Callback = normalize(f.Envelope.Callback)
	c.envelope.Source, c.envelope.Notes = f.Envelope.Source, f.Envelope.Notes
	for _, list := range [][]Field{c.envelope.Response, c.envelope.Callback} {
		for i := range list {
			if list[i].Name == "rsp_code" {
				list[i].Enum = codeValues
			}
		}
	}
	for _, s := range f.Statuses {
		c.statuses = append(c.statuses, Status(s))
	}
	for _, e := range f.Enums {
		c.enums = append(c.enums, Enumeration{Field: e.Field, Values: e.Values})
	}

	cbFields := normalize(f.CallbackData.Fields)
	c.callback = Action{
		Name:     CallbackName,
		Title:    "Response / callback data: the union of the documented callback data fields",
		Source:   f.CallbackData.Source,
		Callback: cbFields,
		Notes: []string{
			"a callback is POSTed to the call_back_url of the request: rsp_code, rsp_msg, merchant_id, data, md5",
			"the docs mark no callback data field required; which fields arrive depends on the payment channel",
		},
	}
	for _, fa := range f.Actions {
		a := Action{
			Name: fa.Name, Variant: fa.Variant, Version: fa.Version,
			Endpoint: fa.Endpoint, Title: fa.Title, Source: fa.Source,
			EnvelopeExtra: normalize(fa.EnvelopeExtra),
			Request:       normalize(fa.Request),
			Response:      normalize(fa.Response),
			Notes:         fa.Notes, AlsoOn: fa.AlsoOn,
			ResponseTruncated: fa.ResponseTruncated,
			Example:           fa.Example,
		}
		if fa.Callback {
			a.Callback = cbFields
		}
		c.actions = append(c.actions, a)
	}
	return c
}

type errSchema string

func (e errSchema) Error() string {
	return "catalog.json has schema " + string(e) + ", want " + fileSchema + ": regenerate it with go generate"
}

// normalize fills the defaults the file leaves out.
func normalize(list []Field) []Field {
	for i := range list {
		if list[i].Type == "" {
			list[i].Type = "string"
		}
		list[i].Sub = normalize(list[i].Sub)
	}
	return list
}

// findField finds name, or a documented alternative spelling of it.
func findField(list []Field, name string) *Field {
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	for i := range list {
		for _, alt := range list[i].Aliases {
			if alt == name {
				return &list[i]
			}
		}
	}
	return nil
}

func (c *catalog) anyField(name string) *Field {
	var first *Field
	try := func(list []Field) bool {
		if f := findField(list, name); f != nil {
			if f.Note != "" || f.Unit != "" {
				first = f
				return true
			}
			if first == nil {
				first = f
			}
		}
		return false
	}
	if try(c.callback.Callback) {
		return first
	}
	for i := range c.actions {
		if try(c.actions[i].Response) {
			return first
		}
	}
	for i := range c.actions {
		if try(c.actions[i].Request) {
			return first
		}
	}
	return first
}

func copyField(f Field) Field {
	f.Enum = append([]string(nil), f.Enum...)
	f.Aliases = append([]string(nil), f.Aliases...)
	f.Sub = copyFields(f.Sub)
	return f
}

func copyFields(list []Field) []Field {
	if list == nil {
		return nil
	}
	out := make([]Field, len(list))
	for i := range list {
		out[i] = copyField(list[i])
	}
	return out
}

func copyAction(a Action) Action {
	a.EnvelopeExtra = copyFields(a.EnvelopeExtra)
	a.Request = copyFields(a.Request)
	a.Response = copyFields(a.Response)
	a.Callback = copyFields(a.Callback)
	a.Notes = append([]string(nil), a.Notes...)
	a.AlsoOn = append([]string(nil), a.AlsoOn...)
	return a
}
