/**
 * bin/compile-cache.js serves package modules with V8 bytecode from earlier runs. Here a small
 * package in a throw-away node_modules is loaded by a separate Node process with and without the
 * cache: what the module sees (exports, require, __dirname, `this`) and the stack frames it throws
 * from must be Node's own, and a changed file must never run from stale bytecode (V8 itself would
 * accept bytecode made from a different source of the same length).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './fixtures/demo-platform';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-compile-cache-'));
const pkg = path.join(dir, 'node_modules', 'sample');
const cacheFile = path.join(dir, 'cache', 'code.bin');
const runner = path.join(dir, 'runner.js');

const writePackage = (value: string) =>
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    // Line 1 throws: the wrapper the cache compiles a module in must not shift its columns.
    "exports.fail = () => { throw new Error('boom'); };\n" +
      `exports.value = '${value}';\n` +
      'exports.where = { dir: __dirname, file: __filename, self: this === exports, main: require.main === process.mainModule };\n' +
      "exports.helper = { name: require('./helper').name, resolved: require.resolve('./helper') };\n",
  );

beforeAll(() => {
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'helper.js'), "exports.name = 'helper';\n");
  writePackage('AAAA');
  fs.writeFileSync(
    runner,
    [
      'const [cacheModule, cacheFile, pkg] = process.argv.slice(2);',
      "if (cacheFile !== '-') require(cacheModule).enableCompileCache(cacheFile);",
      'const m = require(pkg);',
      'let frame;',
      "try { m.fail(); } catch (e) { frame = e.stack.split('\\n')[1]; }",
      'console.log(JSON.stringify({ value: m.value, where: m.where, helper: m.helper, frame }));',
    ].join('\n'),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function load(cache: string) {
  const run = spawnSync(process.execPath, [runner, path.join(REPO_ROOT, 'bin', 'compile-cache.js'), cache, pkg], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

const cacheKeys = () => JSON.parse(fs.readFileSync(cacheFile, 'utf8').split('\n')[0]).map(([key]: [string]) => key.split('\0')[0]);

test('a package module behaves as under Node, is served from the cache, and is recompiled when it changes', () => {
  const plain = load('-');
  expect(plain.frame).toMatch(/index\.js:1:30\)$/);

  expect(load(cacheFile)).toEqual(plain);
  expect(cacheKeys().sort()).toEqual([path.join(pkg, 'helper.js'), path.join(pkg, 'index.js')]);
  const written = fs.statSync(cacheFile).mtimeMs;

  // Every entry accepted: nothing compiled anew, so the cache is not written again.
  expect(load(cacheFile)).toEqual(plain);
  expect(fs.statSync(cacheFile).mtimeMs).toBe(written);

  writePackage('BBBB');
  expect(load(cacheFile)).toEqual({ ...plain, value: 'BBBB' });
  expect(fs.statSync(cacheFile).mtimeMs).not.toBe(written);
  expect(cacheKeys().sort()).toEqual([path.join(pkg, 'helper.js'), path.join(pkg, 'index.js')]); // the old bytecode is gone
});

test('an unreadable cache file only costs a fresh compile', () => {
  fs.writeFileSync(cacheFile, 'not a cache');
  expect(load(cacheFile).value).toBe('BBBB');
  expect(cacheKeys()).toHaveLength(2);
});
