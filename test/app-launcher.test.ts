/**
 * bin/run-app.js (cdk.json's app command) runs bin/app.ts from a cached bundle, and the npm scripts'
 * entry points the same way. Here it runs a small app of its own in a throw-away checkout: the bundle
 * must be rebuilt when a source changes, reused while none does, and `__dirname` must still name each
 * source file's own folder.
 */
import { createHash } from 'crypto';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './fixtures/demo-paths';

const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-launcher-'));
const sha8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);
const checkoutCache = path.join(REPO_ROOT, 'node_modules', '.cache', 'iiot-app', sha8(checkout));
/** The bundles of one entry point. */
const entryCache = (entry: string) => path.join(checkoutCache, `${path.basename(entry, '.ts')}-${sha8(path.join(checkout, entry))}`);
const cache = entryCache('bin/app.ts');

beforeAll(() => {
  fs.mkdirSync(path.join(checkout, 'bin'));
  fs.mkdirSync(path.join(checkout, 'lib'));
  for (const file of ['run-app.js', 'compile-cache.js']) fs.copyFileSync(path.join(REPO_ROOT, 'bin', file), path.join(checkout, 'bin', file));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
  // A package import, so that the bundle loads a module through the compile cache.
  fs.writeFileSync(path.join(checkout, 'bin', 'app.ts'), "import { parse } from 'yaml';\nimport { HERE, VALUE } from '../lib/where';\nconsole.log(JSON.stringify({ HERE, VALUE: parse(VALUE) }));\n");
});

afterAll(() => {
  fs.rmSync(checkout, { recursive: true, force: true });
  fs.rmSync(checkoutCache, { recursive: true, force: true });
});

const writeSource = (value: string) => fs.writeFileSync(path.join(checkout, 'lib', 'where.ts'), `export const HERE: string = __dirname;\nexport const VALUE = '${value}';\n`);

function launch() {
  const run = spawnSync(process.execPath, [path.join(checkout, 'bin', 'run-app.js')], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const bundle = path.join(cache, fs.readFileSync(path.join(cache, 'current'), 'utf8'), 'app.js');
  return { output: JSON.parse(run.stdout), bundle, built: fs.statSync(bundle).mtimeMs };
}

test('a changed source is rebuilt, an unchanged one reused, and __dirname names the source folder', () => {
  writeSource('one');
  const first = launch();
  expect(first.output).toEqual({ HERE: path.join(checkout, 'lib'), VALUE: 'one' });
  expect(first.bundle.startsWith(cache)).toBe(true);

  const again = launch();
  expect(again.output).toEqual(first.output);
  expect([again.bundle, again.built]).toEqual([first.bundle, first.built]);

  writeSource('two');
  const changed = launch();
  expect(changed.output).toEqual({ HERE: path.join(checkout, 'lib'), VALUE: 'two' });
  expect(changed.bundle).not.toBe(first.bundle);
  expect(fs.existsSync(first.bundle)).toBe(false);
  expect(fs.statSync(path.join(cache, 'v8-code-cache.bin')).size).toBeGreaterThan(0);
});

test('another entry point runs from its own bundle, with only its own arguments and its own exit code', () => {
  fs.mkdirSync(path.join(checkout, 'scripts'), { recursive: true });
  fs.writeFileSync(
    path.join(checkout, 'scripts', 'tool.ts'),
    "import { VALUE } from '../lib/where';\nconsole.log(JSON.stringify({ args: process.argv.slice(2), script: process.argv[1], VALUE }));\nprocess.exitCode = 3;\n",
  );
  writeSource('three');
  const run = spawnSync(process.execPath, [path.join(checkout, 'bin', 'run-app.js'), 'scripts/tool.ts', '--config', 'x.ts'], { cwd: checkout, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(3);
  expect(JSON.parse(run.stdout)).toEqual({ args: ['--config', 'x.ts'], script: path.join(checkout, 'scripts', 'tool.ts'), VALUE: 'three' });
  expect(fs.readFileSync(path.join(entryCache('scripts/tool.ts'), 'current'), 'utf8')).toMatch(/^[0-9a-f]{16}$/);
  expect(launch().output).toEqual({ HERE: path.join(checkout, 'lib'), VALUE: 'three' });
});
