/**
 * scripts/typecheck.js (`npm run typecheck`) skips tsc when nothing tsc read has changed since its
 * last clean pass. A wrong skip would let a type error through, so here it runs on a small project of
 * its own (its own node_modules/.cache, typescript linked in): an error fails it, a clean pass is
 * skipped next time, and an edited file or a new file under an included folder runs tsc again.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './fixtures/demo-paths';

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-typecheck-'));
const buildInfo = path.join(project, 'node_modules', '.cache', 'tsc', 'tsbuildinfo');
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
};

beforeAll(() => {
  write('scripts/typecheck.js', fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'typecheck.js'), 'utf8'));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'typescript'), path.join(project, 'node_modules', 'typescript'));
  write('package-lock.json', '{}');
  write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, noEmit: true, lib: ['es5'], types: [], skipLibCheck: true }, include: ['src'] }));
  write('src/a.ts', "import { b } from './b';\nexport const a: number = b;\n");
  write('src/b.ts', 'export const b = 1;\n');
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

/** One run; `ranTsc` tells whether tsc wrote its build info (it does on every run it makes). */
function typecheck() {
  fs.rmSync(buildInfo, { force: true });
  const run = spawnSync(process.execPath, [path.join(project, 'scripts', 'typecheck.js')], { cwd: project, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr, ranTsc: fs.existsSync(buildInfo) };
}

test('a clean pass is skipped next time; an edited import or a new file runs tsc again and fails on its error', () => {
  expect(typecheck()).toEqual({ status: 0, output: '', ranTsc: true });
  expect(typecheck()).toEqual({ status: 0, output: '', ranTsc: false });

  // An edited file: a.ts, which imports it, no longer type-checks.
  write('src/b.ts', "export const b = 'one';\n");
  const edited = typecheck();
  expect(edited.ranTsc).toBe(true);
  expect(edited.status).not.toBe(0);
  expect(edited.output).toMatch(/src\/a\.ts\(2,14\): error TS2322/);
  expect(typecheck().ranTsc).toBe(true); // a failed pass leaves no stamp

  write('src/b.ts', 'export const b = 2;\n');
  expect(typecheck()).toMatchObject({ status: 0, ranTsc: true });
  write('src/c.ts', 'export const c: string = 3;\n');
  expect(typecheck()).toMatchObject({ status: 2, ranTsc: true, output: expect.stringMatching(/src\/c\.ts\(1,14\): error TS2322/) });
});
