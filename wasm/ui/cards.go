package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
	"github.com/ottpay-toolkit/ottpay/wasm/qr"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// KeySource says where the sign key of a decode came from.
type KeySource uint8

// The key sources, from the most to the least specific.
const (
	// KeyNone: no key was available.
	KeyNone KeySource = iota
	// KeyTyped: a key typed on the Decode page for this decode only.
	KeyTyped
	// KeyVault: the vault holds a profile for the envelope's merchant_id.
	KeyVault
	// KeySearch: the envelope's merchant has no profile (or it names no
	// merchant) and every vault key was tried.
	KeySearch
)

// Card is what the Decode page shows for one envelope: plain strings and
// flags, built from a report by BuildCards so that it can be checked
// without a browser.
type Card struct {
	// N is the 1-based position of the envelope in the pasted text.
	N int
	// Title is "Request ACTIVEPAY", "Callback", "Response", or
	// "No envelope" when the text held none.
	Title string
	Kind  string
	// Action, Version, MerchantID, RspCode, RspMsg are the envelope's
	// members as sent.
	Action, Version, MerchantID string
	RspCode, RspMsg             string
	// RspMeaning is the Appendix B meaning of RspCode.
	RspMeaning string
	// Where says where the envelope was found ("line 3, inside a curl
	// command").
	Where string

	// Outcome classifies the decode; Badge and BadgeClass are its label
	// and CSS class ("ok", "bad", "warn", "none").
	Outcome    report.Outcome
	Badge      string
	BadgeClass string
	// RuleNote names the sender rule the md5 matched, in words.
	RuleNote string
	// Failure is set when something failed.
	Failure *Failure
	// KeyNote says which key was used, or why none was.
	KeyNote   string
	KeySource KeySource

	// Fields are the decrypted members, in the order they were sent.
	Fields []FieldRow
	// DataJSON is the decrypted object as compact JSON.
	DataJSON string
	// ReportJSON is the report as the command line prints it.
	ReportJSON string
	// Warnings are the report's warnings.
	Warnings []string
	// Steps is the worked decode, when the data was decrypted.
	Steps *Steps

	// CodeURL is the payment link (code_url) of the decrypted data, ""
	// when it carries none.
	CodeURL string
	// QR is CodeURL encoded as a QR code on the device, drawn by the
	// page as an <svg> element; nil when it is not drawn, and QRNote
	// says why.
	QR     *qr.Code
	QRNote string
}

// Failure says which layer failed, what was wrong, and the likely cause.
type Failure struct {
	Layer, What, Hint string
}

// FieldRow is one member of the decrypted data, annotated from the
// catalogue.
type FieldRow struct {
	Name string
	// Value is the value as sent (a string's text, or a number, boolean
	// or nested value as written).
	Value string
	// Kind is the JSON type when it is not a string ("number", ...).
	Kind string
	// Shown is the value explained for people ("1.00" for 100 cents),
	// empty when there is nothing to add.
	Shown string
	// Note is the documented meaning of the field.
	Note string
}

// Steps are the intermediate values of a decode, for the "show the steps"
// view.
type Steps struct {
	// SentMD5 is the envelope md5 as transmitted; KeyMD5 the md5 the AES
	// key came from (its upper-cased form when MD5Uppercased).
	SentMD5, KeyMD5 string
	MD5Uppercased   bool
	// AESKey is the derived 16-character AES key. The page masks it until
	// the user reveals it.
	AESKey string
	// Padding is the number of PKCS#7 padding bytes removed; PaddingBytes
	// shows them in hex.
	Padding      int
	PaddingBytes string
	// Rules is the md5 recomputed under each rule tried.
	Rules []RuleStep
}

// RuleStep is the md5 input and digest under one sender rule.
type RuleStep struct {
	Rule     string
	Sorted   string
	Computed string
	Match    bool
	// Err says why the rule cannot render this data.
	Err string
}

// DecodeKeys returns the keys a decode uses: the typed key alone when one is
// given (it overrides the vault for this decode), else the vault's keys
// by merchant_id.
func DecodeKeys(profiles []vault.Profile, typed string) report.Keys {
	if typed != "" {
		return report.SingleKey(typed)
	}
	m := make(map[string]string, len(profiles))
	for _, p := range profiles {
		if p.MerchantID == "" || p.SignKey == "" {
			continue
		}
		if _, dup := m[p.MerchantID]; !dup {
			m[p.MerchantID] = p.SignKey
		}
	}
	return report.KeyMap(m)
}

