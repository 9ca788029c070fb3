package ui

import (
	"context"
	"strconv"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/vault"
)

// CheckProfile validates a profile as the Keys form shows it: the vault's
// own checks, plus a warning when another profile already has the same
// merchant_id (decoding picks a key by merchant_id, so only one of them
// would ever be used).
func CheckProfile(p vault.Profile, others []vault.Profile) vault.Findings {
	f := vault.Validate(p)
	for _, o := range others {
		if o.ID != p.ID && o.MerchantID == p.MerchantID && p.MerchantID != "" {
			name := o.Label
			if name == "" {
				name = o.MerchantID
			}
			f.Warnings = append(f.Warnings, vault.Finding{
				Field:   vault.FieldMerchantID,
				Message: "the profile “" + name + "” already has merchant_id " + p.MerchantID + "; decoding uses one key per merchant_id, so edit that profile instead of adding a second one",
			})
			break
		}
	}
	return f
}

// Keys is the page that lists, adds, edits and deletes merchant profiles.
type Keys struct {
	app.Compo

	env *Env

	profiles []vault.Profile
	loaded   bool
	storeErr string
	status   string

	form     vault.Profile // the profile being added or edited
	editing  bool
	showKey  bool
	touched  bool // the form was submitted once: show its errors
	confirm  bool // warnings were shown; the next save goes through
	deleting string
	update   bool

	// The first key saved into a vault without a passphrase asks for one;
	// keeping keys unencrypted is a choice made on that prompt.
	protect      bool   // the prompt is shown
	protectPass  string // the passphrase typed there, twice
	protectAgain string
	protectErr   string
	protecting   bool

	lock    lockGate      // the unlock form, while the vault is locked
	vstatus *vault.Status // the vault's state as last read; nil without a Vault
	pass    passForm      // set, change or remove the passphrase
	backup  backupForm    // export and import
}

// OnMount loads the profiles, and watches the auto-lock.
func (c *Keys) OnMount(ctx app.Context) {
	c.update = ctx.AppUpdateAvailable()
	c.reload(ctx)
	c.lock.mount(ctx, c.env, c.reload)
}

// OnAppUpdate shows the reload prompt.
func (c *Keys) OnAppUpdate(ctx app.Context) { c.update = ctx.AppUpdateAvailable() }

func (c *Keys) store() Store {
	if c.env == nil {
		return nil
	}
	return c.env.Store
}

// reload reads the profiles and the vault's state. While the vault is
// locked, the page keeps no profile and no half-typed key.
func (c *Keys) reload(ctx app.Context) {
	st := c.store()
	if st == nil {
		c.loaded = true
		return
	}
	v := c.vault()
	ctx.Async(func() {
		ps, err := st.List(ctx)
		var status *vault.Status
		if v != nil {
			if s, err := v.Status(ctx); err == nil {
				status = &s
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			c.profiles, c.loaded, c.storeErr = ps, true, c.lock.note(err)
			c.vstatus = status
			if c.lock.locked {
				c.resetForm()
				c.deleting = ""
				c.pass = passForm{}
				c.backup = backupForm{}
			}
		})
	})
}

func (c *Keys) resetForm() {
	c.protect, c.protectErr = false, ""
	c.form = vault.Profile{}
	c.editing, c.showKey, c.touched, c.confirm = false, false, false, false
}

func (c *Keys) save(ctx app.Context, e app.Event) {
	c.touched = true
	f := CheckProfile(c.form, c.profiles)
	if len(f.Errors) > 0 {
		c.confirm = false
		return
	}
	if len(f.Warnings) > 0 && !c.confirm {
		c.confirm = true
		return
	}
	if c.needsProtectChoice() && !c.protect {
		c.protect, c.protectErr = true, ""
		return
	}
	c.put(ctx, "")
}

// needsProtectChoice says the profile in the form would be the first key
// of a vault without a passphrase: it is saved only once the user has set
// a passphrase or chosen to keep keys unencrypted.
func (c *Keys) needsProtectChoice() bool {
	return c.vault() != nil && c.vstatus != nil && !c.vstatus.Protected && len(c.profiles) == 0 && !c.editing
}

