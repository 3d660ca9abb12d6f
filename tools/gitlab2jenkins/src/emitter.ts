import { ASSUMED_DEFAULT_BRANCH, gitlabOnlyIn, isRunnerSetting, jenkinsTextWith, needsAgent, referencedVariables, renamedInJenkins } from './ci-variables';
import { Diagnostics } from './diagnostics';
import { artifactFlow, type ArtifactFlow } from './artifact-flow';
import { agent, isDind, sidecars, withServices } from './docker';
import { block, chain, expanded, isIdentifier, str } from '../../../lib/groovy/groovy';
import { afterScriptStep, scriptStep, SHELL_HELPERS } from './job-shell';
import { byReferences, dependentGlobals, overlay } from './job-variables';
import { matrixAxes, matrixCellCount } from './matrix';
import { needsOrderWarnings } from './needs-order';
import { cpsLines, CPS_LINE_BUDGET } from './cps-size';
import type { Job, JobWhen, Pipeline, Trigger, Variable } from './model';
import { installsPackages } from '../../../lib/groovy/script-needs';
import { all, jobVariants, needsWorkspace, renderCondition, type Condition } from './when';

/** One Jenkins stage for a job: the job as one of its rules' outcomes has made it. */
interface Planned {
  /** The job with the matching rule's allow_failure and variables applied. */
  readonly job: Job;
  /** The Jenkins stage name: the job's, plus the rule for further variants. */
  readonly stageName: string;
  readonly condition: Condition;
  readonly when: JobWhen;
  /** Names of the stashes to restore, or all of the earlier stages' (GitLab's default, when long). */
  readonly unstash: readonly string[] | 'earlier-stages';
  /** The index of the job's stage, for `artifactsBefore`. */
  readonly stageIndex: number;
  /** Whether a later job takes this job's artifacts, so it must stash them. */
  readonly stash: boolean;
  /** Global and job variables, which GitLab also passes to the job's services. */
  readonly serviceVariables: readonly string[];
  /** Global variables the stage must define again: they need a workspace, or read job values. */
  readonly stageGlobals: readonly Variable[];
  /** The job's variables over the global ones, as GitLab expands image, services and tags. */
  readonly scope: readonly Variable[];
  /** Names matrix cells define, left for Jenkins to resolve. */
  readonly axes: ReadonlySet<string>;
  /**
   * The pipeline has `when: always`/`on_failure` jobs, so a failing job must not stop it: its
   * failure is caught (the build still fails) and later jobs check the build result instead.
   */
  readonly keepGoing: boolean;
  /** Why the job can only fail at run time (an unread include, an untranslatable trigger). */
  readonly failure?: string;
  /** The Jenkins job a child-pipeline trigger job starts. */
  readonly downstream?: string;
}

/** What a pipeline started by another one, or starting others, needs to know. */
export interface Downstream {
  /** Variables the build's parameters carry (what the parent pipeline forwards). */
  readonly parameters?: readonly string[];
  /** The Jenkins job each child-pipeline trigger job starts, or why it cannot start one. */
  readonly children?: ReadonlyMap<string, { readonly job: string } | { readonly error: string }>;
}

const ALLOW_FAILURE = "catchError(buildResult: 'SUCCESS', stageResult: 'UNSTABLE')";
const FAIL_AND_CONTINUE = "catchError(buildResult: 'FAILURE', stageResult: 'FAILURE')";
/** GitLab's `when:` against the jobs of earlier stages, for pipelines that keep going. */
const RESULT: Readonly<Record<JobWhen, Condition>> = {
  on_success: { k: 'expr', groovy: "currentBuild.currentResult != 'FAILURE'" },
  manual: { k: 'expr', groovy: "currentBuild.currentResult != 'FAILURE'" },
  delayed: { k: 'expr', groovy: "currentBuild.currentResult != 'FAILURE'" },
  on_failure: { k: 'expr', groovy: "currentBuild.currentResult == 'FAILURE'" },
  always: { k: 'true' },
  never: { k: 'false' },
};

