//go:build !wasm

package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
	"github.com/ottpay-toolkit/ottpay/wasm/ui"
)

// writeStatic writes the site into dir: every page, the go-app scripts,
// the manifest, the service worker and web/. Pages carry the
// Content-Security-Policy as a meta tag, for hosts that cannot set
// headers.
func (s *site) writeStatic(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if err := app.GenerateStaticWebsite(dir, s.handler); err != nil {
		return fmt.Errorf("generating the static website failed: %w", err)
	}
	js := filepath.Join(dir, "app.js")
	b, err := os.ReadFile(js)
	if err != nil {
		return err
	}
	if b, err = PatchAppJS(b, s.handler.Resources.AppWASM()); err != nil {
		return err
	}
	if err := os.WriteFile(js, b, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), s.wasmExec, 0o644); err != nil {
		return err
	}
	pages := 0
	err = filepath.WalkDir(dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(file) != ".html" {
			return err
		}
		rel, err := filepath.Rel(dir, file)
		if err != nil {
			return err
		}
		route := "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".html")
		if route == "/index" {
			route = "/"
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		page, err := PatchStaticPage(string(b), s.prefix+route)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		pages++
		if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
			return err
		}
		if route == "/" {
			return nil
		}
		// keys.html answers /keys on hosts that try the .html
		// extension (GitHub Pages, Netlify, Cloudflare Pages); a plain
		// static server finds /keys as the directory keys/ instead. Its
		// resources are absolute paths under the prefix, so the same
		// page works from either place.
		sub := strings.TrimSuffix(file, ".html")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(sub, "index.html"), []byte(page), 0o644)
	})
	if err != nil {
		return err
	}
	if pages < len(ui.Nav) {
		return fmt.Errorf("the static website has %d pages, want at least %d", pages, len(ui.Nav))
	}
	if err := os.WriteFile(filepath.Join(dir, "_headers"), []byte(StaticHeaders(s.prefix)), 0o644); err != nil {
		return err
	}
	return copyDir(filepath.Join(s.root, "web"), filepath.Join(dir, "web"))
}

// StaticHeaders is the _headers file of a static website deployed under
// prefix, in the format Netlify and Cloudflare Pages read: a path
// pattern, then its headers indented, one per line. It asks for
// SecurityHeaders on every path of the site.
func StaticHeaders(prefix string) string {
	var b strings.Builder
	b.WriteString("# Response headers for Netlify and Cloudflare Pages (written by ./build.sh static).\n")
	b.WriteString("# Other hosts: send the same headers with every file of the site.\n")
	b.WriteString(prefix + "/*\n")
	for _, h := range SecurityHeaders() {
		b.WriteString("  " + h[0] + ": " + h[1] + "\n")
	}
	return b.String()
}

// copyDir copies the regular files of src into dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
