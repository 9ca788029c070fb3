// Package ui is the Batch page of the workbench: paste a log or open a
// file, decode every envelope in it with a progress bar and a cancel
// button, and read the outcome as a sortable, filterable table with counts
// by outcome, exportable as CSV and as JSON lines.
//
// The page renders its content only; the app puts it in its layout and
// gives it the vault's keys through a KeySource. Keys are never shown, put
// in the URL or exported: the table and its exports name a key by the
// merchant_id it is filed under.
package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/codec/report"
	"github.com/ottpay-toolkit/ottpay/codec/scan"
	"github.com/ottpay-toolkit/ottpay/wasm/batch"
	workbench "github.com/ottpay-toolkit/ottpay/wasm/ui"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// Path is the route of the Batch page.
const Path = "/batch"

// KeySource returns the vault's profiles, whose keys the page decodes
// with. It is called once per decode; an error (a locked vault, say) is
// shown to the user as is.
type KeySource func(ctx context.Context) ([]vault.Profile, error)

// PageSize is the number of table rows shown at once.
const PageSize = 100

// MaxInput is the largest file or paste the page decodes, in bytes.
const MaxInput = 256 << 20

// Batch is the Batch page's content. Make it with New.
type Batch struct {
	app.Compo

	keys  KeySource
	opts  batch.Options // Chunk and Yield for the engine
	clock func() time.Time

	pasted   []byte // the paste box, read when a decode starts
	edited   bool   // the paste box changed since it was read
	file     []byte // an opened or dropped file, used instead of text
	fileName string
	typedKey string // a key for envelopes with no vault key, never stored
	dragging bool

	running  bool
	cancel   context.CancelFunc
	progress batch.Progress
	started  time.Time

	table   *batch.Table
	outcome string // a sentence on how the last run ended
	failed  bool   // the last run ended on an error
	page    int
	detail  int // Index of the row shown in detail, or -1
	notice  string

	mounted bool // the page runs in the browser: its controls respond
}

// New returns the Batch page decoding with the keys of keys.
func New(keys KeySource) *Batch {
	return &Batch{
		keys:   keys,
		opts:   batch.Options{Chunk: batch.DefaultChunk, Yield: batch.YieldToPage},
		clock:  time.Now,
		detail: -1,
	}
}

// OnMount marks the page as running (data-ready="true"): until then the
// browser shows the pre-rendered page, whose controls do nothing yet.
func (c *Batch) OnMount(ctx app.Context) {
	ctx.Dispatch(func(app.Context) { c.mounted = true })
	ctx.Async(func() { batch.Warm(ctx, batch.Options{Chunk: batch.WarmChunk, Yield: c.opts.Yield}) }) // the first decode then runs compiled code
}

// OnDismount stops a running decode when the page is left.
func (c *Batch) OnDismount() {
	if c.cancel != nil {
		c.cancel()
	}
}

// input returns what will be decoded and how to name it.
func (c *Batch) input() ([]byte, string) {
	if c.file != nil {
		return c.file, c.fileName
	}
	return c.pasted, "the pasted text"
}

// readPaste reads the paste box if it changed. A 10 MB paste is read once,
// when a decode starts, not on every keystroke.
func (c *Batch) readPaste() {
	if !c.edited {
		return
	}
	c.edited = false
	c.pasted = jsText(app.Window().GetElementByID("batch-text").Get("value"))
}

// jsText reads a JavaScript string as UTF-8 through TextEncoder.encodeInto,
// which Chromium runs several times faster than the plain conversion on
// texts of megabytes. It returns nil for anything but a string.
func jsText(v app.Value) []byte {
	if v.Type() != app.TypeString {
		return nil
	}
	n := app.Window().Get("String").New(v).Get("length").Int() // Length and Get panic on a string
	w := app.Window()
	enc := w.Get("TextEncoder").New()
	buf := w.Get("Uint8Array").New(n)
	res := enc.Call("encodeInto", v, buf)
	if res.Get("read").Int() < n {
		// Not all ASCII: room for the longest encoding.
		buf = w.Get("Uint8Array").New(3 * n)
		res = enc.Call("encodeInto", v, buf)
	}
	out := make([]byte, res.Get("written").Int())
	app.CopyBytesToGo(out, buf)
	return out
}

