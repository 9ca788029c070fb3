// Package walkthrough is the README's "five minutes from sandbox to a paid
// order" run as tests, so that what the README shows keeps working: a
// sandbox with one merchant, the merchant's callback handler on loopback,
// an ACTIVEPAY order created, paid through the sandbox's control API, its
// callback verified by the handler, and STATUS_QUERY saying it is paid.
//
// TestGoWalkthrough is the Go version (pay, callback, sandbox);
// TestCurlWalkthrough is the command-line version (ottpay encode, a POST as
// curl makes it, ottpay decode, ottpay callbacks listen, ottpay call), run
// on the ottpay binary built from this module. testdata/readme-section.md is
// the README text; the tests check that every command they run appears in
// it as written.
//
// The package has no code of its own: it exists for its tests.
package walkthrough
