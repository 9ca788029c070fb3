package vault

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// A backup file is JSON:
//
//	{"format": "ottpay-vault-backup", "version": 1,
//	 "kdf": {"name": "pbkdf2-sha256", "iterations": 600000, "salt": "<base64>"},
//	 "data": "<base64 of nonce || AES-256-GCM ciphertext || tag>"}
//
// data decrypts, with the key derived from the backup passphrase and
// backupAAD as associated data, to the JSON of backupPayload. Nothing about
// the profiles, not even their number, is readable without the passphrase.

const (
	backupFormat  = "ottpay-vault-backup"
	backupVersion = 1
)

// MaxBackupSize is the largest backup file PreviewImport reads, in bytes.
const MaxBackupSize = 8 << 20

var backupAAD = []byte("ottpay-vault-backup/1")

type backupFile struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	KDF     kdfParams `json:"kdf"`
	Data    []byte    `json:"data"`
}

type backupPayload struct {
	Exported time.Time `json:"exported"`
	Profiles []Profile `json:"profiles"`
}

// sealBackup encrypts profiles into a backup file.
func sealBackup(ctx context.Context, ps []Profile, passphrase string, iterations int, at time.Time) ([]byte, error) {
	if passphrase == "" {
		return nil, fmt.Errorf("%w: the backup file is encrypted with a passphrase you choose", ErrNoPassphrase)
	}
	k := newKDF(iterations)
	s, err := k.derive(ctx, passphrase)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(backupPayload{Exported: at, Profiles: ps})
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return json.MarshalIndent(backupFile{
		Format: backupFormat, Version: backupVersion, KDF: k,
		Data: s.seal(plain, backupAAD),
	}, "", "  ")
}

// parseBackup reads the outer layer of a backup file, without the
// passphrase. It checks everything that can be checked before the slow key
// derivation.
func parseBackup(file []byte) (backupFile, error) {
	if len(file) > MaxBackupSize {
		return backupFile{}, fmt.Errorf("%w: it is %d bytes, more than the %d a backup can be", ErrBadBackup, len(file), MaxBackupSize)
	}
	var f backupFile
	if err := json.Unmarshal(file, &f); err != nil {
		return backupFile{}, fmt.Errorf("%w: it is not a JSON backup made by the Keys page (%v)", ErrBadBackup, err)
	}
	switch {
	case f.Format != backupFormat:
		return backupFile{}, fmt.Errorf("%w: it does not say it is a key vault backup (format %q): pick a file made by Export on the Keys page", ErrBadBackup, f.Format)
	case f.Version > backupVersion:
		return backupFile{}, fmt.Errorf("%w: it was made by a newer version of the workbench (backup version %d, this one reads %d): reload the page to update", ErrBadBackup, f.Version, backupVersion)
	case f.Version != backupVersion:
		return backupFile{}, fmt.Errorf("%w: backup version %d is unknown", ErrBadBackup, f.Version)
	case len(f.Data) < 28:
		return backupFile{}, fmt.Errorf("%w: its encrypted data is missing or cut short", ErrBadBackup)
	}
	if err := f.KDF.check(); err != nil {
		return backupFile{}, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	return f, nil
}

// openBackup decrypts a parsed backup and checks the profiles it holds.
func openBackup(ctx context.Context, f backupFile, passphrase string) ([]Profile, error) {
	if passphrase == "" {
		return nil, fmt.Errorf("%w: type the passphrase the backup was exported with", ErrNoPassphrase)
	}
	s, err := f.KDF.derive(ctx, passphrase)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	plain, err := s.open(f.Data, backupAAD)
	if err != nil {
		return nil, fmt.Errorf("%w (or the file was damaged)", ErrWrongPassphrase)
	}
	defer clear(plain)
	var p backupPayload
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("%w: its content is not a list of profiles (%v)", ErrBadBackup, err)
	}
	seen := map[string]bool{}
	for i, x := range p.Profiles {
		switch {
		case x.ID == "":
			return nil, fmt.Errorf("%w: profile %d (%q, merchant_id %q) has no ID", ErrBadBackup, i+1, x.Label, x.MerchantID)
		case seen[x.ID]:
			return nil, fmt.Errorf("%w: profile ID %q appears twice", ErrBadBackup, x.ID)
		}
		seen[x.ID] = true
		if err := Validate(x).Err(); err != nil {
			return nil, fmt.Errorf("%w: profile %d (%q): %v", ErrBadBackup, i+1, x.Label, err)
		}
	}
	return p.Profiles, nil
}

