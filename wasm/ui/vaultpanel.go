package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// AutoLockChoices are the idle times the Keys page offers for the
// auto-lock, all within vault.MinAutoLock..vault.MaxAutoLock.
var AutoLockChoices = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

// BackupName is the name of a backup file exported on the given day:
// ottpay-vault-YYYYMMDD.json.
func BackupName(day time.Time) string {
	return "ottpay-vault-" + day.Format("20060102") + ".json"
}

// passForm is the Keys page's form to set, change or remove the vault
// passphrase. The passphrases are cleared as soon as they have been used.
type passForm struct {
	current, next, confirm string
	removing               bool   // Remove was clicked once: ask to confirm
	busy                   string // the running action, or ""
	err                    string
}

// clear forgets the typed passphrases.
func (f *passForm) clear() {
	f.current, f.next, f.confirm = "", "", ""
	setFieldValue("", "pass-current", "pass-new", "pass-confirm")
}

// backupForm is the Keys page's export and import of backup files.
type backupForm struct {
	pass, confirm string // the export passphrase, typed twice
	exporting     bool
	exportErr     string

	file       []byte // the backup file picked for import
	fileName   string
	importPass string
	previewing bool
	applying   bool
	importErr  string
	preview    *vault.Import
	replace    map[string]bool // changed profiles to replace, by current ID
	addSecond  map[int]bool    // new profiles whose merchant_id the vault has, to add anyway, by index in New
}

// clearImport forgets the picked file, its passphrase and its preview,
// and empties the file input.
func (f *backupForm) clearImport() {
	f.file, f.fileName, f.importPass = nil, "", ""
	setFieldValue("", "import-pass")
	f.preview, f.replace, f.previewing, f.applying = nil, nil, false, false
	if app.IsClient {
		if in := app.Window().GetElementByID("import-file"); in.Truthy() {
			in.Set("value", "")
		}
	}
}

// vault returns the vault the page administers, or nil.
func (c *Keys) vault() Vault { return c.env.vaultAdmin() }

// protected says the vault has a passphrase, as last read.
func (c *Keys) protected() bool { return c.vstatus != nil && c.vstatus.Protected }

// submitPassphrase sets a first passphrase or changes the current one.
func (c *Keys) submitPassphrase(ctx app.Context) {
	f := &c.pass
	v := c.vault()
	if v == nil || f.busy != "" {
		return
	}
	current, next, confirm := f.current, f.next, f.confirm
	f.clear()
	f.removing, f.err = false, ""
	if c.protected() && current == "" {
		f.err = "Type the current passphrase first."
		return
	}
	if msg := checkNewPassphrase(next, confirm); msg != "" {
		f.err = msg
		return
	}
	changing := c.protected()
	f.busy = "set"
	ctx.Async(func() {
		// Not the page's context: leaving the page must not cut the
		// change short (it is one transaction either way).
		err := v.SetPassphrase(context.Background(), current, next)
		ctx.Dispatch(func(ctx app.Context) {
			f.busy = ""
			if err != nil {
				f.err = sentence(err)
				return
			}
			if changing {
				c.status = "Passphrase changed: every key is now encrypted with the new passphrase."
			} else {
				c.status = "Passphrase set: every key is now encrypted with it. The vault opens locked from now on and locks itself when idle."
			}
			c.reload(c.lock.pageCtx(ctx))
		})
	})
}

// removePassphrase removes the passphrase, after a confirmation.
func (c *Keys) removePassphrase(ctx app.Context) {
	f := &c.pass
	v := c.vault()
	if v == nil || f.busy != "" {
		return
	}
	if !f.removing {
		f.removing, f.err = true, ""
		f.next, f.confirm = "", ""
		setFieldValue("", "pass-new", "pass-confirm")
		return
	}
	current := f.current
	f.clear()
	f.removing, f.err = false, ""
	if current == "" {
		f.err = "Type the current passphrase to remove it."
		return
	}
	f.busy = "remove"
	ctx.Async(func() {
		err := v.SetPassphrase(context.Background(), current, "")
		ctx.Dispatch(func(ctx app.Context) {
			f.busy = ""
			if err != nil {
				f.err = sentence(err)
				return
			}
			c.status = "Passphrase removed: the keys are stored unencrypted in this browser again."
			c.reload(c.lock.pageCtx(ctx))
		})
	})
}