// saveProtected sets the passphrase typed on the prompt, then saves the
// profile: the key is encrypted before it is ever stored.
func (c *Keys) saveProtected(ctx app.Context) {
	pass, again := c.protectPass, c.protectAgain
	c.protectPass, c.protectAgain = "", ""
	setFieldValue("", "protect-pass", "protect-confirm")
	if msg := checkNewPassphrase(pass, again); msg != "" {
		c.protectErr = msg
		return
	}
	c.protectErr = ""
	c.put(ctx, pass)
}

// savePlain saves the profile unencrypted, as the user chose on the
// prompt.
func (c *Keys) savePlain(ctx app.Context) {
	c.protectPass, c.protectAgain, c.protectErr = "", "", ""
	setFieldValue("", "protect-pass", "protect-confirm")
	c.put(ctx, "")
}

// put saves the form's profile, first setting passphrase as the vault's
// when it is not empty.
func (c *Keys) put(ctx app.Context, passphrase string) {
	st := c.store()
	if st == nil {
		c.storeErr = "no key vault in this build"
		return
	}
	v := c.vault()
	p := c.form
	verb := "added"
	if c.editing {
		verb = "saved"
	}
	if passphrase != "" {
		c.protecting = true
	}
	ctx.Async(func() {
		if passphrase != "" {
			// Not the page's context: leaving the page must not cut the
			// change short.
			if err := v.SetPassphrase(context.Background(), "", passphrase); err != nil {
				ctx.Dispatch(func(ctx app.Context) {
					c.protecting = false
					c.protectErr = sentence(err)
				})
				return
			}
		}
		saved, err := st.Put(ctx, p)
		ps, lerr := st.List(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			c.protecting = false
			if err != nil {
				c.storeErr = err.Error()
				return
			}
			c.storeErr = errText(lerr)
			c.profiles = ps
			c.status = "Profile “" + displayName(saved) + "” " + verb + "."
			if passphrase != "" {
				c.status += " Its key is encrypted with your passphrase; the vault opens locked from now on and locks itself when idle."
			} else if c.protect {
				c.status += " Its key is stored unencrypted, as you chose: set a passphrase below at any time."
			}
			c.protect = false
			c.resetForm()
			c.reload(c.lock.pageCtx(ctx))
		})
	})
}

// renderProtect draws the prompt shown when the first key is saved into a
// vault without a passphrase.
func (c *Keys) renderProtect() app.UI {
	if !c.protect {
		return nil
	}
	return app.Section().ID("protect-keys").Class("form", "vault-lock").Body(
		app.H3().Text("Protect the keys with a passphrase"),
		app.P().Text("This is the first key in this browser. With a passphrase, every key is encrypted before it is stored (AES-256-GCM), the vault opens locked and locks itself when idle. A forgotten passphrase cannot be recovered: keep a backup."),
		app.Form().ID("protect-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.saveProtected(ctx)
		}).Body(
			app.Input().Type("text").Name("username").Value("ottpay-key-vault").
				Attr("autocomplete", "username").Hidden(true).ReadOnly(true),
			passwordField("protect-pass", "Passphrase", "new-password", c.protectPass, func(v string) { c.protectPass = v }),
			passwordField("protect-confirm", "Passphrase again", "new-password", c.protectAgain, func(v string) { c.protectAgain = v }),
			app.Div().Class("actions").Body(
				button("profile-save-protected", c.protecting).Type("submit").
					Text(ifThen(c.protecting, "Encrypting…", "Set passphrase and save")),
			),
		),
		app.If(c.protectErr != "", app.P().ID("protect-error").Class("error").Aria("live", "polite").Text(c.protectErr)),
		app.P().ID("protect-warning").Class("warn").Text("Without a passphrase the sign key is stored in clear in this browser's storage for this address: anyone who can use this browser profile, and any other page served later from the same address (scheme, host and port), can read it."),
		app.Div().Class("actions").Body(
			button("profile-save-plain", c.protecting).Type("button").Class("danger").
				Text("Keep keys unencrypted and save").
				OnClick(func(ctx app.Context, e app.Event) { c.savePlain(ctx) }),
		),
	)
}

