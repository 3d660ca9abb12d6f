import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGroovyScript } from './groovy-jvm';

const RUNNER = join(__dirname, 'DeclarativeRunner.groovy');
/** The Jenkinsfiles' compiled classes, by text (DeclarativeRunner's ScriptClasses). */
const SCRIPT_CLASSES = join(__dirname, '..', '..', '..', '..', 'node_modules', '.cache', 'groovy-jenkinsfiles');
/** Classes of a text no run has loaded for this long are removed (the runner touches what it loads). */
const UNUSED_FOR_MS = 7 * 24 * 3600 * 1000;

function pruneScriptClasses(): void {
  const cutoff = Date.now() - UNUSED_FOR_MS;
  for (const entry of readdirSync(SCRIPT_CLASSES)) {
    const folder = join(SCRIPT_CLASSES, entry);
    if (statSync(folder).mtimeMs < cutoff) rmSync(folder, { recursive: true, force: true });
  }
}

/** How Jenkins starts the build: its environment, causes, changed files and input answers. */
export interface Scenario {
  /** Environment Jenkins sets, e.g. BRANCH_NAME, TAG_NAME, CHANGE_ID. */
  readonly env?: Readonly<Record<string, string>>;
  /** Simple class names of the build causes, e.g. TimerTriggerCause, UserIdCause; default a branch event. */
  readonly causes?: readonly string[];
  /** Files the changeset condition sees. */
  readonly changes?: readonly string[];
  /** Answer per stage name at `input`: 'proceed' (default) or 'abort'. */
  readonly inputs?: Readonly<Record<string, 'proceed' | 'abort'>>;
  /** Record shell steps without running them (for pipelines whose scripts need real tools). */
  readonly dryRun?: boolean;
  /** Repository files (path -> content; *.sh executable) every agent checks out. */
  readonly files?: Readonly<Record<string, string>>;
  /** Jenkinsfiles of the jobs `build job:` may start, by the name it gives; they run with the same scenario. */
  readonly jobs?: Readonly<Record<string, string>>;
}

/** What a run did, in order. */
export interface RunEvent {
  readonly stage: string;
  readonly type: string;
  readonly status?: string;
  readonly exit?: number;
  readonly output?: string;
  readonly files?: readonly string[];
  readonly [key: string]: unknown;
}

export interface RunResult {
  readonly events: readonly RunEvent[];
  readonly result: string;
  readonly log: string;
}

/**
 * Runs Jenkinsfiles through test/groovy/DeclarativeRunner.groovy (one JVM for all of them, each
 * Jenkinsfile compiled once per text into node_modules/.cache) and returns what each run did; shell
 * steps run for real with /bin/sh.
 */
export function runDeclarative(runs: readonly { readonly jenkinsfile: string; readonly scenario?: Scenario }[]): RunResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'g2j-run-'));
  const input = runs.map((r, i) => {
    const repo = join(dir, `repo-${i}`);
    mkdirSync(repo);
    for (const [path, text] of Object.entries(r.scenario?.files ?? {})) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
    }
    const jenkinsfile = join(dir, `Jenkinsfile${i}.groovy`);
    writeFileSync(jenkinsfile, r.jenkinsfile);
    return { jenkinsfile, scenario: { ...r.scenario, repo } };
  });
  const spec = join(dir, 'runs.json');
  writeFileSync(spec, JSON.stringify(input));
  mkdirSync(SCRIPT_CLASSES, { recursive: true });
  const run = runGroovyScript(RUNNER, [spec, SCRIPT_CLASSES]);
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`declarative runner failed (${run.status}): ${run.stderr}`);
  pruneScriptClasses();
  return JSON.parse(run.stdout) as RunResult[];
}

/** Stage name -> final status, in the order the stages finished or were skipped. */
export function stageStatuses(r: RunResult): Record<string, string> {
  return Object.fromEntries(r.events.filter((e) => e.type === 'stage').map((e) => [e.stage, e.status!]));
}
