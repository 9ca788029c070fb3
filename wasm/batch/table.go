package batch

import (
	"cmp"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

// Row is one envelope of a batch as the table shows it.
type Row struct {
	// Index is the envelope's position in the input, from 0.
	Index int
	// Line is the 1-based input line where the envelope starts.
	Line int
	// Kind is "request", "response" or "callback".
	Kind     string
	Merchant string
	Action   string
	// OrderID is order_id (or orderId) of the decrypted data.
	OrderID string
	// Amount is the amount of the decrypted data as sent (in cents for
	// most actions).
	Amount string
	// RspCode is the envelope's rsp_code; Status the status of the
	// decrypted data (status, order_status, trade_status, ...).
	RspCode, Status string
	// Outcome says whether the envelope verified.
	Outcome report.Outcome
	// Rule is the sender rule the md5 verified under.
	Rule string
	// Key is the merchant_id of the key that worked, when another
	// merchant's key was found by searching.
	Key string
	// Cause is what failed and the likely cause; empty when nothing did.
	Cause    string
	Warnings []string
	// Data is the decrypted transaction data; nil when nothing was
	// decrypted.
	Data *codec.Object
}

// Counts are the numbers of envelopes by outcome.
type Counts struct {
	// Verified: decrypted, and the md5 verified.
	Verified int
	// NotVerified: decrypted, but the md5 did not verify.
	NotVerified int
	// Failed: could not be decrypted (no key, wrong key, damaged data).
	Failed int
	// NoData: a response carrying no data and no md5, as failure
	// responses often do.
	NoData int
}

// Total returns the number of envelopes counted.
func (c Counts) Total() int { return c.Verified + c.NotVerified + c.Failed + c.NoData }

func (c *Counts) add(o report.Outcome) {
	switch o {
	case report.Verified:
		c.Verified++
	case report.NotVerified:
		c.NotVerified++
	case report.NothingToVerify:
		c.NoData++
	default:
		c.Failed++
	}
}

// Of returns the count of one outcome.
func (c Counts) Of(o report.Outcome) int {
	switch o {
	case report.Verified:
		return c.Verified
	case report.NotVerified:
		return c.NotVerified
	case report.NothingToVerify:
		return c.NoData
	case report.Failed:
		return c.Failed
	}
	return 0
}

// Outcomes lists the outcomes in the order the page shows their counts.
var Outcomes = []report.Outcome{report.Verified, report.NotVerified, report.Failed, report.NothingToVerify}

// OutcomeLabel names an outcome as the table and its counts do:
// "verified", "not verified", "failed to decode", "no data".
func OutcomeLabel(o report.Outcome) string {
	switch o {
	case report.Verified:
		return "verified"
	case report.NotVerified:
		return "not verified"
	case report.NothingToVerify:
		return "no data"
	}
	return "failed to decode"
}

// Column is a column of the table.
type Column uint8

// The columns, in the order the table shows them.
const (
	ColLine Column = iota
	ColKind
	ColMerchant
	ColAction
	ColOrderID
	ColAmount
	ColStatus
	ColVerified
	ColCause
	numColumns
)

// Columns returns every column in display order.
func Columns() []Column {
	cs := make([]Column, numColumns)
	for i := range cs {
		cs[i] = Column(i)
	}
	return cs
}

// Title returns the column's heading.
func (c Column) Title() string {
	switch c {
	case ColLine:
		return "line"
	case ColKind:
		return "kind"
	case ColMerchant:
		return "merchant"
	case ColAction:
		return "action"
	case ColOrderID:
		return "order id"
	case ColAmount:
		return "amount"
	case ColStatus:
		return "rsp_code / status"
	case ColVerified:
		return "verified"
	case ColCause:
		return "failure cause"
	}
	return ""
}

// Text returns the cell of row r in column c as the table shows it.
func (c Column) Text(r *Row) string {
	switch c {
	case ColLine:
		if r.Line == 0 {
			return ""
		}
		return strconv.Itoa(r.Line)
	case ColKind:
		return r.Kind
	case ColMerchant:
		return r.Merchant
	case ColAction:
		return r.Action
	case ColOrderID:
		return r.OrderID
	case ColAmount:
		return Money(r.Amount)
	case ColStatus:
		switch {
		case r.RspCode != "" && r.Status != "":
			return r.RspCode + " / " + r.Status
		case r.RspCode != "":
			return r.RspCode
		}
		return r.Status
	case ColVerified:
		return OutcomeLabel(r.Outcome)
	case ColCause:
		return r.Cause
	}
	return ""
}

// Money returns an amount as sent, a string of whole cents, as the Decode
// page's cards show it: "114886" is "1148.86", "5" is "0.05". An amount
// that is not a whole number of cents (a sign, a decimal point, letters)
// is returned as sent, so the table never hides what arrived.
func Money(cents string) string {
	if cents == "" {
		return ""
	}
	for i := 0; i < len(cents); i++ {
		if cents[i] < '0' || cents[i] > '9' {
			return cents
		}
	}
	return catalog.Field{Name: "amount", Unit: catalog.UnitCents}.Explain(codec.Value{Kind: codec.KindString, Text: cents})
}

// compare orders two rows by column c: line and amount numerically, by
// the cents sent, not by the text shown (amounts that are not whole
// numbers after those that are), the outcome
// from best to worst, the rest as text.
func (c Column) compare(a, b *Row) int {
	switch c {
	case ColLine:
		return cmp.Compare(a.Line, b.Line)
	case ColAmount:
		x, xerr := strconv.ParseInt(a.Amount, 10, 64)
		y, yerr := strconv.ParseInt(b.Amount, 10, 64)
		switch {
		case xerr == nil && yerr == nil:
			return cmp.Compare(x, y)
		case xerr == nil:
			return -1
		case yerr == nil:
			return 1
		}
		return strings.Compare(a.Amount, b.Amount)
	case ColVerified:
		return cmp.Compare(a.Outcome, b.Outcome)
	}
	return strings.Compare(c.Text(a), c.Text(b))
}

// Filter selects rows.
type Filter struct {
	// Text keeps rows where any column, the amount as sent, the sender
	// rule or a warning contains it, regardless of letter case; empty keeps every row.
	Text string
	// Outcome keeps rows of that outcome only; zero keeps every row.
	Outcome report.Outcome
}

// Table is the rows of a batch with a sort order and a filter. The view is
// the filtered rows in sort order; counts are over every row.
type Table struct {
	rows   []Row
	view   []int
	hay    []string // lower-cased searchable text per row, built lazily
	sortBy Column
	desc   bool
	filter Filter
}

// NewTable returns a table over rows, sorted by line, unfiltered. The
// table keeps rows; the caller must not change them afterwards.
func NewTable(rows []Row) *Table {
	t := &Table{rows: rows}
	t.refresh()
	return t
}

// Sort orders the view by column c, descending when desc. Rows that tie
// keep their input order.
func (t *Table) Sort(c Column, desc bool) {
	if c >= numColumns {
		return
	}
	t.sortBy, t.desc = c, desc
	t.refresh()
}

// SortedBy returns the sort column and direction.
func (t *Table) SortedBy() (Column, bool) { return t.sortBy, t.desc }

// SetFilter replaces the filter.
func (t *Table) SetFilter(f Filter) {
	t.filter = f
	t.refresh()
}

// Filter returns the current filter.
func (t *Table) Filter() Filter { return t.filter }

// Len returns the number of rows in the view.
func (t *Table) Len() int { return len(t.view) }

// Row returns row i of the view (0 <= i < Len()).
func (t *Table) Row(i int) *Row { return &t.rows[t.view[i]] }

// Total returns the number of rows, filtered or not.
func (t *Table) Total() int { return len(t.rows) }

// Counts returns the outcomes of every row, whatever the filter.
func (t *Table) Counts() Counts {
	var c Counts
	for i := range t.rows {
		c.add(t.rows[i].Outcome)
	}
	return c
}

func (t *Table) haystack(i int) string {
	if t.hay == nil {
		t.hay = make([]string, len(t.rows))
	}
	if t.hay[i] == "" {
		r := &t.rows[i]
		var b strings.Builder
		for _, c := range Columns() {
			b.WriteString(c.Text(r))
			b.WriteByte('\n')
		}
		b.WriteString(r.Amount) // the cents as sent, beside the money shown
		b.WriteByte('\n')
		b.WriteString(r.Rule)
		b.WriteByte('\n')
		b.WriteString(r.Key)
		for _, w := range r.Warnings {
			b.WriteByte('\n')
			b.WriteString(w)
		}
		t.hay[i] = strings.ToLower(b.String())
	}
	return t.hay[i]
}

func (t *Table) refresh() {
	t.view = t.view[:0]
	needle := strings.ToLower(strings.TrimSpace(t.filter.Text))
	for i := range t.rows {
		if t.filter.Outcome != 0 && t.rows[i].Outcome != t.filter.Outcome {
			continue
		}
		if needle != "" && !strings.Contains(t.haystack(i), needle) {
			continue
		}
		t.view = append(t.view, i)
	}
	slices.SortStableFunc(t.view, func(a, b int) int {
		c := t.sortBy.compare(&t.rows[a], &t.rows[b])
		if t.desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a, b)
		}
		return c
	})
}