// start decodes the input on a goroutine, reporting progress to the page.
func (c *Batch) start(ctx app.Context) {
	if c.running {
		return
	}
	c.readPaste()
	data, name := c.input()
	c.notice, c.failed = "", false
	if len(bytes.TrimSpace(data)) == 0 {
		c.outcome, c.failed = "Paste a log or open a file first.", true
		return
	}
	if len(data) > MaxInput {
		c.outcome, c.failed = fmt.Sprintf("%s is %s, more than this page decodes at once (%s): split it.", name, size(int64(len(data))), size(MaxInput)), true
		return
	}
	runCtx, cancel := context.WithCancel(context.Background())
	c.running, c.cancel = true, cancel
	c.started = c.clock()
	c.progress = batch.Progress{Size: int64(len(data))}
	c.table, c.page, c.detail, c.outcome = nil, 0, -1, ""
	keySource, typed, opts := c.keys, c.typedKey, c.opts
	ctx.Async(func() {
		decode, err := loadKeys(runCtx, keySource, typed)
		if err != nil {
			ctx.Dispatch(func(ctx app.Context) {
				c.running, c.cancel = false, nil
				c.outcome, c.failed = "Cannot read the keys: "+err.Error(), true
				c.Update()
			})
			cancel()
			return
		}
		opts.Decode = decode
		opts.Progress = func(p batch.Progress) {
			if !p.Done {
				ctx.Dispatch(func(ctx app.Context) {
					c.progress = p
					c.Update()
				})
			}
		}
		res, err := batch.DecodeText(runCtx, data, opts)
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			c.finish(res, err, name)
			c.Update()
		})
	})
}

// loadKeys reads the vault's profiles and returns how each envelope is
// decoded (see Decoder).
func loadKeys(ctx context.Context, src KeySource, typed string) (func(scan.Found) report.Report, error) {
	var ps []vault.Profile
	if src != nil {
		var err error
		if ps, err = src(ctx); err != nil {
			return nil, err
		}
	}
	return Decoder(ps, typed), nil
}

// Decoder returns how the page decodes an envelope with the vault's
// profiles and a typed key. An envelope whose merchant_id has profiles is
// decoded as on the Decode page (workbench.KeyRing): the key of each of
// those profiles is tried, so that their order never decides which one
// verifies. Any other envelope is tried with the typed key, then with
// every profile's key.
func Decoder(profiles []vault.Profile, typed string) func(scan.Found) report.Report {
	ring := workbench.NewKeyRing(profiles, "")
	known := map[string]bool{}
	for _, p := range profiles {
		if p.MerchantID != "" && p.SignKey != "" {
			known[p.MerchantID] = true
		}
	}
	rest := workbench.DecodeKeys(profiles, "")
	rest.Key = typed
	return func(f scan.Found) report.Report {
		if typed != "" && (f.Envelope == nil || !known[f.Envelope.MerchantID]) {
			return report.Decode(f, rest)
		}
		r, _ := ring.Decode(f)
		return r
	}
}

// finish shows the outcome of a run.
func (c *Batch) finish(res *batch.Result, err error, name string) {
	c.running, c.cancel = false, nil
	c.table = batch.NewTable(res.Rows)
	c.progress = batch.Progress{Envelopes: len(res.Rows), Read: res.Read, Size: c.progress.Size, Counts: res.Counts, Done: true}
	took := c.clock().Sub(c.started).Round(10 * time.Millisecond)
	n := plural(len(res.Rows), "envelope")
	switch {
	case errors.Is(err, context.Canceled):
		c.outcome = fmt.Sprintf("Cancelled: %s decoded from %s before you stopped it (%s read).", n, name, percent(c.progress))
	case err != nil:
		c.outcome, c.failed = fmt.Sprintf("Stopped after %s: %v", n, err), true
	case len(res.Rows) == 0:
		c.outcome = "No request, response or callback found in " + name + "."
	default:
		c.outcome = fmt.Sprintf("%s decoded from %s in %s.", upperFirst(n), name, took)
	}
}

func (c *Batch) stop(ctx app.Context, e app.Event) {
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *Batch) clear(ctx app.Context, e app.Event) {
	if c.running {
		return
	}
	c.pasted, c.edited, c.file, c.fileName = nil, false, nil, ""
	c.table, c.outcome, c.notice, c.failed = nil, "", "", false
	c.progress = batch.Progress{}
	app.Window().GetElementByID("batch-text").Set("value", "")
	app.Window().GetElementByID("batch-file").Set("value", "")
}

