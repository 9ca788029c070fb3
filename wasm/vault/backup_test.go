package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExportThenImportIntoAnEmptyVault(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	src, _ := memoryVault(c)
	ps := putAll(t, src, sampleProfiles())
	if err := src.SetPassphrase(ctx, "", "vault passphrase"); err != nil {
		t.Fatal(err)
	}
	file, err := src.Export(ctx, "backup passphrase")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		for _, secret := range []string{p.SignKey, p.MerchantID, p.Label} {
			if bytes.Contains(file, []byte(secret)) {
				t.Errorf("backup file shows %q", secret)
			}
		}
	}

	dst, _ := memoryVault(c)
	_, err = dst.PreviewImport(ctx, file, "vault passphrase")
	wantErr(t, "import with the vault's passphrase instead of the backup's", err, ErrWrongPassphrase)
	_, err = dst.PreviewImport(ctx, file, "")
	wantErr(t, "import without a passphrase", err, ErrNoPassphrase)
	imp, err := dst.PreviewImport(ctx, file, "backup passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.New) != len(ps) || len(imp.Changed) != 0 || len(imp.Unchanged) != 0 {
		t.Fatalf("preview into an empty vault: %d new, %d changed, %d unchanged", len(imp.New), len(imp.Changed), len(imp.Unchanged))
	}
	if err := dst.ApplyImport(ctx, imp, nil); err != nil {
		t.Fatal(err)
	}
	list, err := dst.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, ps)

	// Importing the same file again finds everything unchanged.
	again, err := dst.PreviewImport(ctx, file, "backup passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.New) != 0 || len(again.Changed) != 0 || len(again.Unchanged) != len(ps) {
		t.Fatalf("second preview: %d new, %d changed, %d unchanged", len(again.New), len(again.Changed), len(again.Unchanged))
	}
}

func TestExportNeedsAPassphrase(t *testing.T) {
	v, _ := memoryVault(newFakeClock())
	putAll(t, v, sampleProfiles())
	_, err := v.Export(context.Background(), "")
	wantErr(t, "Export without a passphrase", err, ErrNoPassphrase)
}

