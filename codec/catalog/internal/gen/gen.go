// Package gen turns the machine-readable OTT Pay documentation
// (ottpay-actions.json of the shared spec, copied into the repository as
// codec/catalog/testdata/ottpay-actions.json) into the catalogue file the
// catalog package embeds (catalog.json).
//
// The spec copies the documentation's tables as text. This package adds the
// project's reading of them, in one place, so that it can be reviewed:
// enumerations parsed from the notes of enumerated fields, units and formats
// of amounts, rates and times, the documented alternative spellings of
// field names, and meanings for fields whose note is empty on one page but
// given on another. Anything in the spec that does not fit these readings
// is an error, so that a changed spec is looked at by a person rather than
// silently mis-read.
package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Schema names the format of the generated file.
const Schema = "ottpay-catalog/1"

// Units and formats written into the generated file. The catalog package
// declares the same values.
const (
	unitCents   = "cents"
	unitRate    = "1e-8"
	unitDecimal = "decimal"
	unitSeconds = "seconds"
	unitTime    = "time"

	formatTime14 = "yyyyMMddHHmmss"
	formatISO    = "ISO-4217"
	formatURL    = "URL"
)

// aliasGroups are the documented alternative spellings of one field
// (ottpay-catalog.md, "Ambiguities", field-name drift). Spellings that only
// occur in redirect links (orderID, orderld, merchantId) are left out: they
// never appear in transaction data.
var aliasGroups = [][]string{
	{"order_id", "orderId"},
	{"biz_type", "bizType"},
	{"tip", "Tip"},
	{"merchant_id", "merId"},
	{"shop_id", "shopId"},
	{"payinfo", "payInfo"},
	{"fee_type", "feeType"},
	{"rsp_code", "rspCode", "respcode"},
	{"rsp_msg", "rspMsg", "respmsg"},
}

// enumFields are the fields whose notes list their documented values
// ("ALIPAY | WECHATPAY | UNIONPAY", "\" securePay\"").
var enumFields = map[string]bool{
	"biz_type": true, "bizType": true, "channelType": true, "cc_channelType": true,
	"termId": true, "cc_type": true, "currency_type": true, "currency": true,
	"submit_type": true, "status": true, "signType": true,
}

// centsFields are the money amounts: strings of integer cents on the
// envelope API ("100" is 1.00).
var centsFields = map[string]bool{
	"amount": true, "tip": true, "Tip": true, "txnAmt": true, "refund_amt": true,
	"total_amount": true, "receive_amount": true, "pay_amount": true,
	"receipt_amount": true, "buyer_pay_amount": true, "refund_amount": true,
	"convenience_fee": true, "total_fee": true,
}

// timeFields are times; their documented format and their examples
// disagree, so they are shown as sent.
var timeFields = map[string]bool{
	"finish_time": true, "trade_time": true, "create_time": true,
	"expire_time": true, "txnTime": true,
}

// urlFields are URLs the merchant sends.
var urlFields = map[string]bool{
	"call_back_url": true, "redirect_url": true, "frontUrl": true, "backUrl": true,
	"code_url": true, "codeUrl": true, "payinfo": true,
}

// glossary gives a field whose note is empty on one page the meaning the
// documentation states for it on another (ottpay-catalog.md sections 2, 7
// and 9).
var glossary = map[string]string{
	"operator_id":      "operator ID issued by OTT Pay",
	"merchant_id":      "OTT Pay merchant ID",
	"shop_id":          "store ID",
	"shopId":           "store ID",
	"call_back_url":    "merchant callback URL",
	"redirect_url":     "browser return URL",
	"frontUrl":         "browser redirect URL",
	"backUrl":          "callback URL",
	"cc_number":        "card number",
	"buyer_login_id":   "payer ID",
	"sale_num":         "merchant sale/invoice number",
	"prepay_order_id":  "merchant checkout order ID",
	"email":            "payer e-mail",
	"remarks":          "remark",
	"duration":         "seconds until expiry",
	"trade_time":       "transaction time",
	"tip":              "cents",
	"order_status":     "order status",
	"order_id":         "order ID",
	"orderId":          "order ID",
	"rsp_code":         "result code (Appendix B)",
	"rsp_msg":          "result message",
	"md5":              "MD5 of the decrypted data's values; also the AES key seed",
	"rspCode":          "result code",
	"rspMsg":           "result message",
	"time_zone_id":     "time-zone ID",
	"expire_time":      "checkout expiry time",
	"terminal_no":      "terminal number (plain, top level)",
	"merchant_name":    "merchant name",
	"receipt_amount":   "cents",
	"buyer_pay_amount": "cents",
}

