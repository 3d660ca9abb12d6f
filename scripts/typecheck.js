#!/usr/bin/env node
/**
 * `npm run typecheck`: tsc over the repository (tsconfig.json), skipped when nothing it read has
 * changed since its last clean pass. tsc's incremental mode alone still parses and binds every file of
 * the program (about 5,700, 13 s of CPU) before it finds nothing to check; `tsc -b`'s up-to-date test
 * would skip, but it compares only the root files, not the JSON and declaration files they import.
 *
 * The stamp of a clean pass holds the content hash of every file in the program (`--listFiles`),
 * of this script, tsconfig.json and package-lock.json, tsc's version, and the TypeScript files under the folders
 * tsconfig includes (a superset of its root files: a new one may join the program). Any difference,
 * or no stamp, runs tsc. Plain JavaScript, like bin/run-app.js: it runs before any TypeScript can.
 */
const { spawnSync } = require('child_process');
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'tsc');
const STAMP = path.join(CACHE, 'stamp.json');
const TSC = require.resolve('typescript/bin/tsc');
const SOURCE = /\.[cm]?tsx?$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', 'dist']);

const hash = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** TypeScript files under the folders tsconfig includes, sorted. */
function sourceFiles() {
  const { include } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path.join(dir, entry.name));
      } else if (SOURCE.test(entry.name)) found.push(path.join(dir, entry.name));
    }
  };
  include.forEach((folder) => walk(path.join(ROOT, folder)));
  return found.sort();
}

/** What the stamp compares besides the program's files. */
function context() {
  return {
    tsc: require('typescript/package.json').version,
    settings: [__filename, path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'package-lock.json')].map(hash),
    sources: sourceFiles(),
  };
}

function upToDate() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    return JSON.stringify(stamp.context) === JSON.stringify(context()) && Object.entries(stamp.files).every(([file, digest]) => hash(file) === digest);
  } catch {
    return false;
  }
}

if (!upToDate()) {
  fs.mkdirSync(CACHE, { recursive: true });
  const started = Date.now();
  const before = context();
  const run = spawnSync(process.execPath, [TSC, '--noEmit', '--incremental', '--tsBuildInfoFile', path.join(CACHE, 'tsbuildinfo'), '--listFiles', '--pretty', String(Boolean(process.stdout.isTTY))], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.error) throw run.error;
  // --listFiles prints the program's files as absolute paths; everything else is tsc's report.
  const lines = run.stdout.split('\n');
  const listed = new Set(lines.filter((l) => path.isAbsolute(l) && fs.existsSync(l)));
  const report = lines.filter((l) => !listed.has(l)).join('\n').trim();
  if (report) process.stdout.write(`${report}\n`);
  process.stderr.write(run.stderr);
  if (run.status !== 0) process.exit(run.status ?? 1);
  // Written only if no file changed while tsc ran; otherwise the next run checks again.
  const unchanged = [...listed].every((f) => fs.statSync(f).mtimeMs < started) && JSON.stringify(before) === JSON.stringify(context());
  if (unchanged) fs.writeFileSync(STAMP, JSON.stringify({ context: before, files: Object.fromEntries([...listed].map((f) => [f, hash(f)])) }));
}
