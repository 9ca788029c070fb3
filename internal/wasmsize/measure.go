package wasmsize

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// A Package is one package a program is linked from.
type Package struct {
	Path   string // import path
	Name   string // package name ("main" for the program's own)
	Own    bool   // in the main module (the repository's own code)
	Export string // the compiled archive in the build cache
}

// A Program is one measured app.wasm.
type Program struct {
	Pkg      string         // the package built, as given to Measure
	Module   *Module        // the binary, name section kept
	Packages []Package      // go list -deps, dependencies first
	Code     map[string]int // code section bytes by package or group: exact
	Data     map[string]int // data section bytes by package or group: estimated, see the package doc
	FuncPkg  []string       // the package of each of Module.Funcs
}

// Measure builds the package pkg (an argument of go build, such as
// "./wasm") in the module at dir for GOOS=js GOARCH=wasm with the flags
// build.sh uses (-trimpath -ldflags="-s -w") except that the name
// section is kept (-ldflags="-w -dumpdep"), and attributes its code and
// data to packages. The go command is goCmd ("go" if empty); scratch
// files go to a temporary directory removed on return.
func Measure(ctx context.Context, goCmd, dir, pkg string) (*Program, error) {
	if goCmd == "" {
		goCmd = "go"
	}
	tmp, err := os.MkdirTemp("", "wasmsize-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	run := func(stdout, stderr *bytes.Buffer, args ...string) error {
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, stdout, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("wasmsize: %s %s: %v\n%s", goCmd, strings.Join(args, " "), err, tail(stderr.Bytes()))
		}
		return nil
	}

	// A fresh output file: go build skips the link, and so the
	// dependency dump, when the output is up to date.
	out := filepath.Join(tmp, "app.wasm")
	var deps, errb bytes.Buffer
	if err := run(&bytes.Buffer{}, &deps, "build", "-trimpath", "-ldflags=-w -dumpdep", "-o", out, pkg); err != nil {
		return nil, err
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	m, err := Parse(bin)
	if err != nil {
		return nil, fmt.Errorf("wasmsize: %s: %w", pkg, err)
	}
	if m.Section(SectionCustom, "name") == 0 {
		return nil, fmt.Errorf("wasmsize: %s: the build has no name section to attribute functions by", pkg)
	}

	var list bytes.Buffer
	if err := run(&list, &errb, "list", "-trimpath", "-deps", "-export", "-f",
		"{{.ImportPath}}\t{{.Name}}\t{{with .Module}}{{.Main}}{{end}}\t{{.Export}}", pkg); err != nil {
		return nil, err
	}
	p := &Program{Pkg: pkg, Module: m, Code: map[string]int{}, Data: map[string]int{}}
	for _, line := range strings.Split(strings.TrimSpace(list.String()), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("wasmsize: go list printed %q, want 4 tab-separated fields", line)
		}
		p.Packages = append(p.Packages, Package{Path: f[0], Name: f[1], Own: f[2] == "true", Export: f[3]})
	}
	o := newOwners(p.Packages)
	bodies := 0
	for _, fn := range m.Funcs {
		pk := o.FuncPackage(fn.Name)
		p.FuncPkg = append(p.FuncPkg, pk)
		p.Code[pk] += fn.Size
		bodies += fn.Size
	}
	// The section's header and function count are no function's.
	p.Code[GroupOtherFuncs] += m.Section(SectionCode, "") - bodies

	syms, err := dataSymbols(ctx, goCmd, dir, p.Packages)
	if err != nil {
		return nil, err
	}
	attributed := 0
	for name := range reachable(deps.Bytes(), syms) {
		s := syms[name]
		pk := o.DataPackage(name, s.definers)
		p.Data[pk] += s.size
		attributed += s.size
	}
	// What no archive defines is made by the linker, the section's
	// header and the segments' headers too.
	tables := m.Section(SectionData, "") - attributed
	if pcln, ok := m.Pclntab(); ok {
		p.Data[GroupFuncNames], p.Data[GroupPCTabs] = pcln.FuncNames, pcln.PCTabs
		tables -= pcln.FuncNames + pcln.PCTabs
	}
	p.Data[GroupTables] = tables
	return p, nil
}

// A dataSym is a data symbol of the compiled archives.
type dataSym struct {
	size     int
	definers []string // packages whose archive defines it
}