// Field is one field as written to the catalogue file.
type Field struct {
	Name     string   `json:"name"`
	Required string   `json:"req,omitempty"`
	Type     string   `json:"type,omitempty"` // omitted for "string"
	Note     string   `json:"note,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Unit     string   `json:"unit,omitempty"`
	Format   string   `json:"format,omitempty"`
	Aliases  []string `json:"alias,omitempty"`
	MaxLen   int      `json:"max,omitempty"`
	AlNum    bool     `json:"alnum,omitempty"`
	Digits   int      `json:"digits,omitempty"`
	Sub      []Field  `json:"sub,omitempty"`
}

type action struct {
	Name              string   `json:"name"`
	Variant           string   `json:"variant,omitempty"`
	Version           string   `json:"version,omitempty"`
	Endpoint          string   `json:"endpoint,omitempty"`
	Title             string   `json:"title,omitempty"`
	Source            string   `json:"source,omitempty"`
	AlsoOn            []string `json:"also_on,omitempty"`
	EnvelopeExtra     []Field  `json:"envelope_extra,omitempty"`
	Request           []Field  `json:"request,omitempty"`
	Response          []Field  `json:"response,omitempty"`
	ResponseTruncated bool     `json:"response_truncated,omitempty"`
	Callback          bool     `json:"callback,omitempty"`
	Example           string   `json:"example,omitempty"`
	Notes             []string `json:"notes,omitempty"`
}

type code struct {
	Code    string `json:"code"`
	Meaning string `json:"meaning"`
}

type status struct {
	Value   string `json:"value"`
	Field   string `json:"field"`
	Context string `json:"context"`
	Meaning string `json:"meaning"`
}

type enumeration struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// spec mirrors the parts of ottpay-actions.json that the catalogue uses.
type spec struct {
	Envelope struct {
		Request  []specField `json:"request"`
		Response []specField `json:"response"`
		Callback []specField `json:"callback"`
		DocTypos []string    `json:"doc_typos"`
		Source   string      `json:"source"`
	} `json:"envelope"`
	ResponseCodes          []code                     `json:"response_codes"`
	ResponseCodesSource    string                     `json:"response_codes_source"`
	ResponseCodesTruncated bool                       `json:"response_codes_truncated"`
	Statuses               []status                   `json:"statuses"`
	Enums                  map[string]json.RawMessage `json:"enums"`
	Limits                 map[string]string          `json:"limits"`
	CallbackDataFields     []specField                `json:"callback_data_fields"`
	CallbackDataSource     string                     `json:"callback_data_source"`
	Actions                []specAction               `json:"actions"`
}

type specField struct {
	Name     string `json:"name"`
	Required string `json:"required"`
	Type     string `json:"type"`
	Note     string `json:"note"`
}

type specAction struct {
	Action              string                 `json:"action"`
	Variant             string                 `json:"variant"`
	Version             string                 `json:"version"`
	Endpoint            string                 `json:"endpoint"`
	Title               string                 `json:"title"`
	Source              string                 `json:"source"`
	AlsoOn              []string               `json:"also_on"`
	EnvelopeExtra       []specField            `json:"envelope_extra"`
	Request             []specField            `json:"request"`
	Response            []specField            `json:"response"`
	ResponseTruncated   bool                   `json:"response_truncated"`
	ResponseSub         map[string][]specField `json:"response_sub"`
	RequestSub          map[string][]specField `json:"request_sub"`
	RequestSubTruncated bool                   `json:"request_sub_truncated"`
	RedirectParams      []specField            `json:"redirect_params"`
	Callback            []specField            `json:"callback"`
	CallbackData        string                 `json:"callback_data"`
	Examples            []struct {
		Kind      string          `json:"kind"`
		Verified  bool            `json:"verified"`
		Plaintext string          `json:"plaintext"`
		JSON      json.RawMessage `json:"json"`
	} `json:"examples"`
	Notes []string `json:"notes"`
}

// Build reads ottpay-actions.json and returns the catalogue file.
func Build(specJSON []byte) ([]byte, error) {
	var s spec
	if err := json.Unmarshal(specJSON, &s); err != nil {
		return nil, fmt.Errorf("reading the spec: %w", err)
	}
	if len(s.Actions) == 0 || len(s.ResponseCodes) == 0 {
		return nil, errors.New("the spec lists no actions or no response codes")
	}
	known, err := enumValues(&s)
	if err != nil {
		return nil, err
	}
	g := &builder{known: known}
	if g.operatorDigits, err = digitsLimit(s.Limits["operator_id"]); err != nil {
		return nil, fmt.Errorf("limits.operator_id: %w", err)
	}
	// "<= 20 letters/digits (doc example is 24 chars)": the parenthesis is
	// added to the note of the limited fields.
	if _, aside, ok := strings.Cut(s.Limits["orderId_card_actions"], "("); ok {
		g.orderIDAside = "; " + strings.TrimSuffix(aside, ")")
	}

	var out bytes.Buffer
	out.WriteString("{\"schema\":" + quote(Schema) + ",\n")

	// Envelope.
	var env struct {
		Source   string   `json:"source"`
		Request  []Field  `json:"request"`
		Response []Field  `json:"response"`
		Callback []Field  `json:"callback"`
		Notes    []string `json:"notes,omitempty"`
	}
	env.Source = s.Envelope.Source
	env.Notes = s.Envelope.DocTypos
	if env.Request, err = g.fields("envelope request", s.Envelope.Request, envelopeTable); err != nil {
		return nil, err
	}
	if env.Response, err = g.fields("envelope response", s.Envelope.Response, envelopeTable); err != nil {
		return nil, err
	}
	if env.Callback, err = g.fields("envelope callback", s.Envelope.Callback, envelopeTable); err != nil {
		return nil, err
	}
	for _, list := range [][]Field{env.Response, env.Callback} {
		for i := range list {
			if list[i].Name == "rsp_code" {
				// The common-rules table spells the member rep_code.
				list[i].Aliases = []string{"rep_code"}
			}
		}
	}
	if err := writeMember(&out, "envelope", env); err != nil {
		return nil, err
	}

	// Appendix B.
	codes := struct {
		Source    string `json:"source"`
		Truncated bool   `json:"truncated,omitempty"`
		List      []code `json:"list"`
	}{s.ResponseCodesSource, s.ResponseCodesTruncated, s.ResponseCodes}
	if err := writeMember(&out, "codes", codes); err != nil {
		return nil, err
	}
	if err := writeMember(&out, "statuses", s.Statuses); err != nil {
		return nil, err
	}

	// Enumerations as the spec groups them.
	var enums []enumeration
	for _, name := range slices.Sorted(maps.Keys(s.Enums)) {
		var vals []string
		if json.Unmarshal(s.Enums[name], &vals) != nil {
			continue // a description such as fee_type's "ISO-4217"
		}
		enums = append(enums, enumeration{Field: name, Values: vals})
	}
	if err := writeMember(&out, "enums", enums); err != nil {
		return nil, err
	}

	// Callback data.
	cb := struct {
		Source string  `json:"source"`
		Fields []Field `json:"fields"`
	}{Source: s.CallbackDataSource}
	if cb.Fields, err = g.fields("callback data", s.CallbackDataFields, dataTable); err != nil {
		return nil, err
	}
	if err := writeMember(&out, "callback_data", cb); err != nil {
		return nil, err
	}

	// Actions, one per line.
	out.WriteString("\"actions\":[\n")
	for i, sa := range s.Actions {
		a, err := g.action(&s, sa)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", sa.Action, sa.Variant, err)
		}
		b, err := marshal(a)
		if err != nil {
			return nil, err
		}
		out.Write(b)
		if i < len(s.Actions)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("]}\n")
	return out.Bytes(), nil
}

type builder struct {
	known          map[string]bool // every documented enumerated value
	operatorDigits int
	orderIDAside   string
}

func (g *builder) action(s *spec, sa specAction) (action, error) {
	a := action{
		Name: sa.Action, Variant: sa.Variant, Version: sa.Version,
		Endpoint: sa.Endpoint, Title: sa.Title, Source: sa.Source,
		AlsoOn: sa.AlsoOn, ResponseTruncated: sa.ResponseTruncated,
		Notes: append([]string(nil), sa.Notes...),
	}
	if a.Name == "" || a.Endpoint == "" || a.Version == "" {
		return a, errors.New("action without a name, an endpoint or a version")
	}
	var err error
	if a.EnvelopeExtra, err = g.fields("envelope extras", sa.EnvelopeExtra, envelopeTable); err != nil {
		return a, err
	}
	if a.Request, err = g.fields("request", sa.Request, requestTable); err != nil {
		return a, err
	}
	if a.Response, err = g.fields("response", sa.Response, dataTable); err != nil {
		return a, err
	}
	if err := g.attachSub(a.Request, sa.RequestSub, sa.RequestSubTruncated); err != nil {
		return a, err
	}
	if err := g.attachSub(a.Response, sa.ResponseSub, false); err != nil {
		return a, err
	}
	if len(sa.RedirectParams) > 0 {
		var parts []string
		for _, p := range sa.RedirectParams {
			parts = append(parts, p.Name+" ("+p.Note+")")
		}
		a.Notes = append(a.Notes, "return URL parameters: "+strings.Join(parts, ", "))
	}
	switch {
	case sa.CallbackData == "see callback_data_fields":
		if !sameNames(sa.Callback, s.Envelope.Callback) {
			return a, errors.New("its callback envelope differs from the common one")
		}
		a.Callback = true
	case sa.CallbackData != "":
		return a, fmt.Errorf("unexpected callback_data %q", sa.CallbackData)
	case len(sa.Callback) > 0:
		return a, errors.New("a callback envelope without callback data")
	}
	for _, ex := range sa.Examples {
		switch {
		case ex.Kind == "request_envelope" && ex.Verified && ex.Plaintext != "":
			a.Example = ex.Plaintext
		case ex.Kind == "request_data_plaintext" && len(ex.JSON) > 0 && a.Example == "":
			var buf bytes.Buffer
			if err := json.Compact(&buf, ex.JSON); err != nil {
				return a, err
			}
			a.Example = buf.String()
		}
	}
	return a, nil
}

// Kinds of table, for fields.
const (
	envelopeTable = iota // members of the plain envelope
	requestTable         // request transaction data
	dataTable            // response or callback transaction data
)

// fields converts one table. Alternative spellings apply to transaction
// data; limits from notes apply to request data.
func (g *builder) fields(where string, in []specField, table int) ([]Field, error) {
	out := make([]Field, 0, len(in))
	names := map[string]bool{}
	for _, f := range in {
		names[f.Name] = true
	}
	for _, f := range in {
		if f.Name == "" {
			return nil, fmt.Errorf("%s: a field without a name", where)
		}
		switch f.Required {
		case "Y", "N", "O", "":
		default:
			return nil, fmt.Errorf("%s: %s: unexpected required value %q", where, f.Name, f.Required)
		}
		o := Field{Name: f.Name, Required: f.Required, Note: f.Note}
		if f.Type != "string" {
			o.Type = f.Type
		}
		if o.Note == "" {
			o.Note = glossary[f.Name]
		}
		if enumFields[f.Name] && f.Note != "" {
			vals, err := parseEnum(f.Note)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", where, f.Name, err)
			}
			for _, v := range vals {
				if !g.known[v] && !g.known[strings.TrimSpace(v)] {
					return nil, fmt.Errorf("%s: %s: value %q is not among the spec's enumerations", where, f.Name, v)
				}
			}
			o.Enum = vals
		}
		switch {
		case centsFields[f.Name]:
			o.Unit = unitCents
		case f.Name == "rate" && strings.Contains(f.Note, "10^8"):
			o.Unit = unitRate
		case f.Name == "exchange_rate":
			o.Unit = unitDecimal
		case f.Name == "duration":
			o.Unit = unitSeconds
		case timeFields[f.Name]:
			o.Unit = unitTime
		case strings.Contains(f.Note, "cents"):
			return nil, fmt.Errorf("%s: %s: the note says cents but the field is not known as an amount", where, f.Name)
		}
		switch {
		case strings.Contains(f.Note, formatTime14):
			o.Format = formatTime14
		case strings.Contains(f.Note, formatISO):
			o.Format = formatISO
		case urlFields[f.Name]:
			o.Format = formatURL
		}
		if f.Name == "operator_id" {
			o.Digits = g.operatorDigits
		}
		if m := maxLenRE.FindStringSubmatch(f.Note); m != nil && table == requestTable {
			o.MaxLen, _ = strconv.Atoi(m[1])
			o.AlNum = true
			o.Note += g.orderIDAside
		}
		for _, grp := range aliasGroups {
			if table == envelopeTable || !contains(grp, f.Name) {
				continue
			}
			for _, alt := range grp {
				if alt != f.Name && !names[alt] {
					o.Aliases = append(o.Aliases, alt)
				}
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func (g *builder) attachSub(list []Field, sub map[string][]specField, truncated bool) error {
	for key, fs := range sub {
		name, _, _ := strings.Cut(key, " ")
		i := indexOf(list, name)
		if i < 0 {
			return fmt.Errorf("sub-fields of %q, which the table does not list", name)
		}
		conv, err := g.fields(name, fs, dataTable)
		if err != nil {
			return err
		}
		list[i].Sub = conv
		if truncated {
			list[i].Note += "; the list of its members is truncated in the stored docs"
		}
	}
	return nil
}

var maxLenRE = regexp.MustCompile(`<= (\d+) letters/digits`)

func digitsLimit(s string) (int, error) {
	m := regexp.MustCompile(`^(\d+) digits$`).FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("unexpected limit %q", s)
	}
	return strconv.Atoi(m[1])
}

var enumValueRE = regexp.MustCompile(`^ ?[A-Za-z0-9_]+$`)

// parseEnum reads the values listed in a note: `A | B | C`, `"x"`, or
// `" x" in table; ...` (text after the first ';' is commentary).
func parseEnum(note string) ([]string, error) {
	head, _, _ := strings.Cut(note, ";")
	var vals []string
	for _, tok := range strings.Split(head, "|") {
		tok = strings.TrimSpace(tok)
		if strings.HasPrefix(tok, `"`) {
			end := strings.Index(tok[1:], `"`)
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in %q", note)
			}
			tok = tok[1 : 1+end]
		}
		if !enumValueRE.MatchString(tok) {
			return nil, fmt.Errorf("cannot read the values listed in %q", note)
		}
		vals = append(vals, tok)
	}
	return vals, nil
}

func enumValues(s *spec) (map[string]bool, error) {
	known := map[string]bool{}
	for _, raw := range s.Enums {
		var vals []string
		if json.Unmarshal(raw, &vals) != nil {
			continue
		}
		for _, v := range vals {
			known[v] = true
		}
	}
	for _, st := range s.Statuses {
		known[st.Value] = true
	}
	if len(known) == 0 {
		return nil, errors.New("the spec lists no enumerations")
	}
	return known, nil
}

func writeMember(out *bytes.Buffer, name string, v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	out.WriteString(quote(name) + ":")
	out.Write(b)
	out.WriteString(",\n")
	return nil
}

// marshal writes compact JSON with raw UTF-8 and no HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func quote(s string) string {
	b, _ := marshal(s)
	return string(b)
}

func sameNames(a, b []specField) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func indexOf(list []Field, name string) int {
	for i := range list {
		if list[i].Name == name {
			return i
		}
	}
	return -1
}
