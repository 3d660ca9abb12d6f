import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runGroovyScript } from './groovy-jvm';

const SCRIPT = join(__dirname, 'parse-check.groovy');

/** True if `groovy` is on PATH; looked up without starting a JVM. */
export function groovyInstalled(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'groovy')));
}

/**
 * `test`, or `test.skip` with a visible notice when groovy is missing locally. Under CI=true a
 * missing groovy is not skipped: the test runs and fails in {@link groovyParse}.
 */
export function groovyTest(): jest.It {
  if (groovyInstalled() || process.env.CI === 'true') return test;
  console.warn('groovy is not installed: the Groovy parse check is SKIPPED (apt-get install groovy)');
  return test.skip;
}

/**
 * Parses all `files` with the Groovy compiler in one JVM (its start-up dominates the cost) and
 * returns the first error line, with line and column, of each file that does not parse.
 */
export function groovyParse(files: readonly string[]): ReadonlyMap<string, string> {
  const run = runGroovyScript(SCRIPT, files);
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('groovy is not installed but CI=true requires the Groovy parse check (apt-get install -y groovy)');
  }
  if (run.error) throw run.error;
  const failures = new Map<string, string>();
  for (const line of run.stdout.split('\n')) {
    const m = /^FAIL (.+?): (.*)$/.exec(line);
    if (m) failures.set(m[1], m[2]);
  }
  // A non-zero exit without FAIL lines means groovy itself broke (bad JAVA_HOME, ...), not a pass.
  if (run.status !== 0 && failures.size === 0) throw new Error(`groovy exited ${run.status}: ${run.stderr}`);
  return failures;
}
