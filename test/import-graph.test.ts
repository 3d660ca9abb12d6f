/**
 * The import graph of lib/ as TypeScript resolves it (type-only imports included, since they tie
 * modules together just the same): no cycles, and lib/ reaches into tools/ only where a Lambda
 * entry point serves a tool (the translator service).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file, resolved to files (`x` -> `x.ts` or `x/index.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'/gm)].map((m) => m[1]);
  return specs.map((spec) => {
    const base = resolve(dirname(file), spec);
    for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // next candidate
      }
    }
    throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`);
  });
}

const graph = new Map(sources(join(ROOT, 'lib')).map((file) => [file, importsOf(file)]));

test('lib/ has no import cycle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});

/** Lambda entry points that exist to run a tool. */
const TOOL_ENTRIES = new Set(['lib/functions/gitlab2jenkins-service.ts']);

test('lib/ imports nothing from tools/ except the tool Lambda entry points', () => {
  const intoTools = [...graph].filter(([file]) => !TOOL_ENTRIES.has(relative(ROOT, file))).flatMap(([file, deps]) =>
    deps.filter((dep) => relative(ROOT, dep).startsWith('tools/')).map((dep) => `${relative(ROOT, file)} -> ${relative(ROOT, dep)}`),
  );
  expect(intoTools).toEqual([]);
});
