#!/usr/bin/env node
/**
 * Runs bin/app.ts the way `cdk.json` asks for it: as one CommonJS bundle of this repository's code
 * (packages stay external), built by esbuild and kept in node_modules/.cache with the hash of every
 * file it was built from. A bundle is reused only while all of them are unchanged, so it is what a
 * fresh build gives; that spares each synth the per-file transpiling and resolving of a TypeScript
 * loader. Plain JavaScript because it is what starts before any TypeScript can.
 *
 * `node bin/run-app.js <file.ts> [args]` runs another entry point the same way (the npm scripts'
 * CLIs), with `[args]` as its own arguments; each entry point keeps its own bundle.
 */
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.join(__dirname, '..');
const ENTRY = /\.ts$/.test(process.argv[2] ?? '') ? path.resolve(process.argv.splice(2, 1)[0]) : path.join(__dirname, 'app.ts');
// node_modules may be shared by several checkouts: each keeps its own bundles, one folder per entry point.
const CACHE = path.join(REPO_ROOT, 'node_modules', '.cache', 'iiot-app', sha256(REPO_ROOT).slice(0, 8), `${path.basename(ENTRY, '.ts')}-${sha256(ENTRY).slice(0, 8)}`);
/** Names the folder of the newest bundle; replaced atomically, so a concurrent synth reads a whole one. */
const CURRENT = path.join(CACHE, 'current');

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** The newest bundle, when every file it was built from (this launcher too) is unchanged. */
function reusable() {
  try {
    const dir = path.join(CACHE, fs.readFileSync(CURRENT, 'utf8'));
    const inputs = JSON.parse(fs.readFileSync(path.join(dir, 'inputs.json'), 'utf8'));
    return Object.entries(inputs).every(([file, hash]) => sha256(fs.readFileSync(file)) === hash) ? path.join(dir, 'app.js') : undefined;
  } catch {
    return undefined;
  }
}

async function build() {
  const esbuild = require('esbuild');
  fs.mkdirSync(CACHE, { recursive: true });
  const staging = fs.mkdtempSync(path.join(CACHE, 'build-'));
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile: path.join(staging, 'app.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    // The bundle's first statement: packages it loads compile with cached bytecode. It runs there,
    // not here, so no frame of the cache's loader lies under the app's code in construct stack traces.
    banner: { js: `require(${JSON.stringify(path.join(__dirname, 'compile-cache.js'))}).enableCompileCache(${JSON.stringify(path.join(CACHE, 'v8-code-cache.bin'))});` },
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceDirname],
  });
  const files = [...Object.keys(result.metafile.inputs).map((f) => path.resolve(f)), __filename].sort();
  const inputs = JSON.stringify(Object.fromEntries(files.map((f) => [f, sha256(fs.readFileSync(f))])), null, 1);
  fs.writeFileSync(path.join(staging, 'inputs.json'), inputs);
  const name = sha256(inputs).slice(0, 16);
  try {
    fs.renameSync(staging, path.join(CACHE, name));
  } catch {
    fs.rmSync(staging, { recursive: true, force: true }); // a concurrent synth built the same first
  }
  fs.writeFileSync(`${CURRENT}.${process.pid}`, name);
  fs.renameSync(`${CURRENT}.${process.pid}`, CURRENT);
  // Earlier bundles go; a synth still holding one has read it already, or finds it gone and rebuilds.
  for (const old of fs.readdirSync(CACHE)) if (/^[0-9a-f]{16}$/.test(old) && old !== name) fs.rmSync(path.join(CACHE, old), { recursive: true, force: true });
  return path.join(CACHE, name, 'app.js');
}

/** `__dirname` in a source file keeps naming that file's folder (it locates Lambda sources and Rego files). */
const sourceDirname = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: fs.readFileSync(args.path, 'utf8').replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))),
      loader: 'ts',
    }));
  },
};

(async () => {
  const bundle = reusable() ?? (await build());
  process.setSourceMapsEnabled(true);
  process.argv[1] = ENTRY;
  require(bundle);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