// lockNow locks the vault.
func (c *Keys) lockNow(ctx app.Context) {
	v := c.vault()
	if v == nil {
		return
	}
	ctx.Async(func() {
		v.Lock()
		ctx.Dispatch(func(ctx app.Context) {
			c.status = "Vault locked."
			c.reload(c.lock.pageCtx(ctx))
		})
	})
}

// setAutoLock stores a new idle time.
func (c *Keys) setAutoLock(ctx app.Context, d time.Duration) {
	v := c.vault()
	if v == nil {
		return
	}
	c.pass.err = ""
	ctx.Async(func() {
		err := v.SetAutoLock(context.Background(), d)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				c.pass.err = sentence(err)
				c.reload(c.lock.pageCtx(ctx))
				return
			}
			c.status = "The vault now locks itself after " + duration(d) + " without use."
			c.reload(c.lock.pageCtx(ctx))
		})
	})
}

// exportBackup saves every profile as a backup file encrypted with the
// typed passphrase.
func (c *Keys) exportBackup(ctx app.Context) {
	f := &c.backup
	v := c.vault()
	if v == nil || f.exporting {
		return
	}
	pass, confirm := f.pass, f.confirm
	f.pass, f.confirm, f.exportErr = "", "", ""
	setFieldValue("", "export-pass", "export-confirm")
	if msg := checkNewPassphrase(pass, confirm); msg != "" {
		f.exportErr = strings.Replace(msg, "new passphrase", "backup passphrase", 1)
		return
	}
	n := len(c.profiles)
	f.exporting = true
	ctx.Async(func() {
		data, err := v.Export(context.Background(), pass)
		ctx.Dispatch(func(ctx app.Context) {
			f.exporting = false
			if err != nil {
				f.exportErr = sentence(err)
				if errors.Is(err, vault.ErrLocked) {
					c.reload(c.lock.pageCtx(ctx))
				}
				return
			}
			name := BackupName(time.Now())
			Download(name, "application/json", data)
			c.status = "Backup of " + plural(n, "profile") + " saved as " + name + ", encrypted with the passphrase you typed: keep that passphrase, the file cannot be read without it."
		})
	})
}

// openBackup reads the file picked for import.
func (c *Keys) openBackup(ctx app.Context, files app.Value) {
	f := &c.backup
	// A new file: forget the previous one and its preview, but not the
	// input, which holds the new file.
	f.file, f.fileName, f.preview, f.replace, f.importErr = nil, "", nil, nil, ""
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	file := files.Index(0)
	name, size := file.Get("name").String(), int64(file.Get("size").Float())
	if size > vault.MaxBackupSize {
		f.importErr = fmt.Sprintf("%s is %d bytes, too big for a key vault backup (at most %d): pick the file made by Export backup.", name, size, vault.MaxBackupSize)
		return
	}
	ReadFile(ctx, file, func(_ app.Context, data []byte) {
		f.file, f.fileName = data, name
	})
}