// dataSymbols returns the data symbols (nm kinds D, d, R, r: initialised
// data and read-only data; B and b are zero-filled memory, which the
// data section does not hold) defined by the archives of pkgs.
func dataSymbols(ctx context.Context, goCmd, dir string, pkgs []Package) (map[string]*dataSym, error) {
	args := []string{"tool", "nm", "-size"}
	byFile := map[string]string{}
	for _, p := range pkgs {
		if p.Export == "" {
			continue // unsafe and other packages with no object code
		}
		byFile[p.Export] = p.Path
		args = append(args, p.Export)
	}
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("wasmsize: go tool nm: %v\n%s", err, tail(errb.Bytes()))
	}
	return readNM(&out, byFile)
}

// readNM reads the output of go tool nm -size on the archives byFile
// names (file → package) into data symbols.
func readNM(r io.Reader, byFile map[string]string) (map[string]*dataSym, error) {
	syms := map[string]*dataSym{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		file, size, kind, name, ok := parseNM(sc.Text())
		if !ok || !strings.ContainsRune("DdRr", kind) {
			continue
		}
		if kind == 'd' || kind == 'r' {
			name = stripVersion(name)
		}
		s := syms[name]
		if s == nil {
			s = &dataSym{}
			syms[name] = s
		}
		s.size = max(s.size, size)
		pkg := byFile[file]
		if len(s.definers) == 0 || s.definers[len(s.definers)-1] != pkg {
			s.definers = append(s.definers, pkg)
		}
	}
	return syms, sc.Err()
}

// parseNM reads one line of go tool nm -size given several files:
// "FILE(_go_.o):\t    addr       size K name" (no addr for kind U).
func parseNM(line string) (file string, size int, kind rune, name string, ok bool) {
	file, rest, ok := strings.Cut(line, ":\t")
	if !ok {
		return "", 0, 0, "", false
	}
	if i := strings.LastIndex(file, "("); i >= 0 {
		file = file[:i]
	}
	var tok []string
	if strings.HasPrefix(rest, "        ") { // %8s: no address (kind U)
		tok = append(tok, "")
	}
	for len(tok) < 3 {
		rest = strings.TrimLeft(rest, " ")
		t, r, _ := strings.Cut(rest, " ")
		tok, rest = append(tok, t), r
	}
	n, err := strconv.Atoi(tok[1])
	if err != nil || len(tok[2]) != 1 {
		return "", 0, 0, "", false
	}
	return file, n, rune(tok[2][0]), rest, true
}

// reachable returns the names in syms that appear in the linker's
// -dumpdep output ("a -> b" per line: b is reachable from a; a name may
// end in flags such as " <UsedInIface>"). A name may itself contain
// " -> " (a string literal), so every split is tried.
func reachable(dump []byte, syms map[string]*dataSym) map[string]bool {
	seen := map[string]bool{}
	for _, line := range strings.Split(string(dump), "\n") {
		for i := 0; ; {
			j := strings.Index(line[i:], " -> ")
			if j < 0 {
				break
			}
			for _, name := range []string{line[:i+j], line[i+j+4:]} {
				name = stripFlags(name)
				if syms[name] != nil {
					seen[name] = true
				}
			}
			i += j + 1
		}
	}
	return seen
}

// stripVersion removes the "<N>" nm appends to the name of a static
// symbol (kinds d, r: static temporaries such as "html..stmp_1<1>"),
// which -dumpdep prints without it.
func stripVersion(name string) string {
	i := strings.LastIndexByte(name, '<')
	if i < 0 || !strings.HasSuffix(name, ">") || i+2 > len(name)-1 {
		return name
	}
	for _, c := range name[i+1 : len(name)-1] {
		if c < '0' || c > '9' {
			return name
		}
	}
	return name[:i]
}

// stripFlags removes the flags -dumpdep appends to a symbol's name:
// " <UsedInIface>", " <ReflectMethod>" or both.
func stripFlags(name string) string {
	for _, f := range []string{"<ReflectMethod>", "<UsedInIface>"} {
		name = strings.TrimSuffix(name, f)
	}
	return strings.TrimSuffix(name, " ")
}

// tail returns the last lines of a command's error output.
func tail(b []byte) []byte {
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return b
}
