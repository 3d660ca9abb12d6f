/** Runs one of this folder's Groovy programs over many inputs in one JVM (its start-up dominates). */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { groovyEnvironment } from './jvm';

/** Writes each input to a file, runs `program` on them all and returns its JSON answer per input, in order. */
export function runGroovyProgram<T>(program: string, inputs: readonly string[]): T[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'groovy-run-'));
  const files = inputs.map((text, i) => {
    const file = path.join(dir, `input_${i}.groovy`);
    fs.writeFileSync(file, text);
    return file;
  });
  const run = spawnSync('groovy', [path.join(__dirname, program), ...files], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: groovyEnvironment(),
  });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error('groovy is not installed (apt-get install -y groovy)');
  if (run.error) throw run.error;
  let answer: Record<string, T>;
  try {
    answer = JSON.parse(run.stdout);
  } catch {
    throw new Error(`groovy ${program} exited ${run.status} without JSON: ${run.stderr}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return files.map((f) => answer[f]);
}
