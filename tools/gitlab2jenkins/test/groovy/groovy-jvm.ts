/**
 * Starts the tests' Groovy programs. Each program is compiled once into a class folder under
 * node_modules/.cache/groovy-classes, keyed by a hash of its source, the Groovy jars and its
 * classpath; later runs start the compiled class directly, so no JVM compiles the harness again.
 * The JVM runs with the client compiler only and the serial collector: for these short runs that
 * cuts the CPU time by a third (a start) to a half (the corpus run); C2's compiling never pays off.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Debian's groovy needs JAVA_HOME; this is where its default JDK lives. */
const DEBIAN_JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const CACHE = join(__dirname, '..', '..', '..', '..', 'node_modules', '.cache', 'groovy-classes');
const COMPILE_AND_RUN = join(__dirname, 'compile-and-run.groovy');

/** The environment Groovy runs in: Debian's JDK 17 unless JAVA_HOME says otherwise. */
function groovyEnvironment(): NodeJS.ProcessEnv {
  const javaHome = process.env.JAVA_HOME ?? (existsSync(DEBIAN_JAVA_HOME) ? DEBIAN_JAVA_HOME : undefined);
  return { ...process.env, ...(javaHome ? { JAVA_HOME: javaHome } : {}) };
}

export interface GroovyRunOptions {
  /** Jars the program needs besides Groovy's own. @default - none */
  readonly classpath?: readonly string[];
  /** @default 64 MiB */
  readonly maxBuffer?: number;
}

/**
 * Runs `groovy <script> <args>` and returns what spawnSync returns (`error.code` ENOENT when
 * groovy is not installed). An installation without a `lib` folder of jars runs the plain command.
 */
export function runGroovyScript(script: string, args: readonly string[], options: GroovyRunOptions = {}): SpawnSyncReturns<string> {
  const env = groovyEnvironment();
  const spawn = (command: string, commandArgs: string[]) => spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024, env });
  const jars = groovyJars();
  if (!jars) return spawn('groovy', [...(options.classpath?.length ? ['-cp', options.classpath.join(delimiter)] : []), script, ...args]);
  const java = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = [...jars, ...(options.classpath ?? [])];
  const hash = createHash('sha256').update(readFileSync(script)).update(readFileSync(COMPILE_AND_RUN)).update(classpath.join('\n')).digest('hex').slice(0, 16);
  const classes = join(CACHE, hash);
  const main = join(classes, 'main-class');
  if (existsSync(main)) return spawn(java, [...JVM_FLAGS, '-cp', [...classpath, classes].join(delimiter), readFileSync(main, 'utf8'), ...args]);
  return spawn(java, [...JVM_FLAGS, '-cp', classpath.join(delimiter), 'groovy.ui.GroovyMain', COMPILE_AND_RUN, classes, script, ...args]);
}

/** What names the Groovy installation found on PATH: its jars (their names carry the version), for cache keys. */
export function groovyInstallationKey(): string {
  return (groovyJars() ?? ['groovy without a lib folder']).join('\n');
}

/** The jars of the `groovy` found on PATH (its installation's lib folder), or undefined. */
function groovyJars(): string[] | undefined {
  const launcher = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'groovy'))
    .find((file) => file !== 'groovy' && existsSync(file));
  if (!launcher) return undefined;
  const lib = join(dirname(dirname(realpathSync(launcher))), 'lib');
  const jars = existsSync(lib) ? readdirSync(lib).filter((f) => f.endsWith('.jar')).sort() : [];
  return jars.some((f) => f.startsWith('groovy-')) ? jars.map((f) => join(lib, f)) : undefined;
}
