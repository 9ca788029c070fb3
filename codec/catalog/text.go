package catalog

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ottpay-toolkit/ottpay/codec"
)

// Text renders the catalogue entry of an action for people (the output of
// `ottpay explain ACTION`): name, variant and version, endpoint, source
// pages, envelope extras, the request, response and callback data fields
// with Y/N and notes, the notes on the docs, and the documented example.
func (a Action) Text() string {
	var b strings.Builder
	b.WriteString(a.Name)
	if a.Variant != "" {
		b.WriteString(" (" + a.Variant + ")")
	}
	if a.Version != "" {
		b.WriteString(", version " + a.Version)
	}
	b.WriteString("\n")
	if a.Title != "" {
		b.WriteString(a.Title + "\n")
	}
	if a.Endpoint != "" {
		b.WriteString("Endpoint: POST " + a.Endpoint + "\n")
	} else if a.Name == CallbackName {
		b.WriteString("Sent by:  OTT Pay, as a POST to the call_back_url of the request\n")
	}
	if a.Source != "" {
		b.WriteString("Source:   " + a.Source + "\n")
	}
	for _, s := range a.AlsoOn {
		b.WriteString("Also on:  " + s + "\n")
	}
	b.WriteString("Required: Y yes, N or O no, - not stated by the docs\n")

	if a.Name == CallbackName {
		writeFields(&b, "Callback envelope (plain JSON)", EnvelopeFields(codec.Callback))
	}
	writeFields(&b, "Envelope extras (plain, top level of the request)", a.EnvelopeExtra)
	writeFields(&b, "Request data", a.Request)
	switch {
	case len(a.Response) > 0 && a.ResponseTruncated:
		writeFields(&b, "Response data (the stored docs' table is cut short)", a.Response)
	case len(a.Response) > 0:
		writeFields(&b, "Response data", a.Response)
	case a.ResponseTruncated:
		b.WriteString("\nResponse data: not in the stored docs\n")
	}
	if a.Name == CallbackName {
		writeFields(&b, "Callback data (the documented fields; any may be present)", a.Callback)
	} else {
		writeFields(&b, "Callback data (POSTed to call_back_url; the documented fields, any may be present)", a.Callback)
	}
	if len(a.Notes) > 0 {
		b.WriteString("\nNotes on the docs:\n")
		for _, n := range a.Notes {
			b.WriteString("  - " + n + "\n")
		}
	}
	if a.Example != "" {
		b.WriteString("\nDocumented request data example:\n  " + a.Example + "\n")
	}
	return b.String()
}

func writeFields(b *strings.Builder, title string, fields []Field) {
	if len(fields) == 0 {
		return
	}
	b.WriteString("\n" + title + ":\n")
	writeFieldLines(b, "  ", fields)
}

