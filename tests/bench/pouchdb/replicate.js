#!/usr/bin/env node
// PouchDB 9 side of the first-sync benchmark (issue 17). Each mode prints one JSON line.
//
//   node replicate.js load --db URL_OR_DIR --file docs.jsonl [--chunk 1000]
//       bulk-load the documents of a JSON-lines file into a database (a server's, by URL,
//       or a local leveldb folder); set-up, not part of any measured figure.
//   node replicate.js pull --url URL --local DIR [--batch-size 100] [--server-pid PID]
//       a new, empty local database on disk (leveldb) replicates everything from URL:
//       timed around db.replicate.from().
//   node replicate.js push --file docs.jsonl --local DIR --url URL [--batch-size 100]
//                          [--server-pid PID]
//       a local database on disk holding the documents (loaded first, untimed) replicates
//       to URL, an empty database on the server: timed around db.replicate.to().
//
// --batch-size is PouchDB's replication batch_size (its default is 100); batches_limit
// stays at its default (10). With --server-pid the answer also tells the CPU seconds the
// server process used while the clock ran (Linux /proc), beside this process's own.
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");
const PouchDB = require("pouchdb");

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--")) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function open(where) {
  // A URL: the server's database (http adapter); else a leveldb folder on disk.
  return /^https?:\/\//.test(where) ? new PouchDB(where) : new PouchDB(path.resolve(where));
}

async function load(db, file, chunk) {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let batch = [];
  let written = 0;
  let bytes = 0;
  const flush = async () => {
    const results = await db.bulkDocs(batch);
    const bad = results.filter((r) => r.error);
    if (bad.length) throw new Error(`bulkDocs refused ${bad.length}: ${JSON.stringify(bad[0])}`);
    written += batch.length;
    batch = [];
  };
  for await (const line of lines) {
    if (!line.trim()) continue;
    bytes += Buffer.byteLength(line);
    batch.push(JSON.parse(line));
    if (batch.length >= chunk) await flush();
  }
  if (batch.length) await flush();
  return { written, bytes };
}

function seconds(started) {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

// CPU seconds used so far by the process ``pid`` (Linux /proc; clock ticks of 1/100 s),
// null when unknown.
function cpuOf(pid) {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch (err) {
    return null;
  }
}

// Runs ``work`` on the clock: wall seconds, this process's CPU seconds and the server's.
async function timed(serverPid, work) {
  const serverBefore = cpuOf(serverPid);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await work();
  const took = seconds(started);
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = cpuOf(serverPid);
  return {
    result, seconds: took, cpu_seconds: (cpu.user + cpu.system) / 1e6,
    server_cpu_seconds: serverBefore === null || serverAfter === null
      ? null : serverAfter - serverBefore,
  };
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  const opts = args(rest);
  const batchSize = Number(opts["batch-size"] || 100);
  const serverPid = Number(opts["server-pid"] || 0); // to report the server's CPU time too
  const out = { mode };

  if (mode === "load") {
    const db = open(opts.db);
    await db.info();
    const started = process.hrtime.bigint();
    const { written, bytes } = await load(db, opts.file, Number(opts.chunk || 1000));
    Object.assign(out, { seconds: seconds(started), docs: written, bytes,
                         doc_count: (await db.info()).doc_count });
    await db.close();
  } else if (mode === "pull") {
    if (fs.existsSync(opts.local)) throw new Error(`${opts.local} exists: pull needs a new database`);
    const local = open(opts.local);
    const remote = open(opts.url);
    await local.info(); // both opened (leveldb folder made, server reached) before the clock
    const before = await remote.info();
    const { result, ...clock } = await timed(
      serverPid, () => local.replicate.from(remote, { batch_size: batchSize }));
    Object.assign(out, { ...clock, batch_size: batchSize, ok: result.ok,
                         docs_read: result.docs_read, docs_written: result.docs_written,
                         doc_count: (await local.info()).doc_count,
                         server_doc_count: before.doc_count });
    await local.close();
    await remote.close();
  } else if (mode === "push") {
    if (fs.existsSync(opts.local)) throw new Error(`${opts.local} exists: push loads a new database`);
    const local = open(opts.local);
    const loaded = await load(local, opts.file, Number(opts.chunk || 1000)); // untimed
    const remote = open(opts.url);
    const before = await remote.info(); // creates the server's (empty) database
    if (before.doc_count !== 0) throw new Error(`${opts.url} is not empty`);
    const { result, ...clock } = await timed(
      serverPid, () => local.replicate.to(remote, { batch_size: batchSize }));
    Object.assign(out, { ...clock, batch_size: batchSize, ok: result.ok,
                         docs_read: result.docs_read, docs_written: result.docs_written,
                         local_doc_count: loaded.written,
                         doc_count: (await remote.info()).doc_count });
    await local.close();
    await remote.close();
  } else {
    throw new Error("mode: load, pull or push");
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
