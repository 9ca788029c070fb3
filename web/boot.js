// boot.js runs first in every page's head, as a plain script (the page's
// Content-Security-Policy allows no inline script). It does five things.
//
// 1. It refuses to run the workbench inside another page's frame. A server
//    says so with frame-ancestors, but a static host may send no headers,
//    and a framed workbench could be overlaid and clicked through
//    (clickjacking) by the page around it. So when the page is framed it
//    stops loading it, before go-app's scripts, and shows only a link that
//    opens the workbench in a tab of its own.
//
// 2. A plain static server answers a deep link /ottpay/keys from the
//    directory keys/ by redirecting to /ottpay/keys/. The app's route is
//    /keys, so the trailing slash is taken off the address (without a
//    reload) before the app reads it.
//
// 3. It starts compiling app.wasm as soon as the page starts loading.
//    go-app's app.js runs deferred, after the page has been parsed, styled
//    and painted; on a first visit that is hundreds of milliseconds after
//    the download of app.wasm began. This script hands the compilation to
//    app.js through window.ottpayWasmModule, a promise of the compiled
//    WebAssembly.Module. app.js falls back to its own fetch if the promise
//    is missing or fails.
//
// 4. It opens the key vault's IndexedDB database (data-vault) at once, so
//    that the browser loads (or, on a first visit, creates) the origin's
//    database storage while app.wasm downloads and compiles, instead of
//    after the app has started. Only a database that does not exist yet is
//    given a layout here: the version and the empty stores the server
//    names (data-vault-version, data-vault-stores, from the vault
//    package's IndexedDBLayout). An older layout is left to the app, which
//    upgrades it and moves what it holds; a newer one fails to open here
//    and the app says so. The app then opens the database through
//    window.ottpayVaultFactory, which hands it this connection instead of
//    opening another (a connection the app has not taken within ten
//    seconds is closed, and one that another window's upgrade closed is
//    not handed over).
//
// 5. It keeps what is typed or pasted into the page before the app has
//    started. The page is drawn from the server's pre-rendering, so it can
//    be used at once; when the app starts, go-app draws the page anew and
//    the pre-rendered fields go. For the fields marked data-early="keep"
//    (the Decode page's text and key), window.ottpayTakeEarlyInput() gives
//    the app, once, the text of each field typed into ({id: value}) and
//    the id of the field that had the focus, so the app can put both back.
(() => {
  const script = document.currentScript;

  let framed = true;
  try {
    framed = window.self !== window.top;
  } catch (e) {
    // A sandboxed or cross-origin parent may refuse even the comparison.
  }
  if (framed) {
    window.stop();
    const link = document.createElement("a");
    link.href = location.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = "Open the OTT Pay workbench in a tab of its own";
    const p = document.createElement("p");
    p.id = "framed";
    p.append(
      "The OTT Pay workbench does not run inside another page, to keep the merchant keys it holds out of that page's reach. ",
      link,
      "."
    );
    const body = document.createElement("body");
    body.append(p);
    document.documentElement.replaceChildren(document.createElement("head"), body);
    window.ottpayFramed = true;
    return;
  }

  const prefix = (script && script.dataset.prefix) || "";
  const path = location.pathname;
  if (path.length > prefix.length + 1 && path.endsWith("/") && path.startsWith(prefix + "/")) {
    history.replaceState(history.state, "", path.replace(/\/+$/, "") + location.search + location.hash);
  }

  const url = script && script.dataset.wasm;
  if (url && WebAssembly.compileStreaming && new URLSearchParams(location.search).get("wasm") !== "false") {
    const module = WebAssembly.compileStreaming(fetch(url));
    // app.js reports a failure (by falling back); keep it out of the console.
    module.catch(() => {});
    window.ottpayWasmModule = module;
  }

  const vault = script && script.dataset.vault;
  if (vault) {
    try {
      const version = Number(script.dataset.vaultVersion);
      const stores = (script.dataset.vaultStores || "").split(" ").filter((s) => s);
      const open = version > 0 ? indexedDB.open(vault, version) : indexedDB.open(vault);
      let closed = false;
      let timer = 0;
      const close = (db) => {
        closed = true;
        db.close();
      };
      let early = new Promise((resolve) => {
        open.onupgradeneeded = (e) => {
          if (e.oldVersion !== 0) {
            // An older layout: the app upgrades it (and moves what it
            // holds) itself. Aborting leaves the database as it was.
            open.transaction.abort();
            return;
          }
          for (const name of stores) {
            open.result.createObjectStore(name);
          }
        };
        open.onsuccess = () => {
          const db = open.result;
          db.onversionchange = () => close(db);
          timer = setTimeout(() => close(db), 10000);
          resolve(db);
        };
        // The app opens the vault itself and says what is wrong, if
        // anything (a newer layout, an older one aborted above, no storage
        // allowed).
        open.onerror = (e) => {
          e.preventDefault();
          resolve(null);
        };
      });
      // The app opens the vault through this stand-in for indexedDB
      // (go-indexeddb calls open and listens to the request): the first
      // open of this database at this version gets the connection opened
      // above, once it is open; any other open, or one that finds that
      // connection failed or closed, is a plain indexedDB.open whose events
      // are passed on.
      window.ottpayVaultFactory = {
        open(name, ver) {
          if (!early || name !== vault || ver !== version) {
            return indexedDB.open(name, ver);
          }
          const pending = early;
          early = null;
          // An event target that reads as an IDBRequest (go-indexeddb
          // checks instanceof), whose fields are its own.
          const req = new EventTarget();
          Object.setPrototypeOf(req, IDBOpenDBRequest.prototype);
          for (const [k, v] of Object.entries({readyState: "pending", result: undefined, error: null, transaction: null, source: null})) {
            Object.defineProperty(req, k, {value: v, writable: true, enumerable: true});
          }
          pending.then((db) => {
            if (db && !closed) {
              clearTimeout(timer);
              db.onversionchange = null; // the app closes it then, itself
              Object.assign(req, {readyState: "done", result: db});
              window.ottpayVaultHandover = "early"; // for the tests
              req.dispatchEvent(new Event("success"));
              return;
            }
            window.ottpayVaultHandover = "opened anew";
            const real = indexedDB.open(name, ver);
            for (const type of ["upgradeneeded", "blocked", "success", "error"]) {
              real.addEventListener(type, (e) => {
                let result;
                try {
                  result = real.result;
                } catch (err) {
                  result = undefined;
                }
                Object.assign(req, {readyState: real.readyState, result: result, error: type === "error" ? real.error : null, transaction: real.transaction});
                const ev = type === "upgradeneeded" || type === "blocked"
                  ? new IDBVersionChangeEvent(type, {oldVersion: e.oldVersion, newVersion: e.newVersion})
                  : new Event(type, {cancelable: true});
                req.dispatchEvent(ev);
                if (ev.defaultPrevented) {
                  e.preventDefault();
                }
              });
            }
          });
          return req;
        },
      };
    } catch (e) {
      // No IndexedDB here (a private window of some browsers): the app
      // finds none either, and says so.
    }
  }

  const typed = {};
  let focused = "";
  const keep = (e) => {
    const el = e.target;
    if (el && el.id && el.dataset && el.dataset.early === "keep") {
      typed[el.id] = el.value;
    }
  };
  const focus = (e) => {
    focused = (e.target && e.target.id) || "";
  };
  document.addEventListener("input", keep, true);
  document.addEventListener("focusin", focus, true);
  window.ottpayTakeEarlyInput = () => {
    document.removeEventListener("input", keep, true);
    document.removeEventListener("focusin", focus, true);
    window.ottpayTakeEarlyInput = () => null;
    return {fields: typed, focused: focused};
  };
})();
