package wasmsize

import (
	"os"
	"testing"
)

var testPkgs = []Package{
	{Path: "runtime", Name: "runtime"},
	{Path: "syscall/js", Name: "js"},
	{Path: "github.com/maxence-charriere/go-app/v9/pkg/app", Name: "app"},
	{Path: "github.com/maxence-charriere/go-app/v9/pkg/app/internal", Name: "internal"},
	{Path: "github.com/ottpay-toolkit/ottpay/wasm", Name: "main", Own: true},
	{Path: "slices", Name: "slices"},
}

func TestFuncPackageUnmanglesTheNameSection(t *testing.T) {
	o := newOwners(testPkgs)
	for name, want := range map[string]string{
		// (*engine).Load as the linker writes it
		"github.com_maxence_charriere_go_app_v9_pkg_app.__engine_.Load": "github.com/maxence-charriere/go-app/v9/pkg/app",
		"github.com_maxence_charriere_go_app_v9_pkg_app_internal.F":     "github.com/maxence-charriere/go-app/v9/pkg/app/internal",
		"main.main":                        "github.com/ottpay-toolkit/ottpay/wasm",
		"main.__page_.Render.func1":        "github.com/ottpay-toolkit/ottpay/wasm",
		"runtime.mallocgc":                 "runtime",
		"syscall_js.ValueOf":               "syscall/js",
		"slices.SortFunc_go.shape.string_": "slices", // generic: the declaring package
		"type_.eq.syscall_js.Value":        "syscall/js",
		"type_.eq._2_github.com_maxence_charriere_go_app_v9_pkg_app.UI": "github.com/maxence-charriere/go-app/v9/pkg/app",
		"type_.eq.struct__a_int_": GroupOtherFuncs,
		"_rt0_wasm_js":            GroupOtherFuncs,
		"go_buildid":              GroupOtherFuncs,
		"syscall_jsx.F":           GroupOtherFuncs,
	} {
		if got := o.FuncPackage(name); got != want {
			t.Errorf("FuncPackage(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestDataPackageByDefinerThenByName(t *testing.T) {
	o := newOwners(testPkgs)
	for _, c := range []struct {
		name     string
		definers []string
		want     string
	}{
		{"syscall/js.jsGo", []string{"syscall/js"}, "syscall/js"},
		{`go:string."unreachable"`, []string{"runtime"}, "runtime"},
		{`go:string."x"`, []string{"runtime", "syscall/js"}, GroupShared},
		{"type:*syscall/js.Value", []string{"runtime", "slices"}, "syscall/js"},
		{"type:[]github.com/maxence-charriere/go-app/v9/pkg/app.UI", []string{"a", "b"}, "github.com/maxence-charriere/go-app/v9/pkg/app"},
		{"go:itab.*github.com/maxence-charriere/go-app/v9/pkg/app.htmlDiv,github.com/maxence-charriere/go-app/v9/pkg/app.UI", []string{"a", "b"}, "github.com/maxence-charriere/go-app/v9/pkg/app"},
		{"type:map[string]interface {}", []string{"a", "b"}, GroupShared},
		{"type:*main.page", []string{"a", "b"}, "github.com/ottpay-toolkit/ottpay/wasm"},
	} {
		if got := o.DataPackage(c.name, c.definers); got != c.want {
			t.Errorf("DataPackage(%q, %q) = %q, want %q", c.name, c.definers, got, c.want)
		}
	}
}

// testdata/nm.txt is go tool nm -size output on two archives: kinds D, d,
// R, r count, T (code), B (zero-filled) and U (undefined) do not; the
// "<1>" nm puts after a static symbol's name is not part of it.
func TestReadNMKeepsDataSymbols(t *testing.T) {
	f, err := os.Open("testdata/nm.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := readNM(f, map[string]string{"/cache/3a/3aee-d": "syscall/js", "/cache/ab/abcd-d": "github.com/ottpay-toolkit/ottpay/wasm"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"type:syscall/js.Func": 536,
		"syscall/js.jsGo":      8,
		"type:noalg.struct { F uintptr; X0 *interface {} }": 200,
		`go:string."a -> b"`: 3,
		"type:*main.page":    12,
		"html..stmp_1":       34208, // a static symbol, "<1>" in nm, plain in -dumpdep
		`go:string."<b>"`:    5,
	}
	if len(syms) != len(want) {
		t.Errorf("readNM kept %d symbols, want %d: %v", len(syms), len(want), syms)
	}
	for name, size := range want {
		if s := syms[name]; s == nil || s.size != size || len(s.definers) != 1 {
			t.Errorf("symbol %q = %+v, want size %d and one definer", name, s, size)
		}
	}
	if d := syms["type:*main.page"]; d != nil && d.definers[0] != "github.com/ottpay-toolkit/ottpay/wasm" {
		t.Errorf("type:*main.page defined by %q, want the archive's package", d.definers)
	}

	dump, err := os.ReadFile("testdata/dumpdep.txt")
	if err != nil {
		t.Fatal(err)
	}
	seen := reachable(dump, syms)
	for _, name := range []string{"type:syscall/js.Func", `go:string."a -> b"`, "syscall/js.jsGo", "type:*main.page", "html..stmp_1", `go:string."<b>"`} {
		if !seen[name] {
			t.Errorf("%q is in the dependency dump but not found reachable", name)
		}
	}
	if len(seen) != 6 {
		t.Errorf("reachable = %v, want only the 6 data symbols the dump names (flags such as <UsedInIface> stripped)", seen)
	}
}
