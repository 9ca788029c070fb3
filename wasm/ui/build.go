package ui

import (
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// ReplyID is the Construct page's choice for a response or a callback
// instead of a request.
const ReplyID = catalog.CallbackName

// DefaultCallbackURL is where a constructed callback is posted when the
// user names no handler: a merchant's handler running locally for a test.
const DefaultCallbackURL = "http://127.0.0.1:8000/ottpay/callback"

// Form is what the user typed on the Construct page.
type Form struct {
	// ActionID is a catalogue action ID ("ACTIVEPAY/retail") for a
	// request, or ReplyID for a response or callback.
	ActionID string
	// Version is the request's version member; empty means the action's
	// documented version.
	Version string
	// Values are the transaction data fields by name; empty values are
	// not sent.
	Values map[string]string
	// Plain are the plain (unencrypted) envelope members some actions
	// add to a request (terminal_no, operator_id), by name.
	Plain map[string]string
	// Callback makes a reply a callback (with merchant_id) rather than a
	// response.
	Callback bool
	// RspCode and RspMsg are a reply's rsp_code and rsp_msg.
	RspCode, RspMsg string
	// CallbackURL is the merchant's callback handler, for the curl
	// command of a callback.
	CallbackURL string
}

// Row is one input of the generated form with its findings.
type Row struct {
	Field    catalog.Field
	Value    string
	Problems []catalog.Problem
}

// Message is the outcome of building a form: the rows to show, what is
// wrong, and, when nothing is, the signed envelope.
type Message struct {
	// Kind is the message built: request, response or callback.
	Kind codec.EnvelopeKind
	// Action is the catalogue entry used.
	Action catalog.Action
	// Rows are the transaction data inputs, in documentation order.
	Rows []Row
	// PlainRows are the plain envelope members of a request.
	PlainRows []Row
	// Problems are findings not tied to one input, and errors that stop
	// the build (no profile, an unknown action).
	Problems []catalog.Problem
	// Envelope is the signed envelope as one line of JSON; empty while
	// the form has errors.
	Envelope string
	// Endpoint is where the envelope is posted: the action's documented
	// endpoint, or the merchant's callback handler.
	Endpoint string
	// Curl is a command that posts the envelope to Endpoint; empty for a
	// response, which is not posted anywhere.
	Curl string
}

// OK reports whether the envelope was built.
func (m *Message) OK() bool { return m.Envelope != "" }

// FindAction returns the catalogue entry for a form's ActionID.
func FindAction(id string) (catalog.Action, bool) {
	if id == ReplyID {
		return catalog.CallbackAction(), true
	}
	vs := catalog.Lookup(id)
	if len(vs) == 0 {
		return catalog.Action{}, false
	}
	return vs[0], true
}

// ActionLabel is how an action shows in the Construct page's list.
func ActionLabel(a catalog.Action) string {
	s := a.Name
	if a.Variant != "" {
		s += " (" + a.Variant + ")"
	}
	if a.Title != "" {
		s += ": " + a.Title
	}
	return s
}

// Build checks the form against the catalogue and, when nothing is wrong,
// signs the message with the profile's key. p may be nil when the vault
// holds no profile; the message is then not built.
func Build(f Form, p *vault.Profile) Message {
	var m Message
	a, ok := FindAction(f.ActionID)
	if !ok {
		m.Problems = append(m.Problems, catalog.Problem{Severity: catalog.Error,
			Message: "pick an action from the list (" + quoteOr(f.ActionID, "none") + " is not in the catalogue)"})
		return m
	}
	m.Action = a
	fields := a.Request
	m.Kind = codec.Request
	if f.ActionID == ReplyID {
		fields = a.Callback
		m.Kind = codec.Response
		if f.Callback {
			m.Kind = codec.Callback
		}
	}

	data := &codec.Object{}
	for _, fd := range fields {
		if v := f.Values[fd.Name]; v != "" {
			data.SetString(fd.Name, v)
		}
	}
	problems := catalog.ValidateData(a, dataKind(m.Kind), data)
	byField := map[string][]catalog.Problem{}
	for _, pr := range problems {
		if pr.Field != "" && hasField(fields, pr.Field) {
			byField[pr.Field] = append(byField[pr.Field], pr)
			continue
		}
		m.Problems = append(m.Problems, pr)
	}
	for _, fd := range fields {
		m.Rows = append(m.Rows, Row{Field: fd, Value: f.Values[fd.Name], Problems: byField[fd.Name]})
	}
	if m.Kind == codec.Request {
		for _, fd := range a.EnvelopeExtra {
			m.PlainRows = append(m.PlainRows, Row{Field: fd, Value: f.Plain[fd.Name]})
		}
	}
	if m.Kind != codec.Request {
		if strings.TrimSpace(f.RspCode) == "" {
			m.Problems = append(m.Problems, catalog.Problem{Field: "rsp_code", Severity: catalog.Error,
				Message: "rsp_code is required: pick one from Appendix B (SUCCESS for a paid order)"})
		} else if _, ok := catalog.ResponseCode(f.RspCode); !ok {
			m.Problems = append(m.Problems, catalog.Problem{Field: "rsp_code", Severity: catalog.Warning,
				Message: "rsp_code " + quoteOr(f.RspCode, "") + " is not in Appendix B; the merchant's handler may not know it"})
		}
	}
	if p == nil {
		m.Problems = append(m.Problems, catalog.Problem{Severity: catalog.Error,
			Message: "pick a merchant profile: its merchant_id and sign key sign the message (add one on the Keys page)"})
	}
	if catalog.HasErrors(problems) || catalog.HasErrors(m.Problems) {
		return m
	}

	e := &codec.Envelope{Kind: m.Kind}
	switch m.Kind {
	case codec.Request:
		e.Action, e.MerchantID = a.Name, p.MerchantID
		e.Version = f.Version
		if e.Version == "" {
			e.Version = a.Version
		}
		for _, fd := range a.EnvelopeExtra {
			if v := f.Plain[fd.Name]; v != "" {
				e.Extra = append(e.Extra, codec.Member{Key: fd.Name, Value: codec.Value{Kind: codec.KindString, Text: v}})
			}
		}
		m.Endpoint = a.Endpoint
	case codec.Callback:
		e.MerchantID = p.MerchantID
		fallthrough
	case codec.Response:
		e.RspCode, e.RspMsg = f.RspCode, f.RspMsg
		if m.Kind == codec.Callback {
			m.Endpoint = f.CallbackURL
			if m.Endpoint == "" {
				m.Endpoint = DefaultCallbackURL
			}
		}
	}
	if err := e.Seal(data, p.SignKey, codec.RuleStrings); err != nil {
		m.Problems = append(m.Problems, catalog.Problem{Severity: catalog.Error, Message: err.Error()})
		return m
	}
	b, err := e.MarshalJSON()
	if err != nil {
		m.Problems = append(m.Problems, catalog.Problem{Severity: catalog.Error, Message: err.Error()})
		return m
	}
	m.Envelope = string(b)
	if m.Endpoint != "" {
		m.Curl = CurlCommand(m.Endpoint, m.Envelope)
	}
	return m
}

// dataKind is the kind whose documented fields the catalogue checks: the
// CALLBACK entry documents callback data, which responses share.
func dataKind(k codec.EnvelopeKind) codec.EnvelopeKind {
	if k == codec.Response {
		return codec.Callback
	}
	return k
}

func hasField(fields []catalog.Field, name string) bool {
	for _, f := range fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// CurlCommand returns a shell command that POSTs body as JSON to url.
func CurlCommand(url, body string) string {
	return "curl -sS -X POST " + shellQuote(url) +
		" -H 'Content-Type: application/json' --data-raw " + shellQuote(body)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return "“" + s + "”"
}

// hasSeverity reports whether any problem has severity s.
func hasSeverity(ps []catalog.Problem, s catalog.Severity) bool {
	for _, p := range ps {
		if p.Severity == s {
			return true
		}
	}
	return false
}
