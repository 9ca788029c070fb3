//go:build !wasm

package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// goAppVersion is the go-app release whose output goapp.go patches.
const goAppVersion = "v9.8.0"

// Every change goapp.go makes finds its target in what the go-app of
// go.mod writes. When go-app is upgraded, this test names the change to
// revisit instead of the workbench quietly losing it.
func TestGoAppStillReadsAsPatched(t *testing.T) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "github.com/maxence-charriere/go-app/v9" && m.Version != goAppVersion {
				t.Errorf("go-app is %s; goapp.go was written for %s: check every change it makes, then update goAppVersion", m.Version, goAppVersion)
			}
		}
	}
	h := newHandler("v1", "", false)
	appJS, err := goAppFile(h, "/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PatchAppJS(appJS, h.Resources.AppWASM()); err != nil {
		t.Errorf("app.js: %v", err)
	}
	page, err := goAppFile(h, "/")
	if err != nil {
		t.Fatal(err)
	}
	patched, err := PatchPage(string(page))
	if err != nil {
		t.Errorf("page: %v", err)
	}
	if strings.Contains(patched, "user-scalable") || strings.Count(patched, ViewportTag) != 1 {
		t.Errorf("the patched page does not carry ViewportTag alone")
	}
	static, err := PatchStaticPage(string(page), "/ottpay/keys")
	if err != nil {
		t.Errorf("static page: %v", err)
	}
	if !strings.Contains(static, `<meta property="og:url" content="/ottpay/keys">`) ||
		!strings.Contains(static, metaCharset+"\n    <meta http-equiv=\"Content-Security-Policy\"") {
		t.Errorf("the static page lacks its og:url or its policy:\n%s", static)
	}
}

// A page that does not read as go-app v9 wrote it is refused, with the
// reason, rather than served half-patched.
func TestPatchesRefuseAnotherGoApp(t *testing.T) {
	for name, page := range map[string]string{
		"no viewport tag": `<html><meta charset="UTF-8"><meta property="og:url" content="x"></html>`,
		"two viewport tags": `<meta charset="UTF-8"><meta property="og:url" content="x">` +
			`<meta name="viewport" content="` + goAppViewport + `"><meta content="` + goAppViewport + `" name="viewport">`,
		"another viewport": `<meta charset="UTF-8"><meta property="og:url" content="x"><meta name="viewport" content="width=device-width">`,
	} {
		if _, err := PatchPage(page); err == nil || !strings.Contains(err.Error(), "go-app version changed") {
			t.Errorf("%s: PatchPage gives %v", name, err)
		}
		if _, err := PatchStaticPage(page, "/"); err == nil || !strings.Contains(err.Error(), "go-app version changed") {
			t.Errorf("%s: PatchStaticPage gives %v", name, err)
		}
	}
	// Either attribute order is go-app's.
	for _, tag := range []string{
		`<meta name="viewport" content="` + goAppViewport + `">`,
		`<meta content="` + goAppViewport + `" name="viewport">`,
	} {
		got, err := PatchPage("<head>" + tag + "</head>")
		if err != nil || got != "<head>"+ViewportTag+"</head>" {
			t.Errorf("%s: %q, %v", tag, got, err)
		}
	}
	if _, err := PatchStaticPage(`<meta name="viewport" content="`+goAppViewport+`">`, "/"); err == nil {
		t.Error("PatchStaticPage accepts a page without a charset tag")
	}
}