// DecodeText decodes every envelope in text with the typed key or the
// vault's profiles and returns one card per envelope. Each card names the
// profile whose key it used (see KeyRing).
func DecodeText(text string, profiles []vault.Profile, typed string) []Card {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	ring := NewKeyRing(profiles, typed)
	found := scan.Scan([]byte(text))
	if len(found) == 0 {
		r := report.NoEnvelope()
		return []Card{buildCard(1, &r, profiles, typed != "", nil)}
	}
	cards := make([]Card, len(found))
	for i, f := range found {
		r, use := ring.Decode(f)
		cards[i] = buildCard(i+1, &r, profiles, typed != "", &use)
	}
	return cards
}

// BuildCards turns decode reports into cards. typed says the reports were
// made with a key typed for this decode only.
func BuildCards(reports []report.Report, profiles []vault.Profile, typed bool) []Card {
	cards := make([]Card, len(reports))
	for i := range reports {
		cards[i] = buildCard(i+1, &reports[i], profiles, typed, nil)
	}
	return cards
}

func buildCard(n int, r *report.Report, profiles []vault.Profile, typed bool, use *KeyUse) Card {
	c := Card{
		N:          n,
		Kind:       r.Kind,
		Action:     r.Action,
		Version:    r.Version,
		MerchantID: r.MerchantID,
		RspCode:    r.RspCode,
		RspMsg:     r.RspMsg,
		RspMeaning: r.RspMeaning,
		Outcome:    r.Outcome(),
		Warnings:   r.Warnings,
		ReportJSON: string(r.AppendJSON(nil)),
	}
	c.Title = cardTitle(r)
	c.Where = where(r.Line, r.Via)
	c.Badge, c.BadgeClass = badge(c.Outcome)
	if r.Verified {
		c.RuleNote = RuleNote(r.Rule)
	}
	if r.Err != nil {
		c.Failure = failureOf(r.Err)
	}
	c.KeySource, c.KeyNote = keyNote(r, profiles, typed, use)
	if r.Data != nil {
		c.DataJSON = string(r.Data.AppendJSON(nil))
		c.Fields = fieldRows(r)
	}
	if r.Opened != nil {
		c.Steps = stepsOf(r.MD5, r.Opened)
	}
	c.CodeURL, c.QR, c.QRNote = codeURLQR(r)
	return c
}

// CodeURLFields are the members of decrypted data that hold a payment link
// to show as a QR code, in the spellings the documentation uses.
var CodeURLFields = []string{"code_url", "codeUrl"}

// codeURLQR finds the payment link of a report's data and draws it as a
// QR code. Only verified data is drawn: a link in data whose md5 does not
// verify may have been changed, and a phone would pay whoever changed it.
func codeURLQR(r *report.Report) (link string, code *qr.Code, note string) {
	if r.Data == nil {
		return "", nil, ""
	}
	name := ""
	for _, f := range CodeURLFields {
		if v, ok := r.Data.Get(f); ok && v.Kind == codec.KindString && strings.TrimSpace(v.Text) != "" {
			link, name = v.Text, f
			break
		}
	}
	if link == "" {
		return "", nil, ""
	}
	if !r.Verified {
		return link, nil, "No QR code: the md5 of this data did not verify, so the " + name + " may have been changed. Do not pay with it."
	}
	code, err := qr.Encode(link)
	switch {
	case errors.Is(err, qr.ErrTooLong):
		note = fmt.Sprintf("No QR code: this %s is %d bytes, too long for a QR code a phone can scan reliably (at most %d). Copy the link below instead.", name, len(link), qr.MaxText)
	case err != nil:
		note = "No QR code: " + strings.TrimPrefix(err.Error(), "qr: ") + "."
	}
	return link, code, note
}

func cardTitle(r *report.Report) string {
	switch r.Kind {
	case "":
		return "No envelope"
	case "request":
		if r.Action != "" {
			return "Request " + r.Action
		}
		return "Request"
	}
	return strings.ToUpper(r.Kind[:1]) + r.Kind[1:]
}