// previewBackup decrypts the picked file and compares it with the vault.
func (c *Keys) previewBackup(ctx app.Context) {
	f := &c.backup
	v := c.vault()
	if v == nil || f.previewing {
		return
	}
	pass := f.importPass
	f.importPass, f.importErr, f.preview, f.replace = "", "", nil, nil
	setFieldValue("", "import-pass")
	switch {
	case f.file == nil:
		f.importErr = "Choose a backup file first (one made by Export backup)."
		return
	case pass == "":
		f.importErr = "Type the passphrase the backup was exported with."
		return
	}
	file := f.file
	f.previewing = true
	ctx.Async(func() {
		imp, err := v.PreviewImport(context.Background(), file, pass)
		ctx.Dispatch(func(ctx app.Context) {
			f.previewing = false
			if err != nil {
				f.importErr = importError(err)
				if errors.Is(err, vault.ErrLocked) {
					c.reload(c.lock.pageCtx(ctx))
				}
				return
			}
			f.preview, f.replace, f.addSecond = imp, map[string]bool{}, map[int]bool{}
		})
	})
}

// secondKeys maps the index in imp.New of every new profile whose
// merchant_id already has a profile in the vault (or an earlier new one)
// to the names of those profiles.
func (c *Keys) secondKeys(imp *vault.Import) map[int]string {
	have := map[string][]string{}
	for _, p := range c.profiles {
		have[p.MerchantID] = append(have[p.MerchantID], displayName(p))
	}
	out := map[int]string{}
	for i, p := range imp.New {
		if names := have[p.MerchantID]; len(names) > 0 {
			out[i] = quoteNames(names)
		}
		have[p.MerchantID] = append(have[p.MerchantID], displayName(p)+" (from the file)")
	}
	return out
}

// importError explains why a backup file could not be previewed.
func importError(err error) string {
	switch {
	case errors.Is(err, vault.ErrWrongPassphrase):
		return "Wrong backup passphrase, or the file was damaged: nothing was imported. Type the passphrase the backup was exported with (it is case-sensitive)."
	case errors.Is(err, vault.ErrBadBackup):
		return "This file cannot be imported: " + err.Error() + "."
	}
	return sentence(err)
}

// applyBackup writes the previewed import: the new profiles, and the
// changed ones ticked for replacement.
func (c *Keys) applyBackup(ctx app.Context) {
	f := &c.backup
	v := c.vault()
	if v == nil || f.preview == nil || f.applying {
		return
	}
	imp := f.preview
	// A new profile for a merchant the vault already has a key for is
	// added only when ticked: an imported backup must not slip a second
	// key for that merchant in beside the one in use.
	taken := c.secondKeys(imp)
	apply := *imp
	apply.New = nil
	skipped := 0
	for i, p := range imp.New {
		if taken[i] != "" && !f.addSecond[i] {
			skipped++
			continue
		}
		apply.New = append(apply.New, p)
	}
	var replace []string
	for _, ch := range imp.Changed {
		if f.replace[ch.Current.ID] {
			replace = append(replace, ch.Current.ID)
		}
	}
	kept := len(imp.Changed) - len(replace)
	f.applying, f.importErr = true, ""
	ctx.Async(func() {
		err := v.ApplyImport(context.Background(), &apply, replace)
		ctx.Dispatch(func(ctx app.Context) {
			f.applying = false
			if err != nil {
				f.importErr = sentence(err)
				if errors.Is(err, vault.ErrConflict) {
					f.preview, f.replace = nil, nil
				}
				c.reload(c.lock.pageCtx(ctx))
				return
			}
			c.status = fmt.Sprintf("Backup %s imported: %s added, %d replaced, %d kept as they were, %d already there.",
				f.fileName, plural(len(apply.New), "profile"), len(replace), kept, len(imp.Unchanged))
			if skipped > 0 {
				c.status += fmt.Sprintf(" %s for a merchant the vault already has a key for left out.", plural(skipped, "profile"))
			}
			f.clearImport()
			c.reload(c.lock.pageCtx(ctx))
		})
	})
}

