// Expectations of the js and cryptojs rules, computed by node:
//   node gen.js > expect.js.json
// js:       Object.keys().sort(), String(v), null as "", nested values as
//           JSON.stringify(v) (the verifying TypeScript peers).
// cryptojs: Object.keys().sort(), s += v with String(n) + ".0" for every
//           number (the crypto-js TypeScript peer).
'use strict';
const crypto = require('crypto');
const cases = require('./cases.json');
const md5 = (s) => crypto.createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const out = {};
for (const c of cases) {
  const o = JSON.parse(c.json);
  let js = '', cj = '';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    js += v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    cj += typeof v === 'number' ? v + '.0' : v;
  }
  out[c.name] = { js: { input: js, md5: md5(js) }, cryptojs: { input: cj, md5: md5(cj) } };
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
