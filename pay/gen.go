//go:build ignore

// gen writes catalog_gen.go from the catalogue (run by go generate in this
// folder). The file is committed; TestGeneratedFileIsCurrent fails when it
// differs from what the catalogue gives.
package main

import (
	"fmt"
	"os"

	"github.com/ottpay-toolkit/ottpay/pay/internal/gen"
)

func main() {
	out, err := gen.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(gen.FileName, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
