package batch

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/report"
)

func obj(kv ...string) *codec.Object {
	o := &codec.Object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.SetString(kv[i], kv[i+1])
	}
	return o
}

// tableRows are rows of every outcome with cells a spreadsheet could
// mistake for formulas.
func tableRows() []Row {
	return []Row{
		{Index: 0, Line: 12, Kind: "callback", Merchant: "ON00004652", OrderID: "1001", Amount: "900", RspCode: "SUCCESS", Status: "captured", Outcome: report.Verified, Rule: "strings", Data: obj("order_id", "1001", "amount", "900")},
		{Index: 1, Line: 3, Kind: "callback", Merchant: "QC00005496", OrderID: "=HYPERLINK(\"http://x\")", Amount: "10000", RspCode: "SUCCESS", Outcome: report.NotVerified, Cause: "verify: md5 does not match, \"quoted\"\nsecond line", Data: obj("order_id", "=HYPERLINK(\"http://x\")")},
		{Index: 2, Line: 7, Kind: "request", Merchant: "BC00013370", Action: "ACTIVEPAY", Amount: "-5", Outcome: report.Failed, Cause: "keys: no sign key for merchant BC00013370"},
		{Index: 3, Line: 9, Kind: "response", RspCode: "FAIL", Outcome: report.NothingToVerify},
		{Index: 4, Line: 20, Kind: "callback", Merchant: "ON00004652", OrderID: "@SUM(A1)", Amount: "abc", RspCode: "+1", Outcome: report.Verified, Data: obj("order_id", "@SUM(A1)")},
	}
}

func viewLines(t *Table) []int {
	out := make([]int, t.Len())
	for i := range out {
		out[i] = t.Row(i).Line
	}
	return out
}

