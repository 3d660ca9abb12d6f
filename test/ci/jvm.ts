/** Running Groovy scripts of the tests, with jars found on this machine (Debian packages or ~/.m2). */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runGroovyScript } from '../../tools/gitlab2jenkins/test/groovy/groovy-jvm';

/** A jar by Debian name (`/usr/share/java/<name>.jar`) or the newest one under ~/.m2 (`group/artifact`). */
export function findJar(debianName: string, mavenPath: string): string | undefined {
  const debian = `/usr/share/java/${debianName}.jar`;
  if (existsSync(debian)) return debian;
  const dir = join(homedir(), '.m2/repository', mavenPath);
  if (!existsSync(dir)) return undefined;
  const versions = readdirSync(dir).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (const version of versions.reverse()) {
    const jar = join(dir, version, `${mavenPath.split('/').pop()}-${version}.jar`);
    if (existsSync(jar)) return jar;
  }
  return undefined;
}

/** Runs `groovy <script> <args>` with the classpath; throws with stderr when it fails. */
export function runGroovy(script: string, args: readonly string[], classpath: readonly string[] = []): string {
  const run = runGroovyScript(script, args, { classpath });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`groovy ${script} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}