// renderVault draws the Vault lock section: the passphrase, Lock now and
// the auto-lock time.
func (c *Keys) renderVault() app.UI {
	if c.vstatus == nil {
		return nil
	}
	s := *c.vstatus
	f := &c.pass
	var state app.UI
	if s.Protected {
		state = app.P().ID("lock-state").Class("status-line").Text(fmt.Sprintf(
			"Protected: every key is encrypted with the vault passphrase (AES-256-GCM, key from PBKDF2-SHA256 with %s iterations). The vault opens locked and locks itself after %s without use.",
			thousands(s.Iterations), duration(s.AutoLock)))
	} else {
		state = app.P().ID("lock-state").Class("status-line").Text(
			"No passphrase: the keys are stored unencrypted in this browser. Set a passphrase to encrypt every key at rest; the vault then opens locked and locks itself when idle.")
	}
	submitLabel := "Set passphrase"
	if s.Protected {
		submitLabel = "Change passphrase"
	}
	if f.busy == "set" {
		submitLabel = "Re-encrypting the keys…"
	}
	return app.Section().ID("vault-lock").Class("form", "vault-lock").Body(
		app.H2().Text("Vault lock"),
		state,
		app.Form().ID("passphrase-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.submitPassphrase(ctx)
		}).Body(
			app.Input().Type("text").Name("username").Value("ottpay-key-vault").
				Attr("autocomplete", "username").Hidden(true).ReadOnly(true),
			app.If(s.Protected, passwordField("pass-current", "Current passphrase", "current-password", f.current, func(v string) { f.current = v })),
			app.If(!f.removing,
				passwordField("pass-new", ifThen(s.Protected, "New passphrase", "Passphrase"), "new-password", f.next, func(v string) { f.next = v }),
				passwordField("pass-confirm", ifThen(s.Protected, "New passphrase again", "Passphrase again"), "new-password", f.confirm, func(v string) { f.confirm = v }),
			),
			app.If(f.removing, app.P().ID("pass-remove-confirm-text").Class("warn").Text(
				"Remove the passphrase? Every key is then stored unencrypted in this browser. Type the current passphrase and click Remove passphrase again.")),
			app.Div().Class("actions").Body(
				app.If(!f.removing, button("pass-submit", f.busy != "").Type("submit").Text(submitLabel)),
				app.If(s.Protected, button("pass-remove", f.busy != "").Type("button").Class("danger").
					Text(ifThen(f.busy == "remove", "Decrypting the keys…", "Remove passphrase")).
					OnClick(func(ctx app.Context, e app.Event) { c.removePassphrase(ctx) })),
				app.If(f.removing, app.Button().ID("pass-remove-cancel").Type("button").Class("secondary").Text("Cancel").
					OnClick(func(ctx app.Context, e app.Event) {
						f.removing = false
						f.clear()
					})),
				app.If(s.Protected && !f.removing, app.Button().ID("lock-now").Type("button").Class("secondary").Text("Lock now").
					OnClick(func(ctx app.Context, e app.Event) { c.lockNow(ctx) })),
			),
		),
		app.If(f.err != "", app.P().ID("pass-error").Class("error").Aria("live", "polite").Text(f.err)),
		app.Div().Class("field").Body(
			app.Label().For("autolock").Text("Lock after"),
			app.Select().ID("autolock").OnChange(func(ctx app.Context, e app.Event) {
				if d, err := time.ParseDuration(inputValue(ctx)); err == nil {
					c.setAutoLock(ctx, d)
				}
			}).Body(app.Range(autoLockOptions(s.AutoLock)).Slice(func(i int) app.UI {
				d := autoLockOptions(s.AutoLock)[i]
				return app.Option().Value(d.String()).Selected(d == s.AutoLock).Text(duration(d) + " without use")
			})),
			app.Small().Class("note").Text(ifThen(s.Protected,
				"Locking forgets the passphrase key: the keys stay encrypted until the passphrase is typed again.",
				"Applies once the vault has a passphrase.")),
		),
	)
}

// autoLockOptions returns the idle times to offer: AutoLockChoices, and
// the current one if it is not among them.
func autoLockOptions(current time.Duration) []time.Duration {
	out := slices.Clone(AutoLockChoices)
	if !slices.Contains(out, current) && current >= vault.MinAutoLock && current <= vault.MaxAutoLock {
		out = append(out, current)
		slices.Sort(out)
	}
	return out
}

