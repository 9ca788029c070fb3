// Package vault keeps merchant profiles (label, merchant_id, operator_id and
// the OTT Pay sign key) on the device.
//
// A [Vault] is the one type the rest of the app talks to. It lists, reads,
// adds, edits and deletes profiles, can protect every stored profile with a
// passphrase (AES-256-GCM under a key from PBKDF2-HMAC-SHA256, parameters
// stored with the data), locks itself after an idle time, and exports and
// imports encrypted backup files with a merge preview.
//
// Where the profiles live is a detail of how the Vault was made:
//
//   - [NewMemory] keeps them in memory (tests, and any build without a
//     browser);
//   - Open, in the js/wasm build only, keeps them in the browser's IndexedDB
//     through github.com/hack-pad/go-indexeddb, where they survive reloads
//     and browser restarts.
//
// Code that only needs the profiles can depend on the [Store] interface.
//
// # Keeping keys on the device
//
// Nothing in this package logs, prints or sends a sign key. [Profile]
// formats itself with the key masked, so a profile passed to a logger or
// fmt by mistake does not leak it; use [Mask] to show a key on screen. Keys
// are never written to the URL, localStorage or the console.
//
// # Passphrase keys
//
// A passphrase becomes an AES-256 key through PBKDF2-HMAC-SHA256 with a
// random 16-byte salt and [DefaultIterations] rounds; the name, count and
// salt are stored with the data they protect (vault settings, backup
// files), so data written with other counts still opens. Every sealed box
// is a 12-byte random nonce, the AES-256-GCM ciphertext and its 16-byte
// tag, with associated data naming what it is (the check box, a profile
// ID, a backup).
//
// In the browser build the key derivation runs in the browser's Web Crypto
// (crypto.subtle.importKey and deriveBits), natively and without blocking
// the page, which makes an unlock several times faster than the same work
// in Go's wasm; AES-GCM on the small records stays in Go. Both compute the
// same bytes, so the stored format is the same whichever ran. A page that
// is not a secure context (a file:// page, or http:// from a host other
// than localhost, 127.0.0.1 or [::1]) has no crypto.subtle: there, and if
// Web Crypto ever refuses, the vault derives the key with Go's
// crypto/pbkdf2 instead. Everything keeps working and every vault and
// backup still opens; only unlocking, changing the passphrase and backups
// take about a second each. The native build always uses crypto/pbkdf2.
//
// # Stored layout (IndexedDB)
//
// The database version is the schema version. Version 1 held one object
// store, "profiles", keyed by merchant_id, whose values were objects
// {label, merchant_id, operator_id, sign_key}. Version 2, the current one,
// adds the stores "records" (one JSON record per profile, keyed by profile
// ID, either plain or sealed with the passphrase key) and "meta" (the schema
// number, the passphrase parameters and the auto-lock time). Opening a
// version 1 database upgrades it: the new stores are created, then every
// version 1 profile is moved into "records" in one transaction, so an
// interrupted upgrade leaves the old profiles where they were and the next
// open tries again. No upgrade deletes a store.
//
// # Calling from the browser
//
// Every method that takes a context waits for IndexedDB, and those that
// derive a passphrase key wait for Web Crypto. Call them from a goroutine
// (go-app's ctx.Async), never directly inside a JavaScript callback: a
// blocked callback deadlocks a Go wasm program.
package vault
