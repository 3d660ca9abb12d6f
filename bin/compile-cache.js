/**
 * V8 code cache for the packages a synth loads (aws-cdk-lib alone is several hundred modules). Node 20
 * has no `module.enableCompileCache()` (22.1+), so this compiles each package module as Node's
 * loader would, but through `vm.Script` with the bytecode V8 produced for it on an earlier run.
 * Entries are keyed by file name and content hash, and V8 rejects bytecode made by another V8 version
 * or flags, so a changed or reinstalled package is compiled afresh. The cache is written when the
 * process exits after a run that compiled anything anew; it then also holds the functions that run
 * compiled lazily. This repository's bundle is left to Node: its source map must stay registered.
 */
const { createHash } = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';

/** Serves `Module.prototype._compile` for files under node_modules from the cache in `file`. */
function enableCompileCache(file) {
  /** key -> cached bytecode, read at the first package compile. */
  let stored;
  /** key -> script compiled this run. */
  const compiled = new Map();
  let changed = false;
  const originalCompile = Module.prototype._compile;

  Module.prototype._compile = function compileCached(content, filename, format) {
    if (format === 'module' || !filename.includes(`${path.sep}node_modules${path.sep}`)) return originalCompile.apply(this, arguments);
    stored ??= read(file);
    const key = `${filename}\0${createHash('sha1').update(content).digest('base64')}`;
    const cachedData = stored.get(key);
    let script;
    try {
      script = new vm.Script(WRAPPER + content + '\n})', { filename, columnOffset: -WRAPPER.length, cachedData });
    } catch {
      return originalCompile.apply(this, arguments); // not plain CommonJS: Node's loader knows what to do
    }
    if (cachedData === undefined || script.cachedDataRejected) changed = true;
    compiled.set(key, script);
    const wrapper = script.runInThisContext({ displayErrors: true });
    return Reflect.apply(wrapper, this.exports, [this.exports, requireFor(this), this, filename, path.dirname(filename)]);
  };

  process.once('exit', () => {
    if (!changed) return;
    const recompiled = new Set([...compiled.keys()].map((key) => key.split('\0')[0]));
    for (const key of stored.keys()) if (recompiled.has(key.split('\0')[0])) stored.delete(key); // earlier contents of a file
    for (const [key, script] of compiled) stored.set(key, script.createCachedData());
    write(file, stored);
  });
}

/** The `require` Node's loader gives a module (module.require plus its resolve, cache and main). */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** The cache file: a JSON index line (key and byte length per entry), then the entries' bytes. */
function read(file) {
  const entries = new Map();
  try {
    const blob = fs.readFileSync(file);
    const end = blob.indexOf(10);
    let offset = end + 1;
    for (const [key, length] of JSON.parse(blob.subarray(0, end).toString('utf8'))) {
      entries.set(key, blob.subarray(offset, offset + length));
      offset += length;
    }
  } catch {
    entries.clear(); // absent or unreadable: compiled afresh and written anew
  }
  return entries;
}

function write(file, entries) {
  const index = Buffer.from(`${JSON.stringify([...entries].map(([key, data]) => [key, data.length]))}\n`);
  const temp = `${file}.${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, Buffer.concat([index, ...entries.values()]));
    fs.renameSync(temp, file); // atomic: a concurrent synth reads a whole cache or none
  } catch {
    fs.rmSync(temp, { force: true }); // a cache that cannot be written only costs the next run time
  }
}

module.exports = { enableCompileCache };