// where describes where an envelope was found.
func where(line int, via []string) string {
	var parts []string
	if line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", line))
	}
	var ways []string
	for _, v := range via {
		if w := viaWords(v); w != "" {
			ways = append(ways, w)
		}
	}
	if len(ways) > 0 {
		parts = append(parts, "inside "+strings.Join(ways, ", inside "))
	}
	return strings.Join(parts, ", ")
}

func viaWords(v string) string {
	switch v {
	case "json", "":
		return ""
	case "http-body":
		return "an HTTP message"
	case "curl -d":
		return "a curl command"
	case "json-string":
		return "a JSON string"
	case "base64":
		return "Base64"
	case "log-line":
		return "a log line"
	}
	return v
}

func badge(o report.Outcome) (label, class string) {
	switch o {
	case report.Verified:
		return "Verified", "ok"
	case report.NotVerified:
		return "Not verified", "bad"
	case report.NothingToVerify:
		return "Nothing to verify", "none"
	}
	return "Not decrypted", "warn"
}

// RuleNote explains a sender rule name in words.
func RuleNote(rule string) string {
	switch codec.Rule(rule) {
	case codec.RuleStrings:
		return "md5 matches under the documented rule (every value a string, keys in byte order)"
	case codec.RuleJS:
		return "md5 matches under the js rule: numbers as JavaScript String(n), keys in UTF-16 order"
	case codec.RuleCryptoJS:
		return "md5 matches under the cryptojs rule: \".0\" appended to every number, null as \"null\""
	case codec.RulePHP:
		return "md5 matches under the php rule: ksort order, PHP number rendering, true as \"1\""
	case codec.RuleJava:
		return "md5 matches under the java rule: Gson numbers (1.0), TreeMap order, nulls dropped"
	}
	if rule == "" {
		return ""
	}
	return "md5 matches under the " + rule + " rule"
}

// failureOf splits an error into layer, what and hint.
func failureOf(err error) *Failure {
	var ce *codec.Error
	if errors.As(err, &ce) {
		return &Failure{Layer: LayerWords(ce.Layer), What: ce.What, Hint: ce.Hint}
	}
	return &Failure{What: err.Error()}
}

// LayerWords names a failing layer for people.
func LayerWords(l codec.Layer) string {
	if l == report.LayerScan {
		return "finding the message"
	}
	return string(l)
}

// keyNote says which key a report used, or why none was. Keys are never
// shown: profiles are named by label and merchant_id. use, when known,
// names the profile whose key was used.
func keyNote(r *report.Report, profiles []vault.Profile, typed bool, use *KeyUse) (KeySource, string) {
	if r.Kind == "" || r.Outcome() == report.NothingToVerify {
		return KeyNone, ""
	}
	if typed {
		return KeyTyped, "Key typed for this decode only (not saved)"
	}
	who := "merchant " + r.MerchantID
	if r.MerchantID == "" {
		who = "this message, which names no merchant_id,"
	}
	if r.MerchantID != "" && hasMerchant(profiles, r.MerchantID) {
		if use == nil {
			return KeyVault, "Key from the vault: " + profileName(profiles, r.MerchantID)
		}
		if len(use.Same) > 1 {
			names := make([]string, len(use.Same))
			for i, p := range use.Same {
				names[i] = displayName(p)
			}
			several := strconv.Itoa(len(use.Same)) + " profiles have merchant_id " + r.MerchantID + " (" + quoteNames(names) + ")"
			if use.Profile == nil {
				return KeyVault, "Key from the vault: none fits. " + several + ", and the key of none of them verifies this message"
			}
			return KeyVault, "Key from the vault: " + nameOf(*use.Profile) + ", the one that verifies. " + several + ": each key was tried; check on the Keys page that this is the profile you expect"
		}
		if use.Profile != nil {
			return KeyVault, "Key from the vault: " + nameOf(*use.Profile)
		}
	}
	usable := 0
	for _, p := range profiles {
		if p.MerchantID != "" && p.SignKey != "" {
			usable++
		}
	}
	switch {
	case usable == 0:
		return KeyNone, "No key for " + who + " in the vault: add it on the Keys page, or type the key above for this decode only"
	case use != nil && use.Profile != nil:
		return KeySearch, "Found by trying every vault key: " + nameOf(*use.Profile) + " fits"
	case r.Key != "":
		return KeySearch, "Found by trying every vault key: " + profileName(profiles, r.Key) + " fits"
	}
	n := "the vault's key"
	if usable > 1 {
		n = "all " + strconv.Itoa(usable) + " vault keys"
	}
	return KeySearch, "No key for " + who + " in the vault, and none fits (tried " + n + "): add the merchant's key on the Keys page, or type it above"
}