// openFile reads the file of an <input type=file> or a drop.
func (c *Batch) openFile(ctx app.Context, files app.Value) {
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	f := files.Index(0)
	name, n := f.Get("name").String(), int64(f.Get("size").Float())
	if n > MaxInput {
		c.notice = fmt.Sprintf("%s is %s, more than this page decodes at once (%s): split it.", name, size(n), size(MaxInput))
		return
	}
	c.notice = "Reading " + name + "…"
	workbench.ReadFile(ctx, f, func(_ app.Context, data []byte) {
		c.file, c.fileName = data, name
		c.notice = fmt.Sprintf("%s opened (%s); Decode reads it instead of the paste box.", name, size(int64(len(data))))
		c.Update()
	})
}

// sortBy sorts by a column; a second click reverses the order.
func (c *Batch) sortBy(col batch.Column) {
	if c.table == nil {
		return
	}
	cur, desc := c.table.SortedBy()
	c.table.Sort(col, cur == col && !desc)
	c.page = 0
}

func (c *Batch) setFilter(text string, o report.Outcome) {
	if c.table == nil {
		return
	}
	c.table.SetFilter(batch.Filter{Text: text, Outcome: o})
	c.page = 0
}

// export downloads the view as CSV or JSON lines.
func (c *Batch) export(jsonl bool) {
	if c.table == nil {
		return
	}
	var b strings.Builder
	name := "ottpay-batch.csv"
	mime := "text/csv;charset=utf-8"
	if jsonl {
		n, err := c.table.WriteJSONL(&b)
		if err != nil {
			c.notice = "Export failed: " + err.Error()
			return
		}
		if n == 0 {
			c.notice = "No decrypted data in the rows shown: nothing to export."
			return
		}
		name, mime = "ottpay-batch.jsonl", "application/x-ndjson"
		c.notice = fmt.Sprintf("Exported %s as %s.", plural(n, "decrypted object"), name)
	} else {
		if err := c.table.WriteCSV(&b); err != nil {
			c.notice = "Export failed: " + err.Error()
			return
		}
		c.notice = fmt.Sprintf("Exported %s as %s.", plural(c.table.Len(), "row"), name)
	}
	workbench.Download(name, mime, []byte(b.String()))
}

// Render draws the page.
func (c *Batch) Render() app.UI {
	return app.Section().ID("batch").Class("batch").DataSet("ready", c.mounted).Body(
		app.H1().Text("Batch decode"),
		app.P().Class("lead").Text("Paste a log or open a file holding many envelopes mixed with other lines. Each envelope is decoded with its merchant's key from the vault, on this device."),
		c.renderInput(),
		c.renderProgress(),
		when(c.table != nil, func() app.UI { return c.renderTable() }),
	)
}

func (c *Batch) renderInput() app.UI {
	drop := "batch-drop"
	if c.dragging {
		drop += " dragging"
	}
	return app.Div().Class(drop).
		OnDragOver(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.dragging = true
		}).
		OnDragLeave(func(ctx app.Context, e app.Event) { c.dragging = false }).
		OnDrop(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.dragging = false
			c.openFile(ctx, e.Get("dataTransfer").Get("files"))
		}).
		Body(
			app.Textarea().ID("batch-text").Class("paste").Rows(8).
				Placeholder("Paste log lines, HTTP dumps, curl commands, JSON bodies… or drop a file here").
				Spellcheck(false).Attr("autocomplete", "off").
				OnInput(func(ctx app.Context, e app.Event) { c.edited = true }),
			app.Div().Class("keyline").Body(
				app.Label().Class("inline").Body(
					app.Text("Open a file: "),
					app.Input().ID("batch-file").Type("file").Accept(".log,.txt,.json,.jsonl,.har,text/*,application/json").
						OnChange(func(ctx app.Context, e app.Event) { c.openFile(ctx, ctx.JSSrc().Get("files")) }),
				),
				app.Label().Class("inline").Body(
					app.Text("Key for merchants not in the vault: "),
					// Masked with CSS, not a password field: the browser's
					// password manager must never offer to save a key.
					app.Input().ID("batch-key").Type("text").Class("key", "secret").
						Attr("autocomplete", "off").Spellcheck(false).
						Placeholder("optional, not saved").
						OnInput(func(ctx app.Context, e app.Event) { c.typedKey = ctx.JSSrc().Get("value").String() }),
				),
			),
			app.Div().Class("keyline").Body(
				app.Button().ID("batch-decode").Text("Decode all").Disabled(c.running).
					OnClick(func(ctx app.Context, e app.Event) { c.start(ctx) }),
				when(c.running, func() app.UI {
					return app.Button().ID("batch-cancel").Class("danger").Text("Cancel").OnClick(c.stop)
				}),
				app.Button().ID("batch-clear").Class("secondary").Text("Clear").Disabled(c.running).OnClick(c.clear),
				when(c.fileName != "", func() app.UI {
					return app.Span().ID("batch-source").Text("Input: " + c.fileName)
				}),
			),
			when(c.notice != "", func() app.UI { return app.P().ID("batch-notice").Class("notice").Text(c.notice) }),
		)
}