func TestSort(t *testing.T) {
	tab := NewTable(tableRows())
	if got := viewLines(tab); !equalInts(got, []int{3, 7, 9, 12, 20}) {
		t.Errorf("initial order by line %v", got)
	}
	for _, tc := range []struct {
		col  Column
		desc bool
		want []int
	}{
		{ColLine, true, []int{20, 12, 9, 7, 3}},
		// Amounts numerically (900 < 10000, unlike text), text after.
		{ColAmount, false, []int{7, 12, 3, 9, 20}},
		{ColAmount, true, []int{20, 9, 3, 12, 7}},
		// Outcome from best to worst, ties in input order.
		{ColVerified, false, []int{12, 20, 9, 3, 7}},
		{ColMerchant, false, []int{9, 7, 12, 20, 3}},
		{ColStatus, false, []int{7, 20, 9, 3, 12}},
	} {
		tab.Sort(tc.col, tc.desc)
		if got := viewLines(tab); !equalInts(got, tc.want) {
			t.Errorf("sort by %s desc=%v: lines %v, want %v", tc.col.Title(), tc.desc, got, tc.want)
		}
		if c, d := tab.SortedBy(); c != tc.col || d != tc.desc {
			t.Errorf("SortedBy = %v %v", c, d)
		}
	}
	// Every column sorts, and the view stays a permutation of the rows.
	for _, c := range Columns() {
		tab.Sort(c, false)
		if tab.Len() != 5 || c.Title() == "" {
			t.Errorf("column %d: %d rows, title %q", c, tab.Len(), c.Title())
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFilter(t *testing.T) {
	tab := NewTable(tableRows())
	for _, tc := range []struct {
		f    Filter
		want []int
	}{
		{Filter{}, []int{3, 7, 9, 12, 20}},
		{Filter{Text: "on00004652"}, []int{12, 20}},
		{Filter{Text: "  CAPTURED "}, []int{12}},
		{Filter{Text: "no sign key"}, []int{7}},
		{Filter{Outcome: report.Verified}, []int{12, 20}},
		{Filter{Outcome: report.NothingToVerify}, []int{9}},
		{Filter{Text: "success", Outcome: report.NotVerified}, []int{3}},
		{Filter{Text: "nowhere"}, []int{}},
	} {
		tab.SetFilter(tc.f)
		if got := viewLines(tab); !equalInts(got, tc.want) {
			t.Errorf("filter %+v: lines %v, want %v", tc.f, got, tc.want)
		}
		if tab.Filter() != tc.f {
			t.Errorf("Filter() = %+v", tab.Filter())
		}
		// Counts are over every row, whatever the filter.
		if c := tab.Counts(); c != (Counts{Verified: 2, NotVerified: 1, Failed: 1, NoData: 1}) || tab.Total() != 5 {
			t.Errorf("counts under filter %+v: %+v", tc.f, c)
		}
	}
}

// The CSV is RFC 4180 (a strict reader reads back every cell), and no cell
// starts with a character that makes a spreadsheet run it as a formula.
func TestCSV(t *testing.T) {
	tab := NewTable(tableRows())
	var buf bytes.Buffer
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if !strings.HasSuffix(text, "\r\n") || strings.Count(text, "\n") != strings.Count(text, "\r\n") {
		t.Errorf("line breaks are not all CRLF:\n%q", text)
	}
	r := csv.NewReader(strings.NewReader(text))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not readable as CSV: %v", err)
	}
	if len(recs) != 6 || strings.Join(recs[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("%d records, header %v", len(recs), recs[0])
	}
	for i, rec := range recs[1:] {
		row := tab.Row(i)
		if rec[0] != strconv.Itoa(row.Line) || rec[8] != OutcomeLabel(row.Outcome) {
			t.Errorf("record %d: %v for row %+v", i, rec, row)
		}
		for j, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("record %d cell %s = %q starts like a formula", i, CSVHeader[j], cell)
			}
		}
	}
	// The guarded cells keep their text after the apostrophe; the quoted
	// cause with its line break survives whole.
	if got := recs[1][4]; got != `'=HYPERLINK("http://x")` {
		t.Errorf("order id cell %q", got)
	}
	if got := recs[1][11]; got != "verify: md5 does not match, \"quoted\"\nsecond line" {
		t.Errorf("cause cell %q", got)
	}
	if got := recs[2][5]; got != "'-5" {
		t.Errorf("negative amount cell %q", got)
	}
	if got := recs[5][6]; got != "'+1" {
		t.Errorf("rsp_code cell %q", got)
	}
	// The CSV follows the view.
	tab.SetFilter(Filter{Outcome: report.Verified})
	buf.Reset()
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if recs, _ := csv.NewReader(&buf).ReadAll(); len(recs) != 3 {
		t.Errorf("filtered CSV has %d records, want header + 2", len(recs))
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"=1+1":       "'=1+1",
		"+1":         "'+1",
		"-1":         "'-1",
		"@A1":        "'@A1",
		"\tx":        "'\tx",
		"\rx":        "'\rx",
		"1=1":        "1=1",
		"SUCCESS":    "SUCCESS",
		"'quoted":    "'quoted",
		"ON00004652": "ON00004652",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// JSON lines: the decrypted objects of the view, in view order, compact,
// members as sent; rows without data are left out.
func TestJSONL(t *testing.T) {
	tab := NewTable(tableRows())
	tab.Sort(ColLine, true)
	var buf bytes.Buffer
	n, err := tab.WriteJSONL(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"order_id":"@SUM(A1)"}` + "\n" +
		`{"order_id":"1001","amount":"900"}` + "\n" +
		`{"order_id":"=HYPERLINK(\"http://x\")"}` + "\n"
	if n != 3 || buf.String() != want {
		t.Errorf("%d lines:\n%s\nwant\n%s", n, buf.String(), want)
	}
}

// The amount column shows money as the Decode page's cards do (whole cents
// with two places), sorts by the number of cents, not by the text shown,
// and exports the cents as sent.
func TestAmountMoney(t *testing.T) {
	for in, want := range map[string]string{
		"114886": "1148.86", "100": "1.00", "9": "0.09", "10": "0.10", "0": "0.00", "007": "0.07",
		"123456789012345678901234": "1234567890123456789012.34", // beyond int64: still exact
		"":                         "",
		"-5":                       "-5", // not whole cents: shown as sent
		"12.50":                    "12.50",
		"abc":                      "abc",
	} {
		if got := ColAmount.Text(&Row{Amount: in}); got != want {
			t.Errorf("amount %q shows %q, want %q", in, got, want)
		}
	}

	rows := []Row{{Index: 0, Line: 1, Amount: "100"}, {Index: 1, Line: 2, Amount: "9"}, {Index: 2, Line: 3, Amount: "10"}}
	tab := NewTable(rows)
	tab.Sort(ColAmount, false)
	var shown []string
	for i := 0; i < tab.Len(); i++ {
		shown = append(shown, ColAmount.Text(tab.Row(i)))
	}
	if strings.Join(shown, " ") != "0.09 0.10 1.00" {
		t.Errorf("amounts 9, 10, 100 sorted ascending show %v, want 0.09 0.10 1.00", shown)
	}
	tab.Sort(ColAmount, true)
	if got := viewLines(tab); !equalInts(got, []int{1, 3, 2}) {
		t.Errorf("descending by amount: lines %v, want 1 3 2 (100, 10, 9)", got)
	}

	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][5] != "amount" || recs[1][5] != "100" || recs[2][5] != "10" || recs[3][5] != "9" {
		t.Errorf("CSV amounts %v, want the cents as sent: 100, 10, 9", recs)
	}
	// The filter finds a row by the money shown or by the cents sent.
	for needle, want := range map[string][]int{"0.09": {2}, "100": {1}, "1.00": {1}} {
		tab.SetFilter(Filter{Text: needle})
		if got := viewLines(tab); !equalInts(got, want) {
			t.Errorf("filter %q: lines %v, want %v", needle, got, want)
		}
	}
}
