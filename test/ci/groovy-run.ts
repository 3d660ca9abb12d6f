/** Runs one of this folder's Groovy programs over many inputs in one JVM (its start-up dominates). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runGroovyScript } from '../../tools/gitlab2jenkins/test/groovy/groovy-jvm';

/** Writes each input to a file, runs `program` on them all and returns its JSON answer per input, in order. */
export function runGroovyProgram<T>(program: string, inputs: readonly string[]): T[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'groovy-run-'));
  const files = inputs.map((text, i) => {
    const file = path.join(dir, `input_${i}.groovy`);
    fs.writeFileSync(file, text);
    return file;
  });
  const run = runGroovyScript(path.join(__dirname, program), files, { maxBuffer: 256 * 1024 * 1024 });
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