// renderBackup draws the Backup section: export, and import with its
// merge preview.
func (c *Keys) renderBackup() app.UI {
	if c.vstatus == nil {
		return nil
	}
	f := &c.backup
	return app.Section().ID("backup").Class("form", "backup").Body(
		app.H2().Text("Backup"),
		app.P().Class("hint").Text("A backup file holds every profile, keys included, encrypted with a passphrase you choose here (it need not be the vault passphrase). Import it in another browser, or in this one, to restore the profiles."),
		app.H3().Text("Export"),
		app.Form().ID("export-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.exportBackup(ctx)
		}).Body(
			app.Input().Type("text").Name("username").Value("ottpay-vault-backup").
				Attr("autocomplete", "username").Hidden(true).ReadOnly(true),
			passwordField("export-pass", "Backup passphrase", "new-password", f.pass, func(v string) { f.pass = v }),
			passwordField("export-confirm", "Passphrase again", "new-password", f.confirm, func(v string) { f.confirm = v }),
			app.Div().Class("actions").Body(
				button("export-submit", f.exporting || len(c.profiles) == 0).Type("submit").
					Text(ifThen(f.exporting, "Encrypting…", "Export backup")),
				app.If(len(c.profiles) == 0, app.Small().Class("note").Text("No profile to export yet.")),
			),
		),
		app.If(f.exportErr != "", app.P().ID("export-error").Class("error").Aria("live", "polite").Text(f.exportErr)),
		app.H3().Text("Import"),
		app.Form().ID("import-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.previewBackup(ctx)
		}).Body(
			app.Div().Class("field").Body(
				app.Label().For("import-file").Text("Backup file"),
				app.Input().ID("import-file").Type("file").Accept(".json,application/json").
					OnChange(func(ctx app.Context, e app.Event) { c.openBackup(ctx, ctx.JSSrc().Get("files")) }),
				app.If(f.file != nil, app.Small().ID("import-file-state").Class("note").Text(
					fmt.Sprintf("%s read (%d bytes): type its passphrase, then Preview import.", f.fileName, len(f.file)))),
			),
			app.Input().Type("text").Name("username").Value("ottpay-vault-backup").
				Attr("autocomplete", "username").Hidden(true).ReadOnly(true),
			passwordField("import-pass", "Its passphrase", "current-password", f.importPass, func(v string) { f.importPass = v }),
			app.Div().Class("actions").Body(
				button("import-preview-submit", f.previewing).Type("submit").
					Text(ifThen(f.previewing, "Decrypting…", "Preview import")),
			),
		),
		app.If(f.importErr != "", app.P().ID("import-error").Class("error").Aria("live", "polite").Text(f.importErr)),
		c.renderPreview(),
	)
}

