package vault

import "errors"

// Errors returned by the vault. Test for them with errors.Is: the error a
// method returns often wraps one of these with more detail.
var (
	// ErrLocked means the vault has a passphrase and is locked (it opens
	// locked, and locks itself after the idle time).
	ErrLocked = errors.New("the key vault is locked: unlock it with its passphrase first")

	// ErrWrongPassphrase means a passphrase did not open the vault or the
	// backup file. Nothing was changed.
	ErrWrongPassphrase = errors.New("wrong passphrase: nothing was changed; check the passphrase (it is case-sensitive) and try again")

	// ErrNoPassphrase means an operation needs a passphrase and was given
	// an empty one.
	ErrNoPassphrase = errors.New("a passphrase is required: type one")

	// ErrNotFound means no profile has the given ID (it may have been
	// deleted in another window).
	ErrNotFound = errors.New("no such merchant profile: it may have been deleted in another window; reload the list")

	// ErrInvalid means a profile has a validation error (see Validate).
	// The profile was not saved.
	ErrInvalid = errors.New("the merchant profile was not saved")

	// ErrConflict means the stored vault changed since it was read (for
	// example in another window, or between an import preview and its
	// application). Nothing was changed.
	ErrConflict = errors.New("the key vault was changed elsewhere since it was read: nothing was changed; reload and try again")

	// ErrBadBackup means a file is not a readable vault backup.
	ErrBadBackup = errors.New("not a readable key vault backup file")

	// ErrCorrupt means stored vault data could not be read back. Nothing
	// was changed; the data is left as it is.
	ErrCorrupt = errors.New("stored key vault data could not be read")

	// ErrUnavailable means the browser offers no storage for the vault
	// (IndexedDB is missing or refused, as in some private windows).
	ErrUnavailable = errors.New("this browser does not let the page store keys (IndexedDB is unavailable, as in some private windows): use a normal window")

	// ErrClosed means the vault was closed.
	ErrClosed = errors.New("the key vault is closed: reload the page")
)
