package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ottpay-toolkit/ottpay/sandbox/boltstore"
)

// sandboxDataFile is the file `ottpay sandbox --data DIR` keeps its state
// in, inside DIR.
const sandboxDataFile = "sandbox.db"

// openSandboxData opens (creating it if need be) the sandbox database in
// dir for `ottpay sandbox --data`. On failure it prints why and returns
// nil and the exit status.
func openSandboxData(dir string, stderr io.Writer) (*boltstore.Store, int) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, failf(stderr, exitFailed, "cannot create the --data directory: "+err.Error(), "give a directory you can write to")
	}
	path := filepath.Join(dir, sandboxDataFile)
	st, err := boltstore.Open(path)
	if err != nil {
		return nil, failf(stderr, exitFailed, "cannot open the sandbox data: "+err.Error(), "")
	}
	fmt.Fprintf(stderr, "ottpay: sandbox state in %s\n", path)
	return st, exitOK
}