func (c *Batch) renderProgress() app.UI {
	if !c.running && c.outcome == "" {
		return app.If(false)
	}
	p := c.progress
	status := fmt.Sprintf("%s decoded, %s read", plural(p.Envelopes, "envelope"), percent(p))
	class := "batch-status"
	if c.failed {
		class += " error"
	}
	return app.Div().ID("batch-progress").Class(class).Body(
		when(c.running, func() app.UI {
			return app.Div().Body(
				app.Progress().ID("batch-bar").Max(1).Value(fmt.Sprintf("%.3f", max(p.Fraction(), 0))),
				app.Span().Text(" "+status),
			)
		}),
		when(c.outcome != "", func() app.UI { return app.P().ID("batch-outcome").Text(c.outcome) }),
	)
}

func (c *Batch) renderTable() app.UI {
	t := c.table
	counts := t.Counts()
	f := t.Filter()
	pages := max(1, (t.Len()+PageSize-1)/PageSize)
	page := min(c.page, pages-1)
	from, to := page*PageSize, min((page+1)*PageSize, t.Len())
	sortCol, desc := t.SortedBy()

	countButton := func(o report.Outcome) app.UI {
		class := "count count-" + strings.ReplaceAll(batch.OutcomeLabel(o), " ", "-")
		if f.Outcome == o {
			class += " active"
		}
		return app.Button().Class(class).ID("count-"+strings.ReplaceAll(batch.OutcomeLabel(o), " ", "-")).
			Title("Show only these").
			OnClick(func(ctx app.Context, e app.Event) {
				next := o
				if f.Outcome == o {
					next = 0
				}
				c.setFilter(f.Text, next)
			}).
			Body(app.Strong().Text(strconv.Itoa(counts.Of(o))), app.Text(" "+batch.OutcomeLabel(o)))
	}
	return app.Div().ID("batch-result").Body(
		app.Div().ID("batch-counts").Class("counts").Body(
			app.Range(batch.Outcomes).Slice(func(i int) app.UI { return countButton(batch.Outcomes[i]) }),
			app.Span().Class("count-total").Text(fmt.Sprintf(" of %d", counts.Total())),
		),
		app.Div().Class("keyline").Body(
			app.Input().ID("batch-filter").Type("search").Placeholder("Filter: merchant, order id, status, cause…").
				Value(f.Text).
				OnInput(func(ctx app.Context, e app.Event) { c.setFilter(ctx.JSSrc().Get("value").String(), f.Outcome) }),
			app.Select().ID("batch-outcome-filter").
				OnChange(func(ctx app.Context, e app.Event) {
					n, _ := strconv.Atoi(ctx.JSSrc().Get("value").String())
					c.setFilter(f.Text, report.Outcome(n))
				}).
				Body(
					app.Option().Value("0").Text("every outcome").Selected(f.Outcome == 0),
					app.Range(batch.Outcomes).Slice(func(i int) app.UI {
						o := batch.Outcomes[i]
						return app.Option().Value(strconv.Itoa(int(o))).Text(batch.OutcomeLabel(o)).Selected(f.Outcome == o)
					}),
				),
			app.Button().ID("batch-export-csv").Class("secondary").Text("Export CSV").
				OnClick(func(ctx app.Context, e app.Event) { c.export(false) }),
			app.Button().ID("batch-export-jsonl").Class("secondary").Text("Export decrypted JSON lines").
				OnClick(func(ctx app.Context, e app.Event) { c.export(true) }),
		),
		app.P().ID("batch-shown").Class("lead").Text(shownText(t.Len(), t.Total(), from, to)),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("batch-table").Class("batch-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Range(batch.Columns()).Slice(func(i int) app.UI {
						col := batch.Columns()[i]
						label := col.Title()
						aria := "none"
						if col == sortCol {
							if desc {
								label += " ▼"
								aria = "descending"
							} else {
								label += " ▲"
								aria = "ascending"
							}
						}
						return app.Th().Aria("sort", aria).Body(
							app.Button().Class("link").ID("sort-" + strconv.Itoa(int(col))).Text(label).
								OnClick(func(ctx app.Context, e app.Event) { c.sortBy(col) }),
						)
					}),
				)),
				app.TBody().Body(
					app.Range(make([]struct{}, to-from)).Slice(func(i int) app.UI { return c.renderRow(t.Row(from + i)) }),
				),
			),
		),
		c.renderDetail(),
		when(pages > 1, func() app.UI {
			return app.Div().Class("keyline pager").Body(
				app.Button().ID("batch-prev").Class("secondary").Text("← previous").Disabled(page == 0).
					OnClick(func(ctx app.Context, e app.Event) { c.page = page - 1 }),
				app.Span().Text(fmt.Sprintf("page %d of %d", page+1, pages)),
				app.Button().ID("batch-next").Class("secondary").Text("next →").Disabled(page >= pages-1).
					OnClick(func(ctx app.Context, e app.Event) { c.page = page + 1 }),
			)
		}),
	)
}