// nameOf names a profile by label and merchant_id.
func nameOf(p vault.Profile) string {
	if p.Label != "" && p.Label != p.MerchantID {
		return "“" + p.Label + "” (merchant " + p.MerchantID + ")"
	}
	return "merchant " + p.MerchantID
}

func hasMerchant(profiles []vault.Profile, merchantID string) bool {
	for _, p := range profiles {
		if p.MerchantID == merchantID && p.SignKey != "" {
			return true
		}
	}
	return false
}

// profileName names the vault profile of a merchant_id.
func profileName(profiles []vault.Profile, merchantID string) string {
	for _, p := range profiles {
		if p.MerchantID == merchantID {
			if p.Label != "" && p.Label != merchantID {
				return "“" + p.Label + "” (merchant " + merchantID + ")"
			}
			break
		}
	}
	return "merchant " + merchantID
}

// fieldRows annotates the decrypted members from the catalogue: the
// action's documented fields for a request, the response and callback
// fields otherwise.
func fieldRows(r *report.Report) []FieldRow {
	kind := kindOf(r.Kind)
	var action *catalog.Action
	if kind == codec.Request && r.Action != "" {
		variants := catalog.Lookup(r.Action)
		for i := range variants {
			if action == nil || variants[i].Version == r.Version {
				action = &variants[i]
			}
		}
	}
	rows := make([]FieldRow, 0, len(r.Data.Members))
	for _, m := range r.Data.Members {
		row := FieldRow{Name: m.Key, Value: m.Value.Text}
		if m.Value.Kind != codec.KindString {
			row.Kind = kindWords(m.Value.Kind)
		}
		var f catalog.Field
		ok := false
		if action != nil {
			f, ok = action.Field(kind, m.Key)
		}
		if !ok {
			f, ok = catalog.LookupField(m.Key)
		}
		if ok {
			row.Note = f.Note
		}
		if s := catalog.ExplainValue(m.Key, m.Value); s != "" && s != m.Value.Text {
			row.Shown = s
		}
		rows = append(rows, row)
	}
	return rows
}

func kindOf(s string) codec.EnvelopeKind {
	switch s {
	case "request":
		return codec.Request
	case "response":
		return codec.Response
	case "callback":
		return codec.Callback
	}
	return 0
}

func kindWords(k codec.Kind) string {
	switch k {
	case codec.KindNumber:
		return "number"
	case codec.KindBool:
		return "boolean"
	case codec.KindNull:
		return "null"
	case codec.KindObject:
		return "object"
	case codec.KindArray:
		return "array"
	}
	return "string"
}

func stepsOf(sent string, o *codec.Opened) *Steps {
	s := &Steps{
		SentMD5:       sent,
		KeyMD5:        o.KeyMD5,
		MD5Uppercased: o.MD5Uppercased,
		AESKey:        o.AESKey,
		Padding:       o.Padding,
		PaddingBytes:  paddingBytes(o.Padding),
	}
	for _, rd := range o.Rules {
		st := RuleStep{Rule: string(rd.Rule), Sorted: rd.Input, Computed: rd.MD5, Match: rd.Match}
		if rd.Err != nil {
			st.Err = rd.Err.Error()
		}
		s.Rules = append(s.Rules, st)
	}
	return s
}

// paddingBytes shows n PKCS#7 padding bytes in hex: each byte holds n.
func paddingBytes(n int) string {
	if n <= 0 || n > 16 {
		return ""
	}
	b := fmt.Sprintf("%02X", n)
	return strings.TrimSpace(strings.Repeat(b+" ", n))
}

// MaskKey hides an AES key or sign key until the user reveals it.
func MaskKey(s string) string {
	if s == "" {
		return ""
	}
	return strings.Repeat("•", len([]rune(s)))
}
