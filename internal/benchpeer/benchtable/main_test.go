package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTimePrintsACellAndChecksTheLineCount(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(in, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	// cat copies its standard input, the file, to the standard output.
	if err := timeCmd([]string{"-cell", "cli/batch10k", "-impl", "go", "-in", in, "-lines", "3", "--", "cat"}, &out); err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(out.String())
	if len(f) != 4 || f[0] != "CELL" || f[1] != "cli/batch10k" || f[2] != "go" {
		t.Fatalf("output %q, want CELL cli/batch10k go <seconds>", out.String())
	}
	out.Reset()
	err := timeCmd([]string{"-cell", "c", "-impl", "go", "-in", in, "-lines", "4", "--", "cat"}, &out)
	if err == nil || !strings.Contains(err.Error(), "printed 3 lines, want 4") || out.Len() != 0 {
		t.Errorf("a command printing too few lines: error %v, output %q", err, out.String())
	}
	err = timeCmd([]string{"-cell", "c", "-impl", "go", "-in", in, "--", "sh", "-c", "echo broken >&2; exit 3"}, &out)
	if err == nil || !strings.Contains(err.Error(), "broken") || out.Len() != 0 {
		t.Errorf("a failing command: error %v, output %q", err, out.String())
	}
}