func (c *Batch) renderRow(r *batch.Row) app.UI {
	class := "outcome-" + strings.ReplaceAll(batch.OutcomeLabel(r.Outcome), " ", "-")
	if c.detail == r.Index {
		class += " selected"
	}
	return app.Tr().Class(class).
		OnClick(func(ctx app.Context, e app.Event) {
			if c.detail == r.Index {
				c.detail = -1
			} else {
				c.detail = r.Index
			}
		}).
		Body(app.Range(batch.Columns()).Slice(func(i int) app.UI {
			return app.Td().Text(batch.Columns()[i].Text(r))
		}))
}

// renderDetail shows the selected row: the cause, the warnings and the
// decrypted data.
func (c *Batch) renderDetail() app.UI {
	var r *batch.Row
	for i := 0; c.table != nil && i < c.table.Len(); i++ {
		if row := c.table.Row(i); row.Index == c.detail {
			r = row
			break
		}
	}
	if r == nil {
		return app.If(false)
	}
	facts := []string{batch.OutcomeLabel(r.Outcome)}
	if r.Rule != "" {
		facts = append(facts, "rule "+r.Rule)
	}
	if r.Key != "" {
		facts = append(facts, "key filed under "+r.Key)
	}
	data := ""
	if r.Data != nil {
		data = string(r.Data.AppendJSON(nil))
	}
	return app.Div().ID("batch-detail").Class("card").Body(
		app.Div().Class("keyline").Body(
			app.H3().Text(fmt.Sprintf("Line %d: %s %s", r.Line, r.Kind, r.Merchant)),
			app.Button().ID("batch-detail-close").Class("copy").Text("Close").
				OnClick(func(ctx app.Context, e app.Event) { c.detail = -1 }),
		),
		app.P().Text(strings.Join(facts, " · ")),
		when(r.Cause != "", func() app.UI { return app.P().Class("error").Text(r.Cause) }),
		when(len(r.Warnings) > 0, func() app.UI {
			return app.Ul().Class("warnings").Body(app.Range(r.Warnings).Slice(func(i int) app.UI {
				return app.Li().Text(r.Warnings[i])
			}))
		}),
		when(data != "", func() app.UI { return app.Pre().ID("batch-detail-data").Class("code").Text(data) }),
	)
}

func shownText(shown, total, from, to int) string {
	if shown == 0 {
		return fmt.Sprintf("No row matches the filter (%d in all).", total)
	}
	s := fmt.Sprintf("Rows %d–%d of %d", from+1, to, shown)
	if shown != total {
		s += fmt.Sprintf(" matching the filter (%d in all)", total)
	}
	return s + ". Click a heading to sort, a row for its details."
}

func percent(p batch.Progress) string {
	f := p.Fraction()
	if f < 0 {
		return size(p.Read)
	}
	return fmt.Sprintf("%.0f%% of %s", 100*f, size(p.Size))
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// when renders f's element only when cond holds (go-app v9's If builds
// its elements eagerly).
func when(cond bool, f func() app.UI) app.UI {
	if !cond {
		return app.If(false)
	}
	return app.If(true, f())
}
