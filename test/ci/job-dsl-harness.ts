/**
 * Job DSL scripts as Jenkins' seed would run them, through Groovy against a recording stub
 * (job-dsl-harness.groovy): what each script calls, with which arguments, nested as its closures nest.
 * One JVM for all scripts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGroovy } from './jvm';

const SCRIPT = join(__dirname, 'job-dsl-harness.groovy');

/** One recorded DSL call. */
export interface DslCall {
  readonly name: string;
  readonly args: readonly unknown[];
  readonly children: readonly DslCall[];
}

/** The top-level calls of each script, in order. */
export function runJobDsl(scripts: readonly string[]): DslCall[][] {
  const dir = mkdtempSync(join(tmpdir(), 'job-dsl-'));
  const files = scripts.map((text, i) => {
    const file = join(dir, `script${i}.groovy`);
    writeFileSync(file, text);
    return file;
  });
  return JSON.parse(runGroovy(SCRIPT, files));
}

/** The children of `call` named `name` (a path of names walks down). */
export function childrenNamed(call: DslCall, ...path: string[]): DslCall[] {
  let level: DslCall[] = [call];
  for (const name of path) level = level.flatMap((c) => c.children.filter((child) => child.name === name));
  return level;
}

/** The single argument of the one child call `name` of `call` (e.g. `id('x')` -> 'x'). */
export function argOf(call: DslCall, name: string): unknown {
  const found = call.children.filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`${call.name} has ${found.length} ${name}() calls`);
  return found[0].args[0];
}