// Export returns a backup file holding every profile, encrypted with
// passphrase (which need not be the vault's). The vault must be open.
func (v *Vault) Export(ctx context.Context, passphrase string) ([]byte, error) {
	if passphrase == "" {
		return nil, fmt.Errorf("%w: the backup file is encrypted with a passphrase you choose", ErrNoPassphrase)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := openAll(s, v.key)
	if err != nil {
		return nil, err
	}
	return sealBackup(ctx, ps, passphrase, v.iterations, v.clock())
}

// Import is the merge preview of a backup file against the vault. Nothing
// is written until ApplyImport.
type Import struct {
	// New profiles are in the file and not in the vault; ApplyImport adds
	// them.
	New []Profile
	// Changed profiles are in both, with different content; ApplyImport
	// replaces one only when told to.
	Changed []Change
	// Unchanged profiles are already in the vault as the file has them
	// (shown as the vault has them).
	Unchanged []Profile

	rev uint64 // the vault revision the preview was computed against
}

// Change pairs a profile in the vault with the one a backup has for it.
type Change struct {
	Current  Profile
	Incoming Profile
	// Fields lists what differs (FieldLabel, FieldMerchantID,
	// FieldOperatorID, FieldSignKey).
	Fields []string
}

// PreviewImport decrypts a backup file and compares it with the vault.
// A profile of the file matches a profile of the vault with the same ID;
// failing that, one with the same merchant_id, operator_id and sign key;
// failing that, the only one with the same merchant_id and operator_id.
// A match with equal label, merchant_id, operator_id and sign key is
// unchanged, any other match is changed, and a profile with no match is
// new. The vault must be open.
func (v *Vault) PreviewImport(ctx context.Context, file []byte, passphrase string) (*Import, error) {
	f, err := parseBackup(file)
	if err != nil {
		return nil, err
	}
	incoming, err := openBackup(ctx, f, passphrase)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return nil, err
	}
	current, err := openAll(s, v.key)
	if err != nil {
		return nil, err
	}
	imp := classify(current, incoming)
	imp.rev = s.meta.Rev
	return &imp, nil
}

// classify computes the merge preview of incoming against current.
func classify(current, incoming []Profile) Import {
	var imp Import
	used := make([]bool, len(current))
	match := make([]int, len(incoming))
	byID := make(map[string]int, len(current))
	for i, c := range current {
		byID[c.ID] = i
	}
	for j, in := range incoming {
		match[j] = -1
		if i, ok := byID[in.ID]; ok {
			match[j], used[i] = i, true
		}
	}
	find := func(same func(c, in Profile) bool, in Profile, unique bool) int {
		found := -1
		for i, c := range current {
			if used[i] || !same(c, in) {
				continue
			}
			if !unique {
				return i
			}
			if found >= 0 {
				return -1
			}
			found = i
		}
		return found
	}
	sameKey := func(c, in Profile) bool {
		return c.MerchantID == in.MerchantID && c.OperatorID == in.OperatorID && c.SignKey == in.SignKey
	}
	sameMerchant := func(c, in Profile) bool {
		return c.MerchantID == in.MerchantID && c.OperatorID == in.OperatorID
	}
	for j, in := range incoming {
		if match[j] >= 0 {
			continue
		}
		i := find(sameKey, in, false)
		if i < 0 {
			i = find(sameMerchant, in, true)
		}
		if i >= 0 {
			match[j], used[i] = i, true
		}
	}
	for j, in := range incoming {
		if match[j] < 0 {
			imp.New = append(imp.New, in)
			continue
		}
		c := current[match[j]]
		if c.sameContent(in) {
			imp.Unchanged = append(imp.Unchanged, c)
			continue
		}
		imp.Changed = append(imp.Changed, Change{Current: c, Incoming: in, Fields: diff(c, in)})
	}
	return imp
}

func diff(a, b Profile) []string {
	var out []string
	if a.Label != b.Label {
		out = append(out, FieldLabel)
	}
	if a.MerchantID != b.MerchantID {
		out = append(out, FieldMerchantID)
	}
	if a.OperatorID != b.OperatorID {
		out = append(out, FieldOperatorID)
	}
	if a.SignKey != b.SignKey {
		out = append(out, FieldSignKey)
	}
	return out
}

// ApplyImport writes a preview to the vault in one transaction: it adds
// every new profile and, of the changed ones, replaces exactly those whose
// current profile ID is listed in replace (keeping that ID and its Created
// time); every other profile of the vault is left as it is. If the vault
// changed since the preview, it returns ErrConflict and writes nothing:
// preview the file again.
func (v *Vault) ApplyImport(ctx context.Context, imp *Import, replace []string) error {
	for _, id := range replace {
		if !slices.ContainsFunc(imp.Changed, func(c Change) bool { return c.Current.ID == id }) {
			return fmt.Errorf("profile %q is not one of the changed profiles of this import: nothing was imported", id)
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	s, err := v.begin(ctx)
	if err != nil {
		return err
	}
	if s.meta.Rev != imp.rev {
		return fmt.Errorf("%w (since the import preview): preview the file again", ErrConflict)
	}
	now := v.clock()
	var put []record
	add := func(p Profile) error {
		r, err := sealRecord(p, v.key)
		put = append(put, r)
		return err
	}
	for _, p := range imp.New {
		if err := add(p); err != nil {
			return err
		}
	}
	for _, c := range imp.Changed {
		if !slices.Contains(replace, c.Current.ID) {
			continue
		}
		p := c.Incoming
		p.ID, p.Created, p.Updated = c.Current.ID, c.Current.Created, now
		if err := add(p); err != nil {
			return err
		}
	}
	if len(put) == 0 {
		return nil
	}
	return v.write(ctx, s, s.meta, put, nil)
}
