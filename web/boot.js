// boot.js starts compiling app.wasm as soon as the page starts loading.
//
// go-app's app.js runs deferred, after the page has been parsed, styled and
// painted; on a first visit that is hundreds of milliseconds after the
// download of app.wasm began. This script runs as soon as it arrives and
// hands the compilation to app.js through window.ottpayWasmModule, a
// promise of the compiled WebAssembly.Module. app.js falls back to its own
// fetch if the promise is missing or fails.
(() => {
  const script = document.currentScript;
  const url = script && script.dataset.wasm;
  if (!url || !WebAssembly.compileStreaming) {
    return;
  }
  if (new URLSearchParams(location.search).get("wasm") === "false") {
    return;
  }
  const module = WebAssembly.compileStreaming(fetch(url));
  // app.js reports a failure (by falling back); keep it out of the console.
  module.catch(() => {});
  window.ottpayWasmModule = module;
})();