func TestImportPreviewNeverOverwritesAKeyUnlessTold(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	src, _ := memoryVault(c)
	ps := putAll(t, src, sampleProfiles())
	file, err := src.Export(ctx, "pw")
	if err != nil {
		t.Fatal(err)
	}

	// The destination already has the first profile as it is, the second
	// with another key, not the third, and one of its own.
	dst, b := memoryVault(c)
	imp, err := dst.PreviewImport(ctx, file, "pw")
	if err != nil {
		t.Fatal(err)
	}
	imp.New = slices.DeleteFunc(imp.New, func(p Profile) bool { return p.ID == ps[2].ID })
	if err := dst.ApplyImport(ctx, imp, nil); err != nil {
		t.Fatal(err)
	}
	changed := ps[1]
	changed.SignKey = "1111111111111111"
	if _, err := dst.Put(ctx, changed); err != nil {
		t.Fatal(err)
	}
	own := putAll(t, dst, []Profile{{Label: "own", MerchantID: "HK00008875", SignKey: "2222222222222222"}})[0]

	imp, err = dst.PreviewImport(ctx, file, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.New) != 1 || imp.New[0].ID != ps[2].ID {
		t.Errorf("new: %v, want %v", imp.New, ps[2])
	}
	if len(imp.Unchanged) != 1 || imp.Unchanged[0].ID != ps[0].ID {
		t.Errorf("unchanged: %v, want %v", imp.Unchanged, ps[0])
	}
	if len(imp.Changed) != 1 {
		t.Fatalf("changed: %v, want one", imp.Changed)
	}
	ch := imp.Changed[0]
	if ch.Current.SignKey != changed.SignKey || ch.Incoming.SignKey != ps[1].SignKey || !slices.Equal(ch.Fields, []string{FieldSignKey}) {
		t.Errorf("change %v → %v, fields %v", ch.Current, ch.Incoming, ch.Fields)
	}

	before, _ := stored(b)
	if err := dst.ApplyImport(ctx, imp, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := stored(b)
	for id, text := range before {
		if after[id] != text {
			t.Errorf("applying without replacements changed profile %s", id)
		}
	}
	if got, _ := dst.Get(ctx, changed.ID); got.SignKey != changed.SignKey {
		t.Error("a changed key was overwritten without being chosen")
	}
	if _, err := dst.Get(ctx, ps[2].ID); err != nil {
		t.Errorf("the new profile was not added: %v", err)
	}
	if _, err := dst.Get(ctx, own.ID); err != nil {
		t.Errorf("the vault's own profile is gone: %v", err)
	}

	imp, err = dst.PreviewImport(ctx, file, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.ApplyImport(ctx, imp, []string{own.ID}); err == nil {
		t.Error("ApplyImport accepted replacing a profile that is not a change of this import")
	}
	if err := dst.ApplyImport(ctx, imp, []string{changed.ID}); err != nil {
		t.Fatal(err)
	}
	got, _ := dst.Get(ctx, changed.ID)
	if got.SignKey != ps[1].SignKey || !got.Created.Equal(ps[1].Created) {
		t.Errorf("chosen replacement: key replaced %v, created %v", got.SignKey == ps[1].SignKey, got.Created)
	}
}

func TestApplyingAStalePreviewChangesNothing(t *testing.T) {
	ctx := context.Background()
	c := newFakeClock()
	src, _ := memoryVault(c)
	putAll(t, src, sampleProfiles())
	file, err := src.Export(ctx, "pw")
	if err != nil {
		t.Fatal(err)
	}
	dst, b := memoryVault(c)
	imp, err := dst.PreviewImport(ctx, file, "pw")
	if err != nil {
		t.Fatal(err)
	}
	putAll(t, dst, []Profile{{MerchantID: "HK00008875", SignKey: "2222222222222222"}})
	before, _ := stored(b)
	wantErr(t, "apply after the vault changed", dst.ApplyImport(ctx, imp, nil), ErrConflict)
	if after, _ := stored(b); !maps.Equal(before, after) {
		t.Error("a stale import wrote something")
	}
}

func TestClassifyMatchesByIDThenKeyThenMerchant(t *testing.T) {
	cur := []Profile{
		{ID: "a", Label: "A", MerchantID: "ON00004652", OperatorID: "0000020156", SignKey: "6698851A525C9433"},
		{ID: "b", Label: "B", MerchantID: "QC00005496", SignKey: "A8B5FE540E38A5A9"},
		{ID: "c", Label: "C", MerchantID: "CAMB006711", SignKey: "0123456789ABCDEF"},
		{ID: "d1", Label: "D1", MerchantID: "HK00008875", SignKey: "1111111111111111"},
		{ID: "d2", Label: "D2", MerchantID: "HK00008875", SignKey: "2222222222222222"},
		{ID: "e", Label: "E", MerchantID: "ON00000185", OperatorID: "0000000696", SignKey: "5555555555555555"},
	}
	in := []Profile{
		{ID: "x", Label: "A", MerchantID: "ON00004652", OperatorID: "0000020156", SignKey: "6698851A525C9433"}, // a's credentials under another ID
		{ID: "y", Label: "B renamed", MerchantID: "QC00005496", SignKey: "A8B5FE540E38A5A9"},                   // b's key, another label
		{ID: "z", Label: "C", MerchantID: "CAMB006711", SignKey: "FEDCBA9876543210"},                           // c's merchant, but c is taken by its ID
		{ID: "w", Label: "D3", MerchantID: "HK00008875", SignKey: "3333333333333333"},                          // two candidates: ambiguous
		{ID: "c", Label: "C", MerchantID: "CAMB006711", SignKey: "0123456789ABCDEF"},                           // same ID, same content
		{ID: "v", Label: "E", MerchantID: "ON00000185", OperatorID: "0000000696", SignKey: "6666666666666666"}, // e's merchant and operator: key changed
		{ID: "u", Label: "E", MerchantID: "ON00000185", SignKey: "7777777777777777"},                           // e's merchant, other operator
		{ID: "n", Label: "N", MerchantID: "ON00000097", SignKey: "4444444444444444"},
	}
	imp := classify(cur, in)
	ids := func(ps []Profile) (out []string) {
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if got := ids(imp.Unchanged); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("unchanged %v, want [a c]", got)
	}
	if got := ids(imp.New); !slices.Equal(got, []string{"z", "w", "u", "n"}) {
		t.Errorf("new %v, want [z w u n]", got)
	}
	var changed []string
	for _, c := range imp.Changed {
		changed = append(changed, c.Current.ID+"<"+c.Incoming.ID+":"+strings.Join(c.Fields, ","))
	}
	if want := []string{"b<y:label", "e<v:sign_key"}; !slices.Equal(changed, want) {
		t.Errorf("changed %v, want %v", changed, want)
	}
}

func TestClassifyEveryIncomingProfileOnce(t *testing.T) {
	cur := []Profile{{ID: "c", MerchantID: "CAMB006711", SignKey: "0123456789ABCDEF"}}
	in := []Profile{
		{ID: "z", MerchantID: "CAMB006711", SignKey: "FEDCBA9876543210"},
		{ID: "c", MerchantID: "CAMB006711", SignKey: "0123456789ABCDEF"},
	}
	imp := classify(cur, in)
	if len(imp.New)+len(imp.Changed)+len(imp.Unchanged) != len(in) {
		t.Fatalf("%d new, %d changed, %d unchanged for %d incoming", len(imp.New), len(imp.Changed), len(imp.Unchanged), len(in))
	}
	if len(imp.Unchanged) != 1 || len(imp.New) != 1 || imp.New[0].ID != "z" {
		t.Errorf("got %+v", imp)
	}
}

// backupVector is testdata/backup-profiles.json: the profiles inside
// testdata/backup-v1.json, a file made by testdata/make_backup.py with
// Python's PBKDF2 and AES-GCM from the format documented in backup.go.
type backupVector struct {
	Passphrase string
	Profiles   []Profile
}

func TestReadsABackupMadeElsewhere(t *testing.T) {
	var want backupVector
	readJSON(t, "backup-profiles.json", &want)
	file, err := os.ReadFile(filepath.Join("testdata", "backup-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	v, _ := memoryVault(newFakeClock())
	_, err = v.PreviewImport(ctx, file, want.Passphrase+"x")
	wantErr(t, "wrong passphrase", err, ErrWrongPassphrase)
	imp, err := v.PreviewImport(ctx, file, want.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, imp.New, want.Profiles)
	if err := v.ApplyImport(ctx, imp, nil); err != nil {
		t.Fatal(err)
	}
	list, _ := v.List(ctx)
	sameProfiles(t, list, want.Profiles)
}

func TestBrokenBackupFilesAreRefused(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "backup-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(good, &f); err != nil {
		t.Fatal(err)
	}
	edit := func(change func(map[string]any)) []byte {
		var g map[string]any
		b, _ := json.Marshal(f)
		json.Unmarshal(b, &g)
		change(g)
		out, _ := json.Marshal(g)
		return out
	}
	cases := map[string][]byte{
		"empty":          nil,
		"not JSON":       []byte("-----BEGIN PGP MESSAGE-----"),
		"a JSON array":   []byte("[]"),
		"other format":   edit(func(g map[string]any) { g["format"] = "something-else" }),
		"newer version":  edit(func(g map[string]any) { g["version"] = 2 }),
		"version zero":   edit(func(g map[string]any) { g["version"] = 0 }),
		"no data":        edit(func(g map[string]any) { delete(g, "data") }),
		"data not b64":   edit(func(g map[string]any) { g["data"] = "%%%" }),
		"unknown kdf":    edit(func(g map[string]any) { g["kdf"].(map[string]any)["name"] = "md5" }),
		"huge kdf count": edit(func(g map[string]any) { g["kdf"].(map[string]any)["iterations"] = maxIterations + 1 }),
		"too large":      append(bytes.Repeat([]byte(" "), MaxBackupSize), good...),
	}
	v, _ := memoryVault(newFakeClock())
	for name, file := range cases {
		_, err := v.PreviewImport(context.Background(), file, "correct horse battery staple")
		wantErr(t, name, err, ErrBadBackup)
	}
	if !strings.Contains(fmt.Sprint(parseBackupErr(cases["newer version"])), "newer version") {
		t.Error("a backup from a newer version does not say so")
	}
}

func parseBackupErr(file []byte) error {
	_, err := parseBackup(file)
	return err
}

func TestBackupWithInvalidProfilesIsRefused(t *testing.T) {
	bad := [][]Profile{
		{{ID: "", MerchantID: "ON00004652", SignKey: "6698851A525C9433"}},
		{{ID: "a", MerchantID: "ON00004652", SignKey: "6698851A525C9433"}, {ID: "a", MerchantID: "QC00005496", SignKey: "A8B5FE540E38A5A9"}},
		{{ID: "a", MerchantID: "ON00004652", SignKey: ""}},
	}
	v, _ := memoryVault(newFakeClock())
	for i, ps := range bad {
		file, err := sealBackup(context.Background(), ps, "pw", testIterations, newFakeClock().Now())
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.PreviewImport(context.Background(), file, "pw")
		wantErr(t, fmt.Sprintf("backup %d", i), err, ErrBadBackup)
	}
}

// FuzzBackup feeds arbitrary files to the import path: it must refuse them
// with an error, never panic, and never accept a file it cannot decrypt.
func FuzzBackup(f *testing.F) {
	good, err := os.ReadFile(filepath.Join("testdata", "backup-v1.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format":"ottpay-vault-backup","version":1,"kdf":{"name":"pbkdf2-sha256","iterations":1000,"salt":"AAAAAAAAAAA="},"data":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}`))
	f.Add([]byte(`{"format":"ottpay-vault-backup","version":1}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, file []byte) {
		bf, err := parseBackup(file)
		if err != nil {
			if !errors.Is(err, ErrBadBackup) {
				t.Fatalf("error does not say the file is bad: %v", err)
			}
			return
		}
		if bf.KDF.Iterations > 4*minIterations {
			return // valid but slow to derive; the check itself has run
		}
		ps, err := openBackup(context.Background(), bf, "correct horse battery staple")
		if err != nil {
			if !errors.Is(err, ErrBadBackup) && !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("error is neither a bad file nor a wrong passphrase: %v", err)
			}
			return
		}
		for _, p := range ps {
			if Validate(p).Err() != nil || p.ID == "" {
				t.Fatalf("accepted an invalid profile %v", p)
			}
		}
	})
}

// FuzzStoredRecord feeds arbitrary stored text to the record and meta
// readers: they must refuse it with ErrCorrupt, never panic.
func FuzzStoredRecord(f *testing.F) {
	p := Profile{ID: "k", MerchantID: "ON00004652", SignKey: "6698851A525C9433"}
	plain, _ := encodeRecord(record{ID: "k", Plain: &p})
	sealed, _ := encodeRecord(record{ID: "k", Sealed: []byte("0123456789012345678901234567890123")})
	m, _ := encodeMeta(meta{Schema: schemaVersion, Rev: 3, Lock: &lockParams{KDF: newKDF(testIterations), Check: []byte("x")}})
	for _, s := range []string{plain, sealed, m, `{"id":"k"}`, `{"schema":9}`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := decodeRecord("k", text); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("record error without ErrCorrupt: %v", err)
		}
		if _, err := decodeMeta(text, true); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("meta error without ErrCorrupt: %v", err)
		}
	})
}
