#!/usr/bin/env node
/* global __dirname, console */
/**
 * Repairs postgres.js 3.4.9 (run by `npm ci` / `npm install` as the root `postinstall`; idempotent).
 *
 * The driver defers small writes to a `setImmediate`. When a connection closes under a transaction
 * (a terminated backend, a restart, a network cut), the in-flight query is rejected and `sql.begin()`
 * sends its automatic ROLLBACK on the same connection; that write fires after the socket is gone and
 * throws `TypeError: Cannot read properties of null (reading 'write')` from the immediate queue —
 * outside every promise, so the whole process crashes (porsager/postgres#1154, #1208; no fixed
 * release yet). The close also leaves the deferred-write timer set, so the connection, once
 * reconnected, never flushes again and its queries hang.
 *
 * The repair, in the ESM, CommonJS and Cloudflare builds alike:
 *  - a write whose socket has closed drops its bytes and rejects what waits on the connection
 *    (CONNECTION_CLOSED) instead of dereferencing the missing socket;
 *  - a closed or terminated connection forgets its pending bytes and timer, and the closed session's
 *    query and error, so a new socket starts clean (else the first query after reconnecting fails
 *    with the old session's error, and `sql.end()` waits for ever);
 *  - a transaction whose connection closed rejects its further statements (the ROLLBACK among them)
 *    at once, never sending them on the connection after it has been reconnected for someone else;
 *  - a connection lost while it reads the array types (right after connecting) no longer leaves that
 *    query's rejection unhandled, which also ended the process.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const MARK = 'vartija: closed-socket repair';
const EXPECTED_VERSION = '3.4.9';

const CONNECTION = [
  [
    '    const x = socket.write(chunk, fn)\n',
    `    if (!socket) return closedWrite() // ${MARK}\n    const x = socket.write(chunk, fn)\n`,
  ],
  [
    '  function connectTimedOut() {\n',
    `  // ${MARK}: the socket closed while this write waited for its turn. Its bytes are moot; whatever
  // waits for an answer on this connection is rejected instead of the process crashing.
  function closedWrite() {
    nextWriteTimer !== null && clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
    error(Errors.connection('CONNECTION_CLOSED', options))
    return false
  }

  function connectTimedOut() {\n`,
  ],
  [
    '    incomings = null\n    clearImmediate(nextWriteTimer)\n',
    `    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}: the next socket starts clean\n`,
  ],
  [
    "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
    `    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
    // ${MARK}: all settled; the next session must not take the dead one's query or its FATAL error
    // (which would fail the first query after reconnecting, and keep end() waiting for ever).
    query = results = errorResponse = null
    result = new Result()\n`,
  ],
  [
    '        return fetchArrayTypes()\n',
    `        // ${MARK}: a connection lost while it reads the array types has already rejected the query
        // waiting for it; the types query's own rejection must not go unhandled (which ends the process).
        return fetchArrayTypes().catch(() => undefined)\n`,
  ],
  [
    '    clearImmediate(nextWriteTimer)\n    if (socket) {\n',
    `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}\n    if (socket) {\n`,
  ],
];

const INDEX = [
  ['      , connection\n      , prepare = null\n', `      , connection\n      , closedWith = null // ${MARK}\n      , prepare = null\n`],
  [
    '        new Promise((_, reject) => connection.onclose = reject)\n',
    `        new Promise((_, reject) => connection.onclose = e => { // ${MARK}
          closedWith = e
          while (queries.length) queries.shift().reject(e)
          reject(e)
        })\n`,
  ],
  [
    '        q.catch(e => uncaughtError || (uncaughtError = e))\n',
    `        q.catch(e => uncaughtError || (uncaughtError = e))\n        if (closedWith) return q.reject(closedWith) // ${MARK}\n`,
  ],
];

/** Applies each replacement not applied yet (so that a repair added later reaches an installed copy). */
function patchFile(file, replacements) {
  const text = readFileSync(file, 'utf8');
  let patched = text;
  for (const [from, to] of replacements) {
    if (patched.includes(to)) continue;
    const at = patched.indexOf(from);
    if (at < 0 || patched.indexOf(from, at + 1) >= 0) throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
    patched = patched.slice(0, at) + to + patched.slice(at + from.length);
  }
  if (patched === text) return false;
  writeFileSync(file, patched);
  return true;
}

/** The postgres package's directory as this repository resolves it (its exports hide package.json). */
function postgresDir() {
  // .../postgres/cjs/src/index.js
  return path.resolve(path.dirname(require.resolve('postgres', { paths: [path.join(__dirname, '..')] })), '..', '..');
}

function main() {
  let dir;
  try {
    dir = postgresDir();
  } catch {
    return console.log('patch-postgres: postgres is not installed; nothing to repair');
  }
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (version !== EXPECTED_VERSION) {
    return console.warn(`patch-postgres: postgres ${version} is not ${EXPECTED_VERSION}; check whether porsager/postgres#1208 is fixed in it, then update or remove drizzle/scripts/patch-postgres.cjs`);
  }
  let changed = 0;
  for (const build of ['src', 'cjs/src', 'cf/src']) {
    if (patchFile(path.join(dir, build, 'connection.js'), CONNECTION)) changed += 1;
    if (patchFile(path.join(dir, build, 'index.js'), INDEX)) changed += 1;
  }
  console.log(changed ? `patch-postgres: repaired postgres ${version} (${changed} files): a lost connection no longer crashes the process` : `patch-postgres: postgres ${version} already repaired`);
}

module.exports = { MARK };
if (require.main === module) main();