func writeFieldLines(b *strings.Builder, indent string, fields []Field) {
	width := 0
	for _, f := range fields {
		width = max(width, utf8.RuneCountInString(f.Name))
	}
	for _, f := range fields {
		req := f.Required
		if req == "" {
			req = "-"
		}
		line := indent + f.Name + strings.Repeat(" ", width-utf8.RuneCountInString(f.Name)) + "  " + req
		if d := fieldDetail(f); d != "" {
			line += "  " + d
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
		if len(f.Sub) > 0 {
			b.WriteString(indent + "    members of " + f.Name + ":\n")
			writeFieldLines(b, indent+"    ", f.Sub)
		}
	}
}

// fieldDetail is the note of a field plus what the note leaves out.
func fieldDetail(f Field) string {
	parts := []string{}
	if f.Note != "" {
		parts = append(parts, f.Note)
	}
	has := func(s string) bool { return strings.Contains(f.Note, s) }
	if f.Type != "" && f.Type != "string" {
		parts = append(parts, "JSON "+f.Type)
	}
	if len(f.Enum) > 0 {
		missing := false
		for _, e := range f.Enum {
			if !has(strings.TrimSpace(e)) {
				missing = true
			}
		}
		if missing {
			parts = append(parts, "values "+quoteList(f.Enum, " | "))
		}
	}
	switch f.Unit {
	case UnitCents:
		if !has("cents") {
			parts = append(parts, "cents")
		}
	case UnitRate:
		if !has("10^8") {
			parts = append(parts, "scaled by 10^8")
		}
	case UnitSeconds:
		if !has("seconds") {
			parts = append(parts, "seconds")
		}
	case UnitDecimal:
		parts = append(parts, "decimal number")
	case UnitTime:
		if f.Format == "" {
			parts = append(parts, "time, shown as sent")
		}
	}
	if f.Digits > 0 && !has("digits") {
		parts = append(parts, strconv.Itoa(f.Digits)+" digits")
	}
	if len(f.Aliases) > 0 {
		parts = append(parts, "also spelled "+strings.Join(f.Aliases, ", "))
	}
	return strings.Join(parts, "; ")
}

// Text renders an Appendix B response code for people (the output of
// `ottpay explain RSP_CODE`), with the status fields that document the same
// value.
func (c Code) Text() string {
	var b strings.Builder
	b.WriteString(c.Code + ": " + c.Meaning + "\n")
	b.WriteString("Appendix B response code (rsp_code of responses and callbacks; rspCode or respcode inside some data)\n")
	if src := CodesSource(); src != "" {
		b.WriteString("Source:   " + src + "\n")
	}
	for _, st := range load().statuses {
		if st.Value == c.Code {
			b.WriteString("Also a documented value of " + st.Field + " (" + st.Context + "): " + st.Meaning + "\n")
		}
	}
	return b.String()
}

// Explain renders whatever the catalogue documents under term, for
// `ottpay explain`: the variants of an action (or "NAME/variant"), else an
// Appendix B response code, else a status value, else a transaction data
// field and where it is documented. Names are matched case-insensitively.
// When nothing matches, ok is false and the text says so and lists the
// documented actions.
func Explain(term string) (text string, ok bool) {
	term = strings.TrimSpace(term)
	if term == "" {
		return "Name an action, an rsp_code, a status or a field; documented actions: " + actionNames() + "\n", false
	}
	if actions := Lookup(term); len(actions) > 0 {
		parts := make([]string, len(actions))
		for i, a := range actions {
			parts[i] = a.Text()
		}
		return strings.Join(parts, "\n"+strings.Repeat("-", 72)+"\n\n"), true
	}
	if code, found := ResponseCode(term); found {
		return code.Text(), true
	}
	c := load()
	var b strings.Builder
	for _, st := range c.statuses {
		if strings.EqualFold(strings.TrimSpace(st.Value), term) {
			b.WriteString(st.Value + ": " + st.Meaning + " (value of " + st.Field + ", " + st.Context + ")\n")
		}
	}
	if b.Len() > 0 {
		return b.String(), true
	}
	if t := fieldText(c, term); t != "" {
		return t, true
	}
	return codec.Quote(term, 80) + " is not a documented action, Appendix B response code, status or field.\n" +
		"The stored Appendix B ends after DB_ERROR, so a newer code may still be genuine.\n" +
		"Documented actions: " + actionNames() + "\n", false
}

// fieldText lists where a field name is documented, with its notes.
func fieldText(c *catalog, name string) string {
	type use struct{ where, line string }
	var uses []use
	seen := map[string]bool{}
	add := func(where string, list []Field) {
		for _, f := range list {
			if !strings.EqualFold(f.Name, name) {
				continue
			}
			req := f.Required
			if req == "" {
				req = "-"
			}
			line := f.Name + "  " + req
			if d := fieldDetail(f); d != "" {
				line += "  " + d
			}
			key := where + "\x00" + line
			if !seen[key] {
				seen[key] = true
				uses = append(uses, use{where, line})
			}
		}
	}
	add("callback data", c.callback.Callback)
	add("request envelope", c.envelope.Request)
	add("response envelope", c.envelope.Response)
	add("callback envelope", c.envelope.Callback)
	for _, a := range c.actions {
		add(a.ID()+" request", a.Request)
		add(a.ID()+" response", a.Response)
		add(a.ID()+" envelope", a.EnvelopeExtra)
	}
	if len(uses) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Field " + codec.Quote(name, 80) + " (Required: Y yes, N or O no, - not stated):\n")
	for _, u := range uses {
		b.WriteString("  " + u.where + ": " + u.line + "\n")
	}
	return b.String()
}

func actionNames() string {
	var names []string
	seen := map[string]bool{}
	for _, a := range load().actions {
		if !seen[a.Name] {
			seen[a.Name] = true
			names = append(names, a.Name)
		}
	}
	names = append(names, CallbackName)
	return strings.Join(names, ", ")
}
