// warcio-read.mjs reads archive files as pywb's indexer reads them, with
// webrecorder's warcio.js and nothing more: every record parsed, its HTTP
// head split off and its content decoded (chunking and Content-Encoding
// removed), warcio's warnings (a Content-Length off, a record not followed
// by newlines) allowed. No digest is checked. It prints one JSON line per
// file: the records read, warcio's warnings, and the error that stopped
// it, if any; a file counts as read when no error stopped it and it holds
// a record. Exit status 0 when every file was read.
//
// usage: node warcio-read.mjs FILE...
// The warcio package is found in $WARCIO_NODE_MODULES, or else in
// tools/warcio/node_modules of the repository.
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.WARCIO_NODE_MODULES || resolve(here, "../../tools/warcio/node_modules");
const require = createRequire(join(modules, "noop.js"));
const { WARCParser } = require("warcio");

let warnings = [];
console.warn = (...args) => warnings.push(args.join(" "));

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
  } catch (err) {
    out.error = String(err && err.message ? err.message : err);
  }
  out.warnings = warnings;
  out.read = !out.error;
  if (!out.read) failed++;
  console.log(JSON.stringify(out));
}
process.exit(failed ? 1 : 0);
