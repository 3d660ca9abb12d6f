import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { groovyInstallationKey, runGroovyScript } from './groovy-jvm';

const SCRIPT = join(__dirname, 'parse-check.groovy');
/** One empty file per text that parsed, keyed by the text, this check and the Groovy installation. */
const PARSED = join(__dirname, '..', '..', '..', '..', 'node_modules', '.cache', 'groovy-parsed');

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
 * returns the first error line, with line and column, of each file that does not parse. Texts that
 * parsed before with this Groovy are not parsed again (node_modules/.cache/groovy-parsed).
 */
export function groovyParse(files: readonly string[]): ReadonlyMap<string, string> {
  const failures = new Map<string, string>();
  // A text that parsed once parses again with the same Groovy: only new texts start the JVM.
  const key = groovyInstalled() ? createHash('sha256').update(readFileSync(SCRIPT)).update(groovyInstallationKey()).digest('hex') : '';
  const marker = (file: string) => join(PARSED, createHash('sha256').update(key).update(readFileSync(file)).digest('hex'));
  const unchecked = key ? files.filter((f) => !existsSync(marker(f))) : files;
  if (unchecked.length === 0) return failures;
  const run = runGroovyScript(SCRIPT, unchecked);
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('groovy is not installed but CI=true requires the Groovy parse check (apt-get install -y groovy)');
  }
  if (run.error) throw run.error;
  for (const line of run.stdout.split('\n')) {
    const m = /^FAIL (.+?): (.*)$/.exec(line);
    if (m) failures.set(m[1], m[2]);
  }
  // A non-zero exit without FAIL lines means groovy itself broke (bad JAVA_HOME, ...), not a pass.
  if (run.status !== 0 && failures.size === 0) throw new Error(`groovy exited ${run.status}: ${run.stderr}`);
  mkdirSync(PARSED, { recursive: true });
  for (const file of unchecked) if (!failures.has(file)) writeFileSync(marker(file), '');
  return failures;
}
