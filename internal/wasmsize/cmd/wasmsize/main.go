// Command wasmsize prints what app.wasm holds, by package: bytes of code
// and data of the workbench beside the smallest go-app program and the
// smallest Go program (e2e/testdata/loadfloor), as Markdown tables for
// the README. `./build.sh size` runs it from the repository's root.
//
//	wasmsize [-min BYTES] [-funcs N] [-go CMD] [-workbench PKG] [-floor PKG] [-bare PKG]
//
// -funcs N adds the N largest functions of the repository's own
// packages in the workbench. See package wasmsize for what is exact and
// what is an estimate.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"

	"github.com/ottpay-toolkit/ottpay/internal/wasmsize"
)

func main() {
	workbench := flag.String("workbench", "./wasm", "the workbench `package`")
	floor := flag.String("floor", "./e2e/testdata/loadfloor/goapp", "the smallest go-app program")
	bare := flag.String("bare", "./e2e/testdata/loadfloor/bare", "the smallest Go program")
	minBytes := flag.Int("min", 20000, "packages under this many `bytes` in all three programs share one row")
	funcs := flag.Int("funcs", 0, "also list the `N` largest functions of the repository's own packages")
	goCmd := flag.String("go", "go", "the go `command` that builds")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: wasmsize [flags] (from the module's root)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *goCmd, *workbench, *floor, *bare, *minBytes, *funcs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, goCmd, workbench, floor, bare string, minBytes, funcs int) error {
	var progs []*wasmsize.Program
	for _, pkg := range []string{workbench, floor, bare} {
		fmt.Fprintf(os.Stderr, "wasmsize: building %s\n", pkg)
		p, err := wasmsize.Measure(ctx, goCmd, ".", pkg)
		if err != nil {
			return err
		}
		progs = append(progs, p)
	}
	fmt.Printf("app.wasm by package (GOOS=js GOARCH=wasm, %s; KB = 1000 bytes; code exact, data estimated):\n\n", runtime.Version())
	if err := wasmsize.WriteTable(os.Stdout, progs[0], progs[1], progs[2], minBytes); err != nil {
		return err
	}
	if funcs > 0 {
		fmt.Printf("\nThe %d largest functions of the repository's own packages in %s:\n\n", funcs, workbench)
		return wasmsize.WriteTopFuncs(os.Stdout, progs[0], funcs)
	}
	return nil
}
