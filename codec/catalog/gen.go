//go:build ignore

// gen writes catalog.json from the spec's ottpay-actions.json, kept in
// this repository as testdata/ottpay-actions.json (a copy of the shared
// spec's file; update the copy when the spec changes):
//
//	go run gen.go testdata/ottpay-actions.json catalog.json
//
// (run by go generate in this folder). The generated file is committed, so
// building never needs the spec, and the tests check it against the copy.
package main

import (
	"fmt"
	"os"

	"github.com/ottpay-toolkit/ottpay/codec/catalog/internal/gen"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run gen.go SPEC.json OUT.json")
		os.Exit(2)
	}
	spec, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	out, err := gen.Build(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