/** Renders the pipeline as a declarative Jenkinsfile; the same pipeline always gives the same text. */
export function emitJenkinsfile(p: Pipeline, diags: Diagnostics, downstream: Downstream = {}): string {
  const globals = checkedValues('', p.variables, diags);
  const parameters = downstream.parameters ?? [];
  // Globals that need a workspace, or whose name Groovy reserves, are set in each stage instead.
  const agentBound = [...new Set([...agentBoundVariables(globals), ...globals.filter((g) => isClassName(g.name))])];
  const variants = new Map(p.jobs.map((j) => [j.name, jobVariants(j, diags).filter((v) => v.when !== 'never')]));
  const live = p.jobs.filter((j) => variants.get(j.name)!.length > 0);
  const flow = artifactFlow(live, p.stages);
  const keepGoing = live.some((j) => variants.get(j.name)!.some((v) => v.when === 'always' || v.when === 'on_failure'));
  const jobNames = new Set(p.jobs.map((j) => j.name));
  // Jobs overriding the same names re-evaluate the same globals; a large pipeline has few such sets.
  const dependents = new Map<string, Variable[]>();
  const dependentOf = (overridden: ReadonlySet<string>): Variable[] => {
    const key = [...overridden].sort().join(' ');
    return dependents.get(key) ?? dependents.set(key, dependentGlobals(globals, overridden)).get(key)!;
  };
  const planned = live.flatMap((base) =>
    variants.get(base.name)!.map((v, i): Planned => {
      const job: Job = { ...base, allowFailure: v.allowFailure ?? base.allowFailure, variables: overlay(base.variables, v.variables) };
      if (v.when === 'delayed' && job.startInSeconds === undefined) diags.warn(job.name, 'when', job.keyPos.get('when') ?? job.pos, 'delayed job without start_in');
      if (i === 0) jobWarnings(job, diags);
      const axes = new Set(job.parallel?.kind === 'matrix' ? job.parallel.entries.flatMap((e) => e.map((a) => a.name)) : []);
      const overridden = new Set([...job.variables.map((x) => x.name), ...axes]);
      const stageGlobals = [...new Set([...agentBound, ...dependentOf(overridden)])].filter((g) => !overridden.has(g.name));
      const serviceVariables = [...new Set([...p.variables, ...job.variables].map((x) => x.name).filter(isIdentifier))];
      const stageName = i === 0 ? job.name : `${job.name} (rule ${i + 1})`;
      const scope = overlay(globals, job.variables);
      const child = downstream.children?.get(job.name);
      const failure = child ? ('error' in child ? child.error : undefined) : placeholderError(job);
      const started = child && 'job' in child ? child.job : undefined;
      // Parameters, like matrix axes, are only known when the build runs.
      const runtime = new Set([...axes, ...parameters]);
      const unstash = started === undefined ? flow.sources(base) : [];
      return { job, stageName, condition: v.condition, when: v.when, unstash, stageIndex: flow.stageIndex(base.stage), stash: flow.consumed(base), serviceVariables, stageGlobals, scope, axes: runtime, keepGoing, failure, downstream: started };
    }),
  );
  if (planned.some((x) => usesDefaultBranch(x.job))) {
    diags.warn('', 'CI_DEFAULT_BRANCH', p.jobs[0].pos, `Jenkins has no default-branch variable; CI_DEFAULT_BRANCH is '${ASSUMED_DEFAULT_BRANCH}' unless Jenkins' global or folder environment sets it`);
  }

  const stages = p.unresolvedIncludes.flatMap((inc, i) =>
    placeholder(`include ${inc.type} #${i + 1}`, `include:${inc.type} "${inc.target}" (${inc.pos.file}:${inc.pos.line}) ${inc.reason}; inline it into the repository`, keepGoing),
  );
  const byStage = new Map<string, Planned[]>();
  for (const x of planned) (byStage.get(x.job.stage) ?? byStage.set(x.job.stage, []).get(x.job.stage)!).push(x);
  const pipelineBlock = (stageLines: readonly string[]): string[] =>
    block('pipeline', [
      'agent none',
      ...parametersBlock(parameters),
      ...environment(byReferences(globals.filter((v) => !agentBound.includes(v))), new Set([...globals.map((g) => g.name), ...parameters])),
      ...block('stages', [...stages, ...stageLines]),
    ]);
  // Too large for one method: the steps go to functions. Each stage takes at least this many
  // lines either way, so a pipeline with more stages goes straight to functions.
  const functions = { lines: [] as string[], count: 0 };
  const direct = planned.length * MIN_STAGE_LINES > CPS_LINE_BUDGET;
  const first = jobStages(p.stages, byStage, jobNames, direct ? { functions } : {}, diags);
  needsOrderWarnings(first.units, diags);
  let pipeline = pipelineBlock(first.lines);
  // The second emission's warnings were given by the first.
  if (!direct && cpsLines(pipeline) > CPS_LINE_BUDGET) pipeline = pipelineBlock(jobStages(p.stages, byStage, jobNames, { functions }, new Diagnostics()).lines);
  const lines = [
    // A line break in an uploaded file's name would end the comment and inject Groovy.
    `// Generated by gitlab2jenkins from ${p.file.replace(/[\r\n\u2028\u2029]/g, ' ')}. Edit the GitLab file and re-generate rather than editing this.`,
    ...pipeline,
    ...(planned.some((x) => x.failure === undefined && x.downstream === undefined) ? SHELL_HELPERS : []),
    ...(planned.some((x) => x.downstream !== undefined && x.job.trigger?.kind === 'child' && x.job.trigger.forwardPipeline) ? PIPELINE_VARIABLES_HELPER : []),
    ...(planned.some((x) => x.unstash.length > 0) ? UNSTASH_HELPER : []),
    ...artifactsBeforeHelper(planned, flow),
    ...(planned.some((x) => x.job.artifacts?.dotenv.length) ? DOTENV_HELPER : []),
    ...functions.lines,
  ];
  const text = `${lines.join('\n')}\n`;
  loadability(text, pipeline, p, diags);
  return text;
}

