// warcio-read.mjs reads archive files as pywb's indexer reads them, with
// webrecorder's warcio.js and nothing more: every record parsed, its HTTP
// head split off and its content decoded (chunking and Content-Encoding
// removed), warcio's warnings (a Content-Length off, a record not followed
// by newlines) allowed. No digest stops it. It prints one JSON line per
// file: the records read, the captures among them, warcio's warnings, the
// error that stopped it, if any, and, from a second pass over the raw
// blocks, how many records' blocks do not match their WARC-Block-Digest
// (as warcio reads them: a Content-Length off gives a wrong block); a file
// counts as read when no error stopped it and it holds a WARC record, and
// as read whole when, besides, every block matches its digest. Exit status
// 0 when every file was read.
//
// usage: node warcio-read.mjs FILE...
// The warcio package is found in $WARCIO_NODE_MODULES, or else in
// tools/warcio/node_modules of the repository.
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.WARCIO_NODE_MODULES || resolve(here, "../../tools/warcio/node_modules");
const require = createRequire(join(modules, "noop.js"));
const { WARCParser } = require("warcio");

let warnings = [];
console.warn = (...args) => warnings.push(args.join(" "));

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(buf) {
  let bits = 0, value = 0, s = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      s += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) s += B32[(value << (5 - bits)) & 31];
  while (s.length % 8) s += "=";
  return s;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  warnings = [];
  const out = { file: basename(file), records: 0, captures: 0 };
  try {
    for await (const record of new WARCParser(createReadStream(file))) {
      await record.readFully(true);
      if (!record.warcType) continue; // not a WARC record: warcio.js reads no ARC
      out.records++;
      if (["response", "revisit", "resource"].includes(record.warcType)) out.captures++;
    }
    if (out.records === 0) out.error = "no WARC records";
    out.digest_mismatches = 0;
    for await (const record of new WARCParser(createReadStream(file), { parseHttp: false })) {
      const block = await record.readFully(false);
      const want = record.warcBlockDigest;
      if (!record.warcType || !want || !want.toLowerCase().startsWith("sha1:")) continue;
      if (base32(createHash("sha1").update(block).digest()) !== want.slice(5).toUpperCase()) out.digest_mismatches++;
    }
  } catch (err) {
    out.error = String(err && err.message ? err.message : err);
  }
  out.warnings = warnings;
  out.read = !out.error;
  out.read_whole = out.read && out.digest_mismatches === 0;
  if (!out.read) failed++;
  console.log(JSON.stringify(out));
}
process.exitCode = failed ? 1 : 0; // not process.exit(): it cuts stdout written to a pipe short
