#!/usr/bin/env node
// A CouchDB-compatible server for the benchmark: express-pouchdb over PouchDB 9 with the
// leveldb adapter, each database a LevelDB folder under --dir.
//
//   node server.js --dir DATA_DIR [--port 0] [--host 127.0.0.1]
//
// Prints one JSON line {"listening": PORT} when it accepts connections (port 0: the system
// picks a free one), and stops on SIGTERM or SIGINT.
"use strict";

const fs = require("fs");
const path = require("path");
const express = require("express");
const PouchDB = require("pouchdb");
const expressPouchDB = require("express-pouchdb");

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--")) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

const opts = args(process.argv.slice(2));
if (!opts.dir) {
  console.error("usage: node server.js --dir DATA_DIR [--port 0] [--host 127.0.0.1]");
  process.exit(2);
}
const dir = path.resolve(opts.dir);
fs.mkdirSync(dir, { recursive: true });

// Databases live in DATA_DIR (leveldb, on disk, as a CouchDB-compatible server keeps them).
const ServerPouch = PouchDB.defaults({ prefix: dir + path.sep });
const app = express();
// "minimumForPouchDB": the routes PouchDB's replication uses (changes, bulk_get,
// revs_diff, bulk_docs, …), without Fauxton, the config file or the log file.
app.use("/", expressPouchDB(ServerPouch, { mode: "minimumForPouchDB" }));

const server = app.listen(Number(opts.port || 0), opts.host || "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ listening: server.address().port }) + "\n");
});
server.keepAliveTimeout = 60000;

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
