// warcio-check.mjs reads WARC files with webrecorder's warcio.js, an
// independent reader, and checks every record: it reads each record's block
// and recomputes its WARC-Block-Digest, reads the HTTP payload warcio
// separates from the block and recomputes the WARC-Payload-Digest, then
// reads the content warcio decodes (chunking and Content-Encoding removed).
// Every revisit record must lead to its original among the files given: the
// record WARC-Refers-To names (or, without it, the response at its
// WARC-Refers-To-Target-URI and WARC-Refers-To-Date), a response whose
// target URI, date and payload digest are those the revisit states, with a
// known revisit profile. Give every file of an archive at once, since a
// recrawl's revisits stand on records of earlier files.
// It prints one JSON line per record and exits non-zero on any error.
//
// usage: node warcio-check.mjs FILE...
// The warcio package is found in $WARCIO_NODE_MODULES, or else in
// tools/warcio/node_modules of the repository.
import { createReadStream, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.WARCIO_NODE_MODULES || resolve(here, "../../tools/warcio/node_modules");
const require = createRequire(join(modules, "noop.js"));
const { WARCParser, AsyncIterReader } = require("warcio");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node warcio-check.mjs FILE...");
  process.exit(2);
}

const problems = [];
// warcio reports a wrong Content-Length only as a console warning.
console.warn = (...args) => problems.push("warcio warning: " + args.join(" "));

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(buf) {
  let bits = 0, value = 0, out = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}
const sha1 = (buf) => "sha1:" + base32(createHash("sha1").update(buf).digest());
const sha1hex = (buf) => createHash("sha1").update(buf).digest("hex");

// Pass 1: whole blocks, no HTTP parsing: block digests and offsets.
async function blocks(file) {
  const out = [];
  const parser = new WARCParser(createReadStream(file), { parseHttp: false });
  for await (const record of parser) {
    const block = await record.readFully(false);
    out.push({
      file,
      offset: parser.offset,
      type: record.warcType,
      id: record.warcHeader("WARC-Record-ID"),
      uri: record.warcTargetURI || "",
      date: record.warcDate,
      profile: record.warcHeader("WARC-Profile") || "",
      refers_to: record.warcHeader("WARC-Refers-To") || "",
      refers_to_uri: record.warcRefersToTargetURI || "",
      refers_to_date: record.warcRefersToDate || "",
      warc_content_length: record.warcContentLength,
      block_length: block.length,
      block_digest: record.warcBlockDigest || "",
      block_sha1: sha1(block),
    });
  }
  return out;
}

// Pass 2: warcio's own HTTP parsing: payload digests and decoded content.
async function payloads(file) {
  const out = [];
  const parser = new WARCParser(createReadStream(file));
  for await (const record of parser) {
    const r = { payload_digest: record.warcPayloadDigest || "" };
    if (record.httpHeaders) {
      const raw = await record.readFully(false);
      const headers = record.httpHeaders.headers;
      let payload = raw;
      if ((headers.get("transfer-encoding") || "").includes("chunked")) {
        payload = await new AsyncIterReader([raw], null, true).readFully();
      }
      r.status = record.httpHeaders.statusCode || 0;
      r.http_content_type = headers.get("content-type") || "";
      r.payload_length = payload.length;
      r.payload_sha1 = sha1(payload);
      const content = await record.readFully(true);
      r.content_length = content.length;
      r.content_sha1_hex = sha1hex(content);
    }
    out.push(r);
  }
  return out;
}

// warcio (pako) passes over a truncated or corrupt last gzip member without
// a word, so the whole file is also gunzipped by node's zlib, which does not.
function gunzipWhole(file) {
  const data = readFileSync(file);
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) return;
  try {
    gunzipSync(data);
  } catch (err) {
    problems.push("gzip: " + err.message);
  }
}

const profiles = new Set([
  "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
  "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
  "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
  "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
]);

// original returns the record a revisit stands on, or a reason it has none.
function original(rec, byID, all) {
  if (rec.refers_to) {
    const o = byID.get(rec.refers_to);
    return o ? { o } : { why: `WARC-Refers-To ${rec.refers_to} names no record of the files given` };
  }
  const uri = rec.refers_to_uri || rec.uri;
  const o = all.find((r) => r.type === "response" && r.uri === uri &&
    (rec.refers_to_date ? r.date === rec.refers_to_date : r.payload_digest === rec.payload_digest));
  return o ? { o } : { why: `no response of ${uri} for it in the files given` };
}

// checkRevisit returns what is wrong with a revisit record, or null.
function checkRevisit(rec, byID, all) {
  if (!profiles.has(rec.profile)) return `unknown WARC-Profile ${JSON.stringify(rec.profile)}`;
  const { o, why } = original(rec, byID, all);
  if (!o) return why;
  if (o.type !== "response") return `stands on a ${o.type} record, want a response`;
  if (rec.refers_to_uri && o.uri !== rec.refers_to_uri) return `WARC-Refers-To-Target-URI ${rec.refers_to_uri}, original is of ${o.uri}`;
  if (rec.refers_to_date && o.date !== rec.refers_to_date) return `WARC-Refers-To-Date ${rec.refers_to_date}, original dated ${o.date}`;
  // The original's payload: as its WARC-Payload-Digest states, or as
  // computed when it states none.
  const payload = o.payload_digest || o.payload_sha1;
  if (rec.payload_digest && payload !== rec.payload_digest) return `WARC-Payload-Digest ${rec.payload_digest}, original's payload ${payload}`;
  return null;
}

const all = [];
for (const file of files) {
  try {
    gunzipWhole(file);
    const a = await blocks(file);
    const b = await payloads(file);
    if (a.length === 0) problems.push(`${file}: no records`);
    if (a.length !== b.length) problems.push(`${file}: pass 1 read ${a.length} records, pass 2 read ${b.length}`);
    for (let i = 0; i < a.length; i++) all.push({ ...a[i], ...(b[i] || {}), index: i });
  } catch (err) {
    problems.push(`${file}: warcio: ` + (err && err.stack ? err.stack : String(err)));
  }
}
const byID = new Map(all.map((r) => [r.id, r]));
for (const rec of all) {
  const where = `${rec.file} record ${rec.index} (${rec.type} at offset ${rec.offset})`;
  if (rec.block_length !== rec.warc_content_length) {
    problems.push(`${where}: block of ${rec.block_length} bytes, Content-Length ${rec.warc_content_length}`);
  }
  // A record without a WARC-Block-Digest is not checked (block_ok null).
  rec.block_ok = rec.block_digest ? rec.block_digest === rec.block_sha1 : null;
  if (rec.block_ok === false) problems.push(`${where}: WARC-Block-Digest ${rec.block_digest}, computed ${rec.block_sha1}`);
  if (rec.payload_sha1 !== undefined && rec.payload_digest && rec.type !== "revisit") {
    rec.payload_ok = rec.payload_digest === rec.payload_sha1;
    if (!rec.payload_ok) problems.push(`${where}: WARC-Payload-Digest ${rec.payload_digest}, computed ${rec.payload_sha1}`);
  }
  if (rec.type === "revisit") {
    const wrong = checkRevisit(rec, byID, all);
    rec.refers_ok = wrong === null;
    if (wrong) problems.push(`${where}: revisit: ${wrong}`);
  }
  delete rec.index;
  console.log(JSON.stringify(rec));
}
for (const p of problems) console.error(p);
process.exitCode = problems.length ? 1 : 0; // not process.exit(): it cuts stdout written to a pipe short