func (c *Keys) remove(ctx app.Context, id string) {
	st := c.store()
	if st == nil {
		return
	}
	name := ""
	for _, p := range c.profiles {
		if p.ID == id {
			name = displayName(p)
		}
	}
	ctx.Async(func() {
		err := st.Delete(ctx, id)
		ps, lerr := st.List(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			c.deleting = ""
			if err != nil {
				c.storeErr = err.Error()
				return
			}
			c.storeErr = errText(lerr)
			c.profiles = ps
			c.status = "Profile “" + name + "” deleted."
			if c.form.ID == id {
				c.resetForm()
			}
		})
	})
}

func displayName(p vault.Profile) string {
	if p.Label != "" {
		return p.Label
	}
	return p.MerchantID
}

// Render draws the page.
func (c *Keys) Render() app.UI {
	return Shell(PathKeys, c.update,
		app.H1().Text("Keys"),
		app.P().Class("lead").Text("Merchant profiles kept in this browser (IndexedDB). Keys never leave this device; the Decode page picks a key by merchant_id."),
		app.If(c.storeErr != "", app.P().Class("error").ID("store-error").Text("Key vault: "+c.storeErr)),
		app.If(c.status != "", app.P().Class("status").ID("keys-status").Text(c.status)),
		c.lock.render(c.env, c.unlockPurpose(), false, c.reload),
		app.If(!c.lock.locked,
			c.renderList(),
			c.renderDuplicates(),
			c.renderForm(),
			c.renderProtect(),
			c.renderVault(),
			c.renderBackup(),
		),
	)
}

// unlockPurpose says what unlocking gives on this page.
func (c *Keys) unlockPurpose() string {
	if c.vstatus != nil && c.vstatus.Profiles > 0 {
		return "see and use its " + plural(c.vstatus.Profiles, "merchant profile")
	}
	return "see and use its merchant profiles"
}

func (c *Keys) renderList() app.UI {
	if !c.loaded {
		return app.P().Text("Loading the key vault…")
	}
	if len(c.profiles) == 0 {
		return app.P().ID("no-profiles").Text("No merchant profiles yet: add one below.")
	}
	dupOf := DuplicateMerchants(c.profiles)
	return app.Table().ID("profiles").Class("profiles").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text("Label"), app.Th().Text("merchant_id"), app.Th().Text("operator_id"), app.Th().Text("Sign key"), app.Th(),
		)),
		app.TBody().Body(app.Range(c.profiles).Slice(func(i int) app.UI {
			p := c.profiles[i]
			id := p.ID
			var actions app.UI
			if c.deleting == id {
				actions = app.Span().Class("confirm").Body(
					app.Text("Delete “"+displayName(p)+"”? Its key is gone for good unless you have it elsewhere. "),
					app.Button().Class("danger").ID("confirm-delete-"+p.MerchantID).Text("Delete").OnClick(func(ctx app.Context, e app.Event) {
						c.remove(ctx, id)
					}),
					app.Button().Class("secondary").Text("Cancel").OnClick(func(ctx app.Context, e app.Event) {
						c.deleting = ""
					}),
				)
			} else {
				actions = app.Span().Body(
					app.Button().Class("secondary").ID("edit-"+p.MerchantID).Text("Edit").OnClick(func(ctx app.Context, e app.Event) {
						c.resetForm()
						c.form, c.editing, c.status = p, true, ""
					}),
					app.Button().Class("danger").ID("delete-"+p.MerchantID).Text("Delete").OnClick(func(ctx app.Context, e app.Event) {
						c.deleting, c.status = id, ""
					}),
				)
			}
			return app.Tr().DataSet("merchant", p.MerchantID).Body(
				app.Td().Class("label").Text(p.Label),
				app.Td().Body(
					app.Code().Text(p.MerchantID),
					app.If(len(dupOf[p.MerchantID]) > 1, app.Span().Class("dup warn").
						Title("Another profile has this merchant_id").Text(" shared by "+strconv.Itoa(len(dupOf[p.MerchantID]))+" profiles")),
				),
				app.Td().Body(app.Code().Text(p.OperatorID)),
				app.Td().Body(app.Code().Class("masked").Text(vault.Mask(p.SignKey))),
				app.Td().Body(actions),
			)
		})),
	)
}

