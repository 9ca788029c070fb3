// Expectations of the node peers of the peer table (peers.md), computed by
// node from the code shapes of those peers:
//   node gen.peers.js > expect.peers.js.json
// jsdot0: row 8 (lib/ottpay.ts): Object.keys().sort(), `${n}.0` for every
//         number, String(b), null as "", nested values as JSON.stringify(v).
// jsjoin: row 7, the encode path: Object.keys().sort(), values joined with
//         Array.join (String(n), [object Object], arrays comma-joined),
//         null as "" (via ?? "").
'use strict';
const crypto = require('crypto');
const cases = require('./peers.json');
const md5 = (s) => crypto.createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const out = {};
for (const c of cases) {
  const o = JSON.parse(c.json);
  const keys = Object.keys(o).sort();
  let dot0 = '';
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number') dot0 += `${v}.0`;
    else if (v === null || v === undefined) dot0 += '';
    else if (typeof v === 'object') dot0 += JSON.stringify(v);
    else dot0 += String(v);
  }
  const join = keys.map((k) => o[k] ?? '').join('');
  out[c.name] = { jsdot0: { input: dot0, md5: md5(dot0) }, jsjoin: { input: join, md5: md5(join) } };
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