// CSVHeader is the header row of WriteCSV.
var CSVHeader = []string{"line", "kind", "merchant_id", "action", "order_id", "amount", "rsp_code", "status", "verified", "rule", "key", "cause"}

// WriteCSV writes the view as CSV (RFC 4180: CRLF line ends, fields with
// commas, quotes or line breaks quoted, quotes doubled), header first.
//
// A cell that starts with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe, so a spreadsheet shows it as text instead of running
// it as a formula (a decrypted field is sender-controlled text). A negative
// amount therefore reads '-100.
//
// The amount column holds the amount as sent, in whole cents ("114886"),
// not the money the table shows ("1148.86"): the export is data for
// programs and spreadsheets, exact and as the API defines it.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(CSVHeader))
	for i := range t.view {
		r := t.Row(i)
		line := ""
		if r.Line > 0 {
			line = strconv.Itoa(r.Line)
		}
		rec = append(rec[:0], line, r.Kind, r.Merchant, r.Action, r.OrderID, r.Amount, r.RspCode, r.Status,
			OutcomeLabel(r.Outcome), r.Rule, r.Key, r.Cause)
		for j := range rec {
			rec[j] = SafeCell(rec[j])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell returns s with a leading apostrophe when a spreadsheet would
// read it as a formula: when it starts with =, +, -, @, a tab or a
// carriage return.
func SafeCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// WriteJSONL writes the decrypted data of the view's rows as JSON lines:
// one compact object per line (raw UTF-8, members in the order they were
// sent), in view order; rows with nothing decrypted are left out. It
// returns the number of lines written.
func (t *Table) WriteJSONL(w io.Writer) (int, error) {
	var buf []byte
	n := 0
	for i := range t.view {
		r := t.Row(i)
		if r.Data == nil {
			continue
		}
		buf = r.Data.AppendJSON(buf)
		buf = append(buf, '\n')
		n++
		if len(buf) >= 64<<10 {
			if _, err := w.Write(buf); err != nil {
				return n, err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return n, err
		}
	}
	return n, nil
}