/**
 * Jenkins compiles the whole `pipeline {}` block into one JVM method (64 KB of bytecode at most,
 * see cps-size.ts), and Pipeline: Declarative adds its model of every stage, each matrix cell
 * once, to it; past that it refuses to load the Jenkinsfile ("Method too large"), unless the
 * controller runs with the script splitting transformation (JENKINS-37984).
 */
const MAX_PLAIN_STAGES = 50;
/** Above this the Jenkinsfile is reported whatever its shape. */
const MAX_BYTES = 1024 * 1024;

function loadability(text: string, pipeline: readonly string[], p: Pipeline, diags: Diagnostics): void {
  const cells = p.jobs.reduce((n, j) => n + (j.parallel ? matrixCellCount(j) : 0), 0);
  // A matrix's cell stage is written once and runs once per cell.
  const templates = p.jobs.filter((j) => j.parallel).length;
  const count = pipeline.filter((l) => /^\s*stage\(/.test(l)).length - templates + cells;
  const code = cpsLines(pipeline);
  if (count <= MAX_PLAIN_STAGES && text.length <= MAX_BYTES && code <= CPS_LINE_BUDGET) return;
  diags.warn(
    '',
    'stages',
    p.jobs[0]?.pos ?? { file: p.file, line: 1, col: 1 },
    `the Jenkinsfile has ${count} stages (matrix cells included), ${code} lines of code in its pipeline block (steps moved to functions already) and ${Math.round(text.length / 1024)} KiB; Jenkins may refuse to load it ("Method too large") unless the controller runs with -Dorg.jenkinsci.plugins.pipeline.modeldefinition.parser.RuntimeASTTransformer.SCRIPT_SPLITTING_TRANSFORMATION=true; or split the pipeline`,
  );
}

/** Warnings about the job itself, reported once however many variants it has. */
function jobWarnings(job: Job, diags: Diagnostics): void {
  if (job.image && installsPackages([...job.beforeScript, ...job.script].join('\n'))) {
    diags.warn(job.name, 'image', job.keyPos.get('image')!, "the script installs packages, but Jenkins runs the image as the agent's user, not root; use an image with them or add args '-u root'");
  }
  if (job.services.some(isDind)) {
    diags.warn(job.name, 'services', job.keyPos.get('services')!, "docker:dind is not started (it needs a privileged sidecar); the job uses the agent's Docker socket, so drop DOCKER_HOST/DOCKER_TLS_CERTDIR settings aimed at the service");
  }
}

function usesDefaultBranch(job: Job): boolean {
  const texts = [...job.script, ...job.beforeScript, ...job.afterScript, ...job.variables.map((v) => v.value), ...(job.rules ?? []).map((r) => r.if ?? '')];
  return texts.some((t) => t.includes('CI_DEFAULT_BRANCH'));
}


/** The stages of the jobs, one per job, grouped as Jenkins runs them (see {@link needsWaves}). */
function jobStages(stageOrder: readonly string[], byStage: ReadonlyMap<string, readonly Planned[]>, jobNames: ReadonlySet<string>, placement: StepsPlacement, diags: Diagnostics): { lines: string[]; units: Job[][] } {
  const lines: string[] = [];
  // The jobs in the order Jenkins runs them: each unit starts once the earlier ones are done.
  const units: Job[][] = [];
  for (const stage of stageOrder) {
    const waves = needsWaves(byStage.get(stage) ?? []);
    waves.forEach((group, w) => {
      const flat = group.filter((x) => x.job.parallel === undefined);
      const matrices = group.filter((x) => x.job.parallel !== undefined);
      const name = waves.length > 1 ? `${stage} (${w + 1}/${waves.length})` : stage;
      if (flat.length > 1) {
        append(lines, block(`stage(${str(jobNames.has(name) ? `${name} (stage)` : name)})`, block('parallel', flat.flatMap((x) => jobStage(x, diags, placement)))));
      } else append(lines, flat.flatMap((x) => jobStage(x, diags, placement)));
      for (const x of group.length > 1 ? matrices : []) {
        diags.warn(x.job.name, 'parallel', x.job.keyPos.get('parallel')!, `Jenkins cannot nest a matrix in parallel; it runs after the other jobs of stage "${stage}"`);
      }
      append(lines, matrices.flatMap((x) => jobStage(x, diags, placement)));
      if (flat.length) units.push(flat.map((x) => x.job));
      for (const x of matrices) units.push([x.job]);
    });
  }
  return { lines, units };
}

/**
 * Jobs of one stage in the order `needs` (and same-stage `dependencies`) impose: each wave runs
 * after the previous one, its jobs in parallel. GitLab starts a job once its needs are done.
 */
function needsWaves(group: readonly Planned[]): Planned[][] {
  const names = new Set(group.map((x) => x.job.name));
  const before = new Map<string, string[]>();
  for (const x of group) {
    const own = [...(x.job.needs ?? []).map((n) => n.job), ...(x.job.dependencies ?? [])].filter((n) => names.has(n) && n !== x.job.name);
    before.set(x.job.name, [...new Set([...(before.get(x.job.name) ?? []), ...own])]);
  }
  // Kahn's order, without recursion: a chain of needs may be thousands of jobs long. A job in a
  // cycle (GitLab rejects those) goes to the last wave.
  const waiting = new Map([...before].map(([name, b]) => [name, b.length]));
  const after = new Map<string, string[]>();
  for (const [name, b] of before) for (const n of b) (after.get(n) ?? after.set(n, []).get(n)!).push(name);
  const level = new Map<string, number>();
  let ready = [...waiting].filter(([, w]) => w === 0).map(([name]) => name);
  for (let l = 0; ready.length; l++) {
    const next: string[] = [];
    for (const name of ready) {
      level.set(name, l);
      for (const a of after.get(name) ?? []) if (waiting.set(a, waiting.get(a)! - 1).get(a) === 0) next.push(a);
    }
    ready = next;
  }
  const last = [...level.values()].reduce((m, l) => Math.max(m, l), 0) + 1;
  const waves: Planned[][] = [];
  for (const x of group) (waves[level.get(x.job.name) ?? last] ??= []).push(x);
  return waves.filter((w) => w !== undefined);
}

/** Appends without spreading into arguments, which overflows the stack for large pipelines. */
function append(target: string[], lines: readonly string[]): void {
  for (const l of lines) target.push(l);
}

/** `stage('x') {`, `agent any`, `steps {`, the call, `}`, `}`: the fewest lines a job's stage takes. */
const MIN_STAGE_LINES = 6;

/** CPS passes a list literal's items as arguments, and a JVM call takes at most 255. */
const LIST_CHUNK = 200;

/** A Groovy list literal, in chunks CPS can compile, of any length. */
function listLiteral(items: readonly string[]): string {
  const chunks: string[] = [];
  for (let i = 0; i < items.length; i += LIST_CHUNK) chunks.push(`[${items.slice(i, i + LIST_CHUNK).join(', ')}]`);
  return chunks.length > 1 ? `(${chunks.join(' + ')})` : chunks[0] ?? '[]';
}

/**
 * `artifactsBefore(stage)`: the jobs with artifacts of the stages before the stage with that
 * index, in source order. One list for all stages keeps the file linear in the jobs.
 */
function artifactsBeforeHelper(planned: readonly Planned[], flow: ArtifactFlow): string[] {
  if (!planned.some((x) => x.unstash === 'earlier-stages')) return [];
  return [
    '',
    '// The jobs of earlier stages with artifacts, which GitLab gives every later job by default.',
    ...block('List<String> artifactsBefore(int stage)', [
      `List<String> names = ${listLiteral(flow.producers.map((p) => str(p.name)))}`,
      `List<Integer> stages = ${listLiteral(flow.producers.map((p) => String(p.stage)))}`,
      'List<String> before = []',
      ...block('for (int i = 0; i < names.size(); i++)', [...block('if (stages[i] < stage)', ['before.add(names[i])'])]),
      'return before',
    ]),
  ];
}

/** GitLab skips artifacts of jobs that did not run; `unstash` would fail instead. */
const UNSTASH_HELPER = [
  '',
  '// GitLab skips artifacts of jobs that did not run; a missing stash must not fail the stage.',
  ...block('def unstashIfPresent(String name)', chain([['try', ['unstash name']], ['catch (err)', ['echo "No artifacts from ${name}: ${err.message}"']]])),
];

/** Jenkins keeps `env` changes for the rest of the build, so later stages see the variables. */
const DOTENV_HELPER = [
  '',
  "// artifacts:reports:dotenv: the variables reach the stages that follow, like GitLab's later jobs.",
  ...block('def loadDotenv(String file)', [
    ...block('if (!fileExists(file))', ['return']),
    ...block("for (String line : readFile(file).split('\\r?\\n'))", [
      "int eq = line.indexOf('=')",
      ...block("if (eq > 0 && !line.startsWith('#'))", ['env[line.substring(0, eq).trim()] = line.substring(eq + 1)']),
    ]),
  ]),
];

function placeholder(name: string, message: string, keepGoing: boolean): string[] {
  const fail = `error(${str(message)})`;
  return block(`stage(${str(name)})`, block('steps', keepGoing ? block(FAIL_AND_CONTINUE, [fail]) : [fail]));
}

/** Whether the job's failure is caught in its steps (so a stage-level retry would never see it). */
function catches(x: Planned): boolean {
  return x.job.allowFailure || x.keepGoing;
}

/**
 * Where the emission puts each job's steps: inline in its stage, or (`functions` set) in a
 * function of its own that the stage calls, which CPS compiles as a method of its own.
 */
interface StepsPlacement {
  readonly functions?: { readonly lines: string[]; count: number };
}

function jobStage(x: Planned, diags: Diagnostics, placement: StepsPlacement): string[] {
  const { job, failure } = x;
  // In a pipeline that keeps going, the placeholder's failure must not skip the on_failure jobs.
  const fail = `error(${str(failure ?? '')})`;
  if (failure !== undefined) return block(`stage(${str(x.stageName)})`, [...when(x), ...block('steps', x.keepGoing ? block(FAIL_AND_CONTINUE, [fail]) : [fail])]);
  const manual = x.when === 'manual';
  const vars = jobVariables(x, diags);
  const env = environment(vars.filter((v) => !isClassName(v.name)), defined(x));
  const reserved = vars.filter((v) => isClassName(v.name));
  const options = [
    ...(job.retry && !catches(x) && x.downstream === undefined ? [`retry(${job.retry + 1})`] : []),
    ...(job.timeoutSeconds !== undefined ? [timeoutStep(job.timeoutSeconds)] : []),
    ...(job.resourceGroup !== undefined ? [`lock(${expanded(job.resourceGroup, jenkinsTextWith(defined(x)))})`] : []),
  ];
  // A manual job's options would also cover the wait at input (GitLab's timeout and resource
  // group do not), so they wrap its steps instead.
  const stageOptions = manual ? [] : options;
  const head = [...(stageOptions.length ? block('options', stageOptions) : []), ...when(x, stageOptions.length > 0), ...input(x)];
  // A trigger job runs on no agent: `build` needs none.
  const started = x.downstream !== undefined;
  const jobSteps = started ? triggerSteps(x) : steps(x, diags, placement.functions !== undefined);
  const jobAgent = started ? [] : agent(job, x.scope, x.axes, diags);
  const inner = reserved.length ? block(`withEnv([${reserved.map((v) => envEntry(v, defined(x))).join(', ')}])`, jobSteps) : jobSteps;
  const wrapped = manual ? options.reduceRight((lines, o) => block(o, lines), inner) : inner;
  // One step is one line either way: it stays in the stage.
  const moved = placement.functions && wrapped.length > 1;
  const body = [...block('steps', moved ? [`${helperFunction(placement.functions!, wrapped)}()`] : wrapped), ...stagePost(job)];
  if (job.parallel === undefined) return block(`stage(${str(x.stageName)})`, [...jobAgent, ...env, ...head, ...body]);
  const matrix = [
    ...jobAgent,
    ...matrixAxes(job, diags),
    ...block('stages', block(`stage(${str(`${x.stageName} (cell)`)})`, [...env, ...body])),
  ];
  return block(`stage(${str(x.stageName)})`, [...head, ...block('matrix', matrix)]);
}

/** Adds `void jobN() { lines }` to the functions and returns its name. */
function helperFunction(functions: { readonly lines: string[]; count: number }, lines: readonly string[]): string {
  const name = `gitlabJob${++functions.count}`;
  append(functions.lines, ['', ...block(`void ${name}()`, lines)]);
  return name;
}

/** Whole minutes read best; anything else keeps GitLab's exact seconds. */
function timeoutStep(seconds: number): string {
  return seconds % 60 === 0 ? `timeout(time: ${seconds / 60}, unit: 'MINUTES')` : `timeout(time: ${seconds}, unit: 'SECONDS')`;
}

/**
 * A child-pipeline trigger job starts the child's Jenkins job (`build`, pipeline-build-step) with
 * the variables GitLab forwards as parameters: the job's own and the global ones
 * (`forward:yaml_variables`, the default), and this build's parameters
 * (`forward:pipeline_variables`). `strategy: depend` waits for it and takes its result
 * (`propagate`); without it the job succeeds once the child is started, as in GitLab.
 */
function triggerSteps(x: Planned): string[] {
  const trigger = x.job.trigger as Extract<Trigger, { kind: 'child' }>;
  // The YAML variables only: the child has predefined variables of its own.
  const names = trigger.forwardYaml ? x.scope.map((v) => v.name).filter(isIdentifier) : [];
  const listed = listLiteral(names.map((n) => `string(name: ${str(n)}, value: env.${n} ?: '')`));
  const parameters = trigger.forwardPipeline ? `${listed} + gitlabPipelineVariables()` : listed;
  const start = `build(job: "../${x.downstream}/\${env.JOB_BASE_NAME}", parameters: ${parameters}, wait: ${trigger.depend}, propagate: ${trigger.depend})`;
  const wrapper = x.job.allowFailure ? ALLOW_FAILURE : x.keepGoing ? FAIL_AND_CONTINUE : undefined;
  return wrapper ? block(wrapper, [start]) : [start];
}

/** `parameters {}`: the variables a parent pipeline forwards, in `params` and `env`. */
function parametersBlock(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  return block('parameters', names.map((n) => `string(name: ${str(n)}, defaultValue: '', description: 'Forwarded by the parent pipeline')`));
}

/** `forward:pipeline_variables`: GitLab's pipeline variables are this build's parameters. */
const PIPELINE_VARIABLES_HELPER = [
  '',
  "// trigger:forward:pipeline_variables: this build's own parameters go to the child pipeline too.",
  ...block('List gitlabPipelineVariables()', [
    'List forwarded = []',
    ...block('for (String name : params.keySet())', ['forwarded.add(string(name: name, value: "${params[name]}"))']),
    'return forwarded',
  ]),
];

/** Why a job's stage can only fail at run time, or undefined for a translated job. */
function placeholderError(job: Job): string | undefined {
  if (job.trigger?.kind === 'other') return `GitLab trigger job "${job.name}" (${job.trigger.target}) has no Jenkins translation yet`;
  // Child pipelines are planned by emitWithChildren; without its plan there is no job to start.
  if (job.trigger?.kind === 'child') return `GitLab trigger job "${job.name}": its child pipeline was not planned`;
  if (job.incomplete) return `GitLab job "${job.name}" is defined by an include that was not resolved; inline it into the repository`;
  return undefined;
}

/** `hasOptions`: evaluate first, so a skipped stage takes no lock and starts no timer. */
function when(x: Planned, hasOptions = false): string[] {
  const condition = x.keepGoing ? all([x.condition, RESULT[x.when]]) : x.condition;
  if (condition.k === 'true') return [];
  const hasAgent = x.failure === undefined && x.downstream === undefined;
  return block('when', [
    ...(hasAgent && !needsWorkspace(condition) ? ['beforeAgent true'] : []),
    ...(hasOptions ? ['beforeOptions true'] : []),
    ...(x.when === 'manual' ? ['beforeInput true'] : []),
    ...renderCondition(condition),
  ]);
}

function input(x: Planned): string[] {
  if (x.when !== 'manual') return [];
  return block('input', [`message ${str(x.job.confirmation ?? `Run manual job "${x.job.name}"?`)}`, "ok 'Run'"]);
}

/** Variables the pipeline or the stage defines, so Jenkins has them set there. */
function defined(x: Planned): Set<string> {
  return new Set([...x.scope.map((v) => v.name), ...x.axes]);
}

/**
 * Names of classes Groovy imports by default (java.lang, java.util, java.io, java.net, groovy.lang):
 * `URL = '...'` in `environment {}` would assign to the class and the Jenkinsfile would not compile.
 */
const CLASS_NAMES = new Set(['URL', 'URI', 'UUID', 'IDN', 'File', 'Date', 'Map', 'List', 'Set', 'String', 'Integer', 'Long', 'Boolean', 'Object', 'System', 'Math', 'Process', 'Thread', 'Runtime', 'Closure', 'Script', 'Binding', 'Locale', 'Random', 'Timer', 'Proxy', 'Socket']);

function isClassName(name: string): boolean {
  return CLASS_NAMES.has(name);
}

/** A `withEnv` entry, for variables `environment {}` cannot declare. */
function envEntry(v: Variable, known: ReadonlySet<string>): string {
  return v.expand ? expanded(`${v.name}=${v.value}`, jenkinsTextWith(known)) : str(`${v.name}=${v.value}`);
}

function environment(vars: readonly Variable[], known: ReadonlySet<string>): string[] {
  if (vars.length === 0) return [];
  const text = jenkinsTextWith(new Set([...known, ...vars.map((v) => v.name)]));
  return block('environment', vars.map((v) => `${v.name} = ${v.expand ? expanded(v.value, text) : str(v.value)}`));
}

/**
 * Job variables for the stage, plus what GitLab would set for this job: CI_JOB_NAME/STAGE,
 * CI_ENVIRONMENT_*, CI_NODE_TOTAL, and predefined variables the scripts read that Jenkins knows
 * by another name. Global variables the stage must re-evaluate come with them, in dependency order.
 */
function jobVariables(x: Planned, diags: Diagnostics): Variable[] {
  const { job } = x;
  const at = job.pos;
  const vars = byReferences([...x.stageGlobals, ...checkedValues(job.name, job.variables, diags)]);
  const add = (name: string, value: string, expand = true): void => {
    if (!vars.some((v) => v.name === name)) vars.push({ name, value, expand, pos: at });
  };
  const scripts = [...job.beforeScript, ...job.script, ...job.afterScript].join('\n');
  const read = new Set(referencedVariables([scripts, ...vars.map((v) => v.value)].join('\n')));
  if (read.has('CI_JOB_NAME')) add('CI_JOB_NAME', job.name, false);
  if (read.has('CI_JOB_NAME_SLUG')) add('CI_JOB_NAME_SLUG', slug(job.name), false);
  if (read.has('CI_JOB_STAGE')) add('CI_JOB_STAGE', job.stage, false);
  if (job.environment) {
    add('CI_ENVIRONMENT_NAME', job.environment.name);
    if (job.environment.url !== undefined) add('CI_ENVIRONMENT_URL', job.environment.url);
  }
  if (job.parallel?.kind === 'count') add('CI_NODE_TOTAL', String(job.parallel.count));
  for (const name of referencedVariables(scripts)) {
    if (renamedInJenkins(name)) add(name, `$${name}`);
  }
  const missing = gitlabOnlyIn(scripts).filter((name) => !vars.some((v) => v.name === name));
  if (missing.length) diags.warn(job.name, 'script', job.keyPos.get('script') ?? at, `uses GitLab-only ${missing.map((n) => `$${n}`).join(', ')}; Jenkins does not set them`);
  return vars;
}

/** GitLab's slug: lower case, [^a-z0-9] to '-', at most 63 characters, no '-' at either end. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
}

/** Global variables reading an agent-only value, directly or through an earlier global. */
function agentBoundVariables(globals: readonly Variable[]): Variable[] {
  const bound = new Set<string>();
  for (const v of globals) {
    if (v.expand && referencedVariables(v.value).some((n) => bound.has(n) || needsAgent(n))) bound.add(v.name);
  }
  return globals.filter((v) => bound.has(v.name));
}

/** Drops names Groovy cannot declare and reports values that read GitLab-only variables. */
function checkedValues(job: string, vars: readonly Variable[], diags: Diagnostics): Variable[] {
  return vars.filter((v) => {
    const missing = v.expand ? gitlabOnlyIn(v.value) : [];
    if (missing.length) diags.warn(job, 'variables', v.pos, `${v.name} reads GitLab-only ${missing.map((n) => `$${n}`).join(', ')}; kept literally`);
    if (isRunnerSetting(v.name)) diags.warn(job, 'variables', v.pos, `${v.name} configures GitLab's runner and has no effect in Jenkins; configure the job's checkout (e.g. clone depth) instead`);
    if (!isIdentifier(v.name)) diags.warn(job, 'variables', v.pos, `"${v.name}" is not a valid Jenkins environment name; dropped`);
    return isIdentifier(v.name);
  });
}

/**
 * The job's steps: restore artifacts, then the script and after_script (in the job's image and
 * with its services), retried as GitLab does before a failure is tolerated or reported.
 */
function steps(x: Planned, diags: Diagnostics, inFunction: boolean): string[] {
  const { job } = x;
  const out: string[] = [];
  // A helper function is Groovy already; `script {}` is Declarative's way into it.
  const script = (lines: string[]): string[] => (inFunction ? lines : block('script', lines));
  if (x.unstash === 'earlier-stages') out.push(...script(block(`for (String producer : artifactsBefore(${x.stageIndex}))`, ['unstashIfPresent(producer)'])));
  else if (x.unstash.length) out.push(...script(x.unstash.map((s) => `unstashIfPresent(${str(s)})`)));
  if (job.startInSeconds !== undefined) out.push(`sleep(time: ${job.startInSeconds}, unit: 'SECONDS')`);
  const main = scriptStep([...job.beforeScript, ...job.script]);
  // after_script runs after the script whatever its result, in the same container and services.
  const shell = job.afterScript.length ? withAfterScript(main, job.afterScript) : [main];
  const scripted = sidecars(job).length > 0 || job.afterScript.length > 0;
  let run = sidecars(job).length ? withServices(job, x.scope, x.axes, x.serviceVariables, shell, diags) : shell;
  if (scripted) run = script(run);
  if (job.retry && catches(x)) run = block(`retry(${job.retry + 1})`, run);
  // What a failed job does not pass on (artifacts uploaded on_success, the default) goes with the
  // script, inside the catchError that tolerates or records its failure.
  const passOn: string[] = [];
  if (job.artifacts?.dotenv.length) passOn.push(...script(job.artifacts.dotenv.map((f) => `loadDotenv(${str(f)})`)));
  if (x.stash) {
    if (job.parallel) diags.warn(job.name, 'artifacts', job.keyPos.get('artifacts')!, 'every matrix cell stashes under the same name; the last one wins');
    passOn.push(`stash name: ${str(job.name)}, includes: ${patterns(job.artifacts!.paths)}${excludes(job)}, allowEmpty: true`);
  }
  const onSuccessOnly = (job.artifacts?.when ?? 'on_success') === 'on_success';
  const wrapper = job.allowFailure ? ALLOW_FAILURE : x.keepGoing ? FAIL_AND_CONTINUE : undefined;
  if (wrapper === undefined) return [...out, ...run, ...passOn];
  return onSuccessOnly ? [...out, ...block(wrapper, [...run, ...passOn])] : [...out, ...block(wrapper, run), ...passOn];
}

/** The script, then after_script whatever happened, with GitLab's CI_JOB_STATUS when it reads it. */
function withAfterScript(main: string, afterScript: readonly string[]): string[] {
  const after = afterScriptStep(afterScript);
  if (!referencedVariables(afterScript.join('\n')).includes('CI_JOB_STATUS')) return chain([['try', [main]], ['finally', [after]]]);
  return [
    "String jobStatus = 'failed'",
    ...chain([
      ['try', [main, "jobStatus = 'success'"]],
      ['finally', block('withEnv(["CI_JOB_STATUS=${jobStatus}"])', [after])],
    ]),
  ];
}

/**
 * Ant patterns for GitLab artifact paths. GitLab matches each path (a glob) and takes a matched
 * directory with everything below it, so `dir/*\/reports` means `dir/*\/reports/**` too; paths
 * may start with `$CI_PROJECT_DIR/`, the workspace Jenkins' patterns are relative to.
 */
function patterns(paths: readonly string[]): string {
  const ant = paths.flatMap((raw) => {
    const p = raw.replace(/^(?:\$CI_PROJECT_DIR|\$\{CI_PROJECT_DIR\})(?:\/|$)/, '').replace(/^(?:\.\/)+/, '');
    if (p === '' || p === '.') return ['**'];
    return p.endsWith('/') ? [`${p}**`] : [p, `${p}/**`];
  });
  return expanded([...new Set(ant)].join(', '), jenkinsTextWith(new Set()));
}

function excludes(job: Job): string {
  const ex = job.artifacts?.exclude ?? [];
  return ex.length ? `, excludes: ${patterns(ex)}` : '';
}

function stagePost(job: Job): string[] {
  const conditions = new Map<string, string[]>();
  const add = (cond: string, line: string): void => {
    conditions.set(cond, [...(conditions.get(cond) ?? []), line]);
  };
  if (job.artifacts?.junit.length) add('always', `junit testResults: ${expanded(job.artifacts.junit.join(', '), jenkinsTextWith(new Set()))}, allowEmptyResults: true`);
  if (job.artifacts?.paths.length) {
    add({ on_success: 'success', on_failure: 'failure', always: 'always' }[job.artifacts.when], `archiveArtifacts artifacts: ${patterns(job.artifacts.paths)}${excludes(job)}, allowEmptyArchive: true`);
  }
  if (conditions.size === 0) return [];
  return block('post', ['always', 'failure', 'success'].flatMap((c) => (conditions.has(c) ? block(c, conditions.get(c)!) : [])));
}
