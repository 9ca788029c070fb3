package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// cmdExplain implements "ottpay explain".
func cmdExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	list := fs.Bool("list", false, "list every action and response code")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, usageText)
			return exitOK
		}
		return usage(stderr, strings.TrimSpace(err.Error()))
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	if *list {
		if fs.NArg() > 0 {
			return usage(stderr, "explain --list takes no names")
		}
		writeList(w)
		return exitOK
	}
	if fs.NArg() == 0 {
		return usage(stderr, "explain needs an action or an rsp_code, for example: ottpay explain ACTIVEPAY")
	}
	for i, term := range fs.Args() {
		text, ok := catalog.Explain(term)
		if !ok {
			w.Flush()
			return failf(stderr, exitFailed, strconv.Quote(term)+" is not a documented action, Appendix B rsp_code, status or field",
				"run 'ottpay explain --list' to see them; the stored Appendix B is cut short, so a newer code may still be genuine")
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		io.WriteString(w, text)
	}
	return exitOK
}

// writeList lists the documented actions and response codes.
func writeList(w io.Writer) {
	fmt.Fprintln(w, "Actions (ottpay explain NAME, or NAME/variant for one variant):")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, a := range catalog.Actions() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.ID(), a.Version, a.Endpoint, oneLine(a.Title))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nResponse codes (Appendix B):")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, c := range catalog.Codes() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Code, oneLine(c.Meaning))
	}
	tw.Flush()
}

// oneLine folds line breaks and tabs so a cell stays on its row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