// renderPreview draws the merge preview of a decrypted backup.
func (c *Keys) renderPreview() app.UI {
	f := &c.backup
	imp := f.preview
	if imp == nil {
		return nil
	}
	name := func(p vault.Profile) string {
		s := displayName(p)
		if s != p.MerchantID {
			s += " (" + p.MerchantID + ")"
		}
		return s
	}
	var ticked int
	for _, ch := range imp.Changed {
		if f.replace[ch.Current.ID] {
			ticked++
		}
	}
	taken := c.secondKeys(imp)
	adding := 0
	for i := range imp.New {
		if taken[i] == "" || f.addSecond[i] {
			adding++
		}
	}
	nothing := adding == 0 && ticked == 0
	applyLabel := fmt.Sprintf("Apply: add %d, replace %d", adding, ticked)
	if f.applying {
		applyLabel = "Importing…"
	}
	return app.Div().ID("import-preview").Class("preview").Body(
		app.H3().Text("Import preview: "+f.fileName),
		app.P().ID("import-summary").Text(fmt.Sprintf("%d new, %d changed, %d unchanged. Nothing is written until you apply; a changed profile is kept as it is unless you tick it.",
			len(imp.New), len(imp.Changed), len(imp.Unchanged))),
		app.If(len(imp.New) > 0,
			app.H4().Text("New: added"),
			app.Ul().ID("import-new").Body(app.Range(imp.New).Slice(func(i int) app.UI {
				p := imp.New[i]
				if taken[i] != "" {
					return app.Li().DataSet("merchant", p.MerchantID).Class("second-key").Body(
						app.Label().Class("inline").Body(
							checkbox("add-second-"+strconv.Itoa(i), f.addSecond[i]).
								OnChange(func(ctx app.Context, e app.Event) { f.addSecond[i] = checked(ctx) }),
							app.Text(" "+name(p)+" "), app.Code().Class("masked").Text(vault.Mask(p.SignKey)),
						),
						app.Span().Class("warn").Text(" A second key for merchant "+p.MerchantID+", which already has "+taken[i]+": left out unless ticked. Add it only if you expect two keys for this merchant; decoding then tries both and names the one that verified."),
					)
				}
				return app.Li().DataSet("merchant", p.MerchantID).Body(
					app.Text(name(p)+" "), app.Code().Class("masked").Text(vault.Mask(p.SignKey)),
				)
			})),
		),
		app.If(len(imp.Changed) > 0,
			app.H4().Text("Changed: tick the ones to replace"),
			app.Table().ID("import-changed").Class("profiles").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Text("Replace"), app.Th().Text("In the vault"), app.Th().Text("In the file"), app.Th().Text("Differs in"),
				)),
				app.TBody().Body(app.Range(imp.Changed).Slice(func(i int) app.UI {
					ch := imp.Changed[i]
					id := ch.Current.ID
					return app.Tr().DataSet("merchant", ch.Current.MerchantID).Body(
						app.Td().Body(checkbox("replace-"+id, f.replace[id]).Class("replace").
							Aria("label", "Replace "+name(ch.Current)+" with the file's version").
							OnChange(func(ctx app.Context, e app.Event) { f.replace[id] = checked(ctx) })),
						app.Td().Body(app.Text(name(ch.Current)+" "), app.Code().Class("masked").Text(vault.Mask(ch.Current.SignKey))),
						app.Td().Body(app.Text(name(ch.Incoming)+" "), app.Code().Class("masked").Text(vault.Mask(ch.Incoming.SignKey))),
						app.Td().Class("differs").Text(strings.Join(ch.Fields, ", ")),
					)
				})),
			),
		),
		app.If(len(imp.Unchanged) > 0,
			app.H4().Text("Unchanged: already in the vault"),
			app.Ul().ID("import-unchanged").Body(app.Range(imp.Unchanged).Slice(func(i int) app.UI {
				p := imp.Unchanged[i]
				return app.Li().DataSet("merchant", p.MerchantID).Text(name(p))
			})),
		),
		app.Div().Class("actions").Body(
			button("import-apply", nothing || f.applying).Text(ifThen(nothing && !f.applying, "Nothing to import", applyLabel)).
				OnClick(func(ctx app.Context, e app.Event) { c.applyBackup(ctx) }),
			app.Button().ID("import-cancel").Class("secondary").Text("Cancel").
				OnClick(func(ctx app.Context, e app.Event) {
					f.clearImport()
					f.importErr = ""
				}),
		),
	)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// passwordField is a labelled passphrase input whose every change goes to
// set. autocomplete is "new-password" or "current-password", so that a
// password manager knows which it is.
func passwordField(id, label, autocomplete, value string, set func(string)) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		textInput(id, "password", value).
			Attr("autocomplete", autocomplete).Spellcheck(false).
			OnInput(func(ctx app.Context, e app.Event) { set(inputValue(ctx)) }),
	)
}