// renderDuplicates lists the merchant_ids that several profiles share.
func (c *Keys) renderDuplicates() app.UI {
	dups := DuplicateMerchants(c.profiles)
	if len(dups) == 0 {
		return nil
	}
	var items []app.UI
	for _, p := range c.profiles {
		if names, ok := dups[p.MerchantID]; ok {
			items = append(items, app.Li().Text("merchant_id "+p.MerchantID+": "+quoteNames(names)))
			delete(dups, p.MerchantID)
		}
	}
	return app.Div().ID("duplicate-merchants").Class("warn").Body(
		app.P().Text("Several profiles share a merchant_id. Decoding tries each of their keys and names the profile whose key verified; delete the profile you do not expect (an imported one, say) so that only one key speaks for the merchant."),
		app.Ul().Body(items...),
	)
}

func (c *Keys) renderForm() app.UI {
	f := CheckProfile(c.form, c.profiles)
	title := "Add a merchant profile"
	if c.editing {
		title = "Edit “" + displayName(c.form) + "”"
	}
	keyClass := secretClass(c.showKey)
	field := func(id, label, name, value, placeholder string, set func(string)) app.UI {
		return app.Div().Class("field").Body(
			app.Label().For(id).Text(label),
			textInput(id, "text", value).Placeholder(placeholder).
				Spellcheck(false).Attr("autocomplete", "off").
				OnInput(func(ctx app.Context, e app.Event) {
					set(inputValue(ctx))
					c.confirm = false
				}),
			findings(f, name, c.touched),
		)
	}
	return app.Div().Class("form", "profile-form").ID("profile-form").Body(
		app.H2().Text(title),
		field("profile-label", "Label", vault.FieldLabel, c.form.Label, "Acme UAT", func(s string) { c.form.Label = s }),
		field("profile-merchant", "merchant_id", vault.FieldMerchantID, c.form.MerchantID, "ON00004652", func(s string) { c.form.MerchantID = s }),
		field("profile-operator", "operator_id (optional)", vault.FieldOperatorID, c.form.OperatorID, "0000020156", func(s string) { c.form.OperatorID = s }),
		app.Div().Class("field").Body(
			app.Label().For("profile-key").Text("Sign key"),
			textInput("profile-key", "text", c.form.SignKey).Class(keyClass).
				Spellcheck(false).Attr("autocomplete", "off").
				OnInput(func(ctx app.Context, e app.Event) {
					c.form.SignKey = inputValue(ctx)
					c.confirm = false
				}),
			app.Label().Class("inline").Body(
				checkbox("profile-show-key", c.showKey).OnChange(func(ctx app.Context, e app.Event) {
					c.showKey = checked(ctx)
				}),
				app.Text(" show"),
			),
			app.If(c.form.SignKey != "" && vault.CleanKey(c.form.SignKey) != c.form.SignKey,
				app.Button().ID("profile-clean-key").Class("secondary").Text("Clean key (remove spaces, upper case)").
					OnClick(func(ctx app.Context, e app.Event) {
						c.form.SignKey = vault.CleanKey(c.form.SignKey)
						c.confirm = false
					}),
			),
			findings(f, vault.FieldSignKey, c.touched),
		),
		app.If(c.confirm && len(f.Warnings) > 0,
			app.P().ID("profile-confirm").Class("warn").Text("Check the warnings above: the key is used exactly as typed. Save again to keep it as it is."),
		),
		app.Div().Class("actions").Body(
			app.Button().ID("profile-save").Text(ifThen(c.confirm && len(f.Warnings) > 0, "Save anyway", ifThen(c.editing, "Save changes", "Add profile"))).OnClick(c.save),
			app.If(c.editing || c.form != (vault.Profile{}), app.Button().ID("profile-cancel").Class("secondary").Text("Cancel").OnClick(func(ctx app.Context, e app.Event) {
				c.resetForm()
			})),
		),
	)
}

// findings lists the errors (once the form was submitted) and warnings
// (always) about one field.
func findings(f vault.Findings, field string, showErrors bool) app.UI {
	var items []app.UI
	if showErrors {
		for _, x := range f.Errors {
			if x.Field == field {
				items = append(items, app.Li().Class("error").Text(x.Message))
			}
		}
	}
	for _, x := range f.Warnings {
		if x.Field == field {
			items = append(items, app.Li().Class("warn").Text(x.Message))
		}
	}
	if len(items) == 0 {
		return nil
	}
	return app.Ul().Class("findings").DataSet("field", field).Body(items...)
}
