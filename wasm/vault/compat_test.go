package vault

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// These tests open data written before the key derivation moved to Web
// Crypto in the browser (testdata/*-d44ee97.json, made by the pure-Go code
// of that commit at the default 600,000 iterations). They run natively
// (Go's crypto/pbkdf2) and, with internal/browsertest/run.sh, in Chromium
// (Web Crypto): both must open them unchanged.

// storedVault is a vault as it sits in storage, with what it holds.
type storedVault struct {
	Passphrase string
	// Meta and Records are the stored texts: the IndexedDB value of store
	// "meta" at key "meta", and of store "records" by profile ID.
	Meta     string
	Records  map[string]string
	Profiles []Profile
}

func loadStoredVault(t testing.TB) storedVault {
	t.Helper()
	var sv storedVault
	readJSON(t, "vault-d44ee97.json", &sv)
	if sv.Passphrase == "" || sv.Meta == "" || len(sv.Records) == 0 || len(sv.Profiles) != len(sv.Records) {
		t.Fatalf("vault-d44ee97.json is incomplete: %d records, %d profiles", len(sv.Records), len(sv.Profiles))
	}
	return sv
}

// loadOldBackup returns the backup file and what it holds.
func loadOldBackup(t *testing.T) ([]byte, backupVector) {
	t.Helper()
	var want backupVector
	readJSON(t, "backup-d44ee97-profiles.json", &want)
	file, err := os.ReadFile(filepath.Join("testdata", "backup-d44ee97.json"))
	if err != nil {
		t.Fatal(err)
	}
	return file, want
}

// memoryVaultFrom returns an in-memory vault holding exactly the stored
// texts of sv, as a page reload would find them.
func memoryVaultFrom(t testing.TB, sv storedVault) (*Vault, *memoryBackend) {
	t.Helper()
	b := &memoryBackend{records: maps.Clone(sv.Records), meta: sv.Meta, hasMeta: true}
	s, err := b.read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return newVault(b, Options{Now: newFakeClock().Now}, s.meta), b
}

func TestVaultWrittenBeforeWebCryptoOpens(t *testing.T) {
	ctx := context.Background()
	sv := loadStoredVault(t)
	v, b := memoryVaultFrom(t, sv)
	st, err := v.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Locked || st.Iterations != 600_000 || st.Profiles != len(sv.Profiles) {
		t.Fatalf("status %+v: want locked, 600000 iterations, %d profiles", st, len(sv.Profiles))
	}
	if err := v.Unlock(ctx, sv.Passphrase); err != nil {
		t.Fatalf("the passphrase the vault was written with: %v", err)
	}
	list, err := v.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameProfiles(t, list, sv.Profiles)
	// Reading changed nothing that is stored.
	records, meta := stored(b)
	if meta != sv.Meta || !maps.Equal(records, sv.Records) {
		t.Fatal("unlocking and reading changed the stored vault")
	}
}

func TestVaultWrittenBeforeWebCryptoRefusesAWrongPassphrase(t *testing.T) {
	ctx := context.Background()
	sv := loadStoredVault(t)
	v, b := memoryVaultFrom(t, sv)
	for _, wrong := range []string{sv.Passphrase[:len(sv.Passphrase)-1], "Vault" + sv.Passphrase[5:]} {
		wantErr(t, "Unlock with "+wrong, v.Unlock(ctx, wrong), ErrWrongPassphrase)
		wantErr(t, "SetPassphrase with "+wrong, v.SetPassphrase(ctx, wrong, "new"), ErrWrongPassphrase)
	}
	_, err := v.List(ctx)
	wantErr(t, "List after wrong passphrases", err, ErrLocked)
	records, meta := stored(b)
	if meta != sv.Meta || !maps.Equal(records, sv.Records) {
		t.Fatal("a wrong passphrase changed the stored vault")
	}
}

func TestBackupWrittenBeforeWebCryptoImports(t *testing.T) {
	ctx := context.Background()
	file, want := loadOldBackup(t)
	v, b := memoryVault(newFakeClock())
	putAll(t, v, sampleProfiles()[2:])
	before, beforeMeta := stored(b)

	_, err := v.PreviewImport(ctx, file, want.Passphrase+" ")
	wantErr(t, "wrong passphrase", err, ErrWrongPassphrase)
	if after, afterMeta := stored(b); afterMeta != beforeMeta || !maps.Equal(after, before) {
		t.Fatal("a wrong backup passphrase changed the vault")
	}

	imp, err := v.PreviewImport(ctx, file, want.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	// The vault already holds the third sample profile under another ID:
	// it matches by key, unchanged; the other two are new.
	sameProfiles(t, imp.New, want.Profiles[:2])
	if len(imp.Unchanged) != 1 || len(imp.Changed) != 0 {
		t.Fatalf("preview: %d unchanged, %d changed; want 1 and 0", len(imp.Unchanged), len(imp.Changed))
	}
}
