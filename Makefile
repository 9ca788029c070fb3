# The two commands that matter: `make serve` and `make test` (see README.md).

GO        ?= go
ADDR      ?= 127.0.0.1:47801
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
FUZZTIME  ?= 20000x
BENCHTIME ?= 0.5
BENCHREPS ?= 5
CORPUS    ?= $(CURDIR)/.scratch/peer-corpus

# Packages that must pass both natively and as js/wasm under Node.
CODEC_PKGS := ./codec/ ./codec/scan/ ./codec/catalog/ ./codec/report/


.PHONY: sandbox
.PHONY: all serve build static test test-native test-wasm test-browser fuzz-short fuzz bench vet fmt-check mod-check clean

all: build

## serve: build web/app.wasm and serve the workbench on http://$(ADDR)
## (a port of its own: the keys live in the browser's storage for this origin)
serve:
	@echo "make serve: the workbench will be at http://$(ADDR)/ (ADDR=host:port for another)"
	./build.sh serve $(ADDR)

## sandbox: build web/app.wasm and serve the workbench with a local OTT Pay
## sandbox on its origin, on http://$(ADDR) (KEYS=keys.json names the
## merchants; without it a demo keys file is written to .scratch/)
sandbox:
	@keys="$(KEYS)"; if [ -z "$$keys" ]; then mkdir -p .scratch; keys=.scratch/sandbox-keys.json; \
		printf '{"ON00004652":"A8B5FE540E38A5A9"}\n' >"$$keys"; \
		echo "make sandbox: no KEYS=file given: wrote $$keys with the documented sample merchant ON00004652 (sign key A8B5FE540E38A5A9; a demo, not a real key)"; fi; \
	echo "make sandbox: the workbench and the sandbox will be at http://$(ADDR)/ (ADDR=host:port for another)"; \
	./build.sh wasm && exec $(GO) run ./wasm -addr $(ADDR) -sandbox -keys "$$keys"

## build: the command line into bin/ and the browser app into web/
build:
	$(GO) build -o bin/ottpay ./cmd/ottpay
	./build.sh wasm

## static: a static site in dist/ (PREFIX=/name for a sub-path deploy)
static:
	./build.sh static dist $(PREFIX)

## test: every test: vet, native, js/wasm under Node, real Chromium, short fuzz
test: fmt-check mod-check vet test-native test-wasm test-browser fuzz-short

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# go.mod and go.sum say exactly what the code imports: `go mod tidy`
# would change nothing (run it and commit the result if this fails).
mod-check:
	@if ! diff=$$($(GO) mod tidy -diff 2>&1); then \
		echo "go.mod or go.sum is not tidy: run 'go mod tidy' and commit the result:"; echo "$$diff"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(CODEC_PKGS) ./wasm/...

# Packages whose tests drive headless Chromium. They run after the others
# and one at a time, so that a browser never competes with compilers and
# other browsers for this machine's cores.
BROWSER_PKGS := ./e2e/ ./wasm/batch/ui/ ./wasm/jsapi/

test-native:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -E '/(e2e|wasm/batch/ui|wasm/jsapi)$$')
	npm ci --prefix e2e/testdata/axe --no-audit --no-fund  # axe-core, for e2e/axe_test.go
	$(GO) test -count=1 -p 1 $(BROWSER_PKGS)

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(WASM_EXEC)" $(CODEC_PKGS)

test-browser:
	./scripts/test-browser.sh

## fuzz-short: every fuzz target for $(FUZZTIME)
fuzz-short:
	./scripts/fuzz.sh $(FUZZTIME)

## fuzz: every fuzz target for 2 minutes each (longer, by hand)
fuzz:
	./scripts/fuzz.sh 2m

## bench: codec and `ottpay decode` interleaved with the PHP and Node peers
## (BENCHREPS repetitions in rotated order, BENCHTIME s per cell): medians, ratios
bench:
	./scripts/bench.sh $(CORPUS) $(BENCHTIME) $(BENCHREPS)

clean:
	rm -rf bin dist .scratch web/app.wasm web/app.wasm.br web/app.wasm.gz
