import { Diagnostics, FROM_INCLUDE, PipelineError, type SourcePos } from './diagnostics';
import { parseDurationSeconds } from './duration';
import type { UnresolvedInclude } from './includes';
import type { Artifacts, Axis, Image, Job, JobWhen, Need, Parallel, Pipeline, RefFilter, Rule, Service, Trigger, Variable } from './model';
import { describe, get, type YMap, type YNode } from './yaml-tree';

const DEFAULT_STAGES = ['build', 'test', 'deploy'];
const GLOBAL_KEYS = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);
/** Keys `default:` (and their deprecated top-level forms) may give to jobs. */
const DEFAULTABLE = ['image', 'services', 'before_script', 'after_script', 'tags', 'cache', 'artifacts', 'retry', 'timeout', 'interruptible', 'hooks', 'id_tokens'];
/** Job keys with no Jenkins counterpart: accepted, reported, dropped. */
const UNMAPPED: Readonly<Record<string, string>> = {
  cache: 'Jenkins has no built-in cache; consider the Job Cacher plugin (cache(caches: [...]))',
  interruptible: 'use disableConcurrentBuilds(abortPrevious: true) at pipeline level',
  coverage: 'use a coverage publisher plugin (e.g. recordCoverage)',
  release: 'create the release in a script step',
  secrets: 'use withCredentials',
  id_tokens: 'use withCredentials or an OIDC plugin',
  hooks: 'no Jenkins counterpart',
  pages: 'publish the site in a script step',
  dast_configuration: 'no Jenkins counterpart',
  identity: 'use withCredentials',
  run: 'CI steps are not supported; use script',
};
const MAPPED = new Set(['type', 'script', 'before_script', 'after_script', 'image', 'services', 'tags', 'stage', 'variables', 'rules', 'only', 'except', 'when', 'start_in', 'allow_failure', 'retry', 'timeout', 'artifacts', 'needs', 'dependencies', 'parallel', 'environment', 'resource_group', 'trigger', 'inherit', 'manual_confirmation']);
const WHENS: readonly JobWhen[] = ['on_success', 'on_failure', 'always', 'manual', 'delayed', 'never'];
/** GitLab's limit on the jobs one `parallel:` creates. */
const MAX_PARALLEL = 200;

/** Validates the resolved configuration the way GitLab does and builds the pipeline model. */
export function buildPipeline(root: YMap, file: string, unresolvedIncludes: readonly UnresolvedInclude[], diags: Diagnostics): Pipeline {
  const stagesNode = get(root, 'stages');
  const declared = stagesNode ? strings(stagesNode, 'stages') : DEFAULT_STAGES;
  const stages = ['.pre', ...declared.filter((s) => s !== '.pre' && s !== '.post'), '.post'];
  const stageIndex = new Map(stages.map((s, i) => [s, i]));
  const defaults = defaultEntries(root);
  const workflow = root.entries.get('workflow');
  if (workflow) diags.warn('', 'workflow', workflow.keyPos, 'workflow: (pipeline-level rules/name) is not mapped; configure branch discovery in the multibranch job instead');

  // Unread includes may define the missing parts of jobs (often a template job overridden here).
  const partial = unresolvedIncludes.length > 0;
  const jobs: Job[] = [];
  for (const [name, entry] of root.entries) {
    if (GLOBAL_KEYS.has(name) || name.startsWith('.')) continue;
    if (entry.value.kind !== 'map') throw new PipelineError(`job "${name}" must be a mapping, not ${describe(entry.value)}`, entry.value.pos);
    jobs.push(buildJob(name, entry.keyPos, entry.value, { defaults, stages, stageIndex, partial }, diags));
  }
  if (jobs.length === 0 && !partial) throw new PipelineError('the pipeline has no visible job', root.pos);
  if (jobs.length === 0) diags.warn('', 'include', root.pos, `no visible job here; the jobs are ${FROM_INCLUDE}`);
  checkNeeds(jobs, stageIndex, partial, diags);
  const vars = get(root, 'variables');
  return { file, stages, variables: vars ? variables(vars) : [], jobs, unresolvedIncludes };
}

/** `default:` entries, completed by the deprecated top-level forms (image:, services:, ...). */
function defaultEntries(root: YMap): YMap {
  const def = get(root, 'default');
  if (def && def.kind !== 'map') throw new PipelineError(`default must be a mapping, not ${describe(def)}`, def.pos);
  const entries = new Map(def?.entries);
  for (const key of entries.keys()) {
    if (!DEFAULTABLE.includes(key)) throw new PipelineError(`default: does not accept "${key}"`, entries.get(key)!.keyPos);
  }
  for (const key of ['image', 'services', 'cache', 'before_script', 'after_script']) {
    const legacy = root.entries.get(key);
    if (legacy && !entries.has(key)) entries.set(key, legacy);
  }
  return { kind: 'map', entries, pos: def?.pos ?? root.pos };
}

/** What every job is built against. */
interface JobContext {
  readonly defaults: YMap;
  readonly stages: readonly string[];
  /** Each stage's position in `stages`. */
  readonly stageIndex: ReadonlyMap<string, number>;
  /** Some includes could not be read, so a job may lack what they define. */
  readonly partial: boolean;
}

function buildJob(name: string, pos: SourcePos, own: YMap, { defaults, stages, stageIndex, partial }: JobContext, diags: Diagnostics): Job {
  const m = applyDefaults(own, defaults);
  const keyPos = new Map([...m.entries].map(([k, e]) => [k, e.keyPos] as const));
  for (const [key, e] of m.entries) {
    if (key in UNMAPPED) diags.warn(name, key, e.keyPos, `not mapped: ${UNMAPPED[key]}`);
    else if (key === 'inherit' && e.value.kind === 'map' && e.value.entries.has('variables')) {
      diags.warn(name, 'inherit', e.keyPos, 'inherit:variables is not mapped; global variables reach every Jenkins stage');
    }
    else if (!MAPPED.has(key)) throw new PipelineError(`job "${name}" has unknown key "${key}"`, e.keyPos);
  }
  // A job named `pages` is GitLab's Pages deployment even without the `pages:` keyword.
  if (name === 'pages' && !m.entries.has('pages')) diags.warn(name, 'pages', pos, `GitLab deploys this job's public/ to Pages; Jenkins only archives it: ${UNMAPPED.pages}`);
  // `key: null` unsets what a parent or default gave, as in `parallel: null`.
  const opt = <T>(key: string, f: (n: YNode) => T): T | undefined => {
    const n = get(m, key);
    return n === undefined || (n.kind === 'scalar' && n.value === null) ? undefined : f(n);
  };
  const trigger = opt('trigger', (n) => triggerOf(n, keyPos.get('trigger')!));
  const script = opt('script', (n) => scriptLines(n, 'script')) ?? [];
  const incomplete = script.length === 0 && trigger === undefined;
  if (incomplete && !partial) throw new PipelineError(`job "${name}" has no script (GitLab requires script, run or trigger)`, pos);
  if (incomplete) diags.warn(name, 'script', pos, `no script here; the job is ${FROM_INCLUDE}, so its stage fails at run time`);
  if (trigger?.kind === 'other') {
    diags.warn(name, 'trigger', trigger.pos, `downstream pipeline (${trigger.target}) is not translated; the stage fails at run time (port it to build job: ...)`);
  }
  if (get(m, 'rules') && (get(m, 'only') || get(m, 'except'))) {
    throw new PipelineError(`job "${name}" may not use rules together with only/except`, keyPos.get('rules')!);
  }
  // `type:` is GitLab's deprecated alias of `stage:`.
  const stageNode = get(m, 'stage') ?? get(m, 'type');
  let stage = stageNode ? scalar(stageNode, 'stage') : 'test';
  if (!stageIndex.has(stage) && incomplete) {
    diags.warn(name, 'stage', stageNode?.pos ?? pos, `stage "${stage}" is not in stages:; the job is ${FROM_INCLUDE}, which probably sets its stage, so it runs first`);
    stage = stages[0];
  }
  if (!stageIndex.has(stage)) throw new PipelineError(`job "${name}" uses stage "${stage}", which is not in stages:`, stageNode?.pos ?? pos);
  const when = opt('when', whenValue) ?? 'on_success';
  const rules = opt('rules', (n) => flatList(n, 'rules').map((r) => rule(r, when)));
  const allowFailure = opt('allow_failure', (n) => allowFailureValue(name, n, diags)) ?? (when === 'manual' && !rules);
  return {
    name,
    pos,
    keyPos,
    stage,
    image: opt('image', image),
    tags: opt('tags', (n) => strings(n, 'tags')) ?? [],
    services: opt('services', (n) => seq(n, 'services').map(service)) ?? [],
    beforeScript: opt('before_script', (n) => scriptLines(n, 'before_script')) ?? [],
    script,
    afterScript: opt('after_script', (n) => scriptLines(n, 'after_script')) ?? [],
    variables: opt('variables', variables) ?? [],
    rules,
    only: opt('only', refFilter),
    except: opt('except', refFilter),
    when,
    startInSeconds: opt('start_in', (n) => duration(n, 'start_in')),
    allowFailure,
    retry: opt('retry', (n) => retry(name, n, diags)),
    timeoutSeconds: opt('timeout', (n) => duration(n, 'timeout')),
    artifacts: opt('artifacts', (n) => artifacts(name, n, diags)),
    needs: opt('needs', (n) => flatList(n, 'needs').flatMap((x) => need(name, x, diags))),
    dependencies: opt('dependencies', (n) => strings(n, 'dependencies')),
    parallel: opt('parallel', parallel),
    environment: opt('environment', (n) => environment(name, n, diags)),
    resourceGroup: opt('resource_group', (n) => scalar(n, 'resource_group')),
    confirmation: opt('manual_confirmation', (n) => scalar(n, 'manual_confirmation')),
    trigger,
    incomplete,
  };
}

/** Keys from `default:` fill in what the job lacks, unless `inherit:default` opts out. */
function applyDefaults(job: YMap, defaults: YMap): YMap {
  const inherit = get(job, 'inherit');
  const inheritDefault = inherit?.kind === 'map' ? get(inherit, 'default') : undefined;
  const allowed = (key: string): boolean => {
    if (!inheritDefault) return true;
    if (inheritDefault.kind === 'scalar') return inheritDefault.value !== false;
    return strings(inheritDefault, 'inherit:default').includes(key);
  };
  const entries = new Map(job.entries);
  for (const [key, e] of defaults.entries) if (!entries.has(key) && allowed(key)) entries.set(key, e);
  return { kind: 'map', entries, pos: job.pos };
}

function checkNeeds(jobs: readonly Job[], stageIndex: ReadonlyMap<string, number>, partial: boolean, diags: Diagnostics): void {
  const stageOf = (j: Job): number => stageIndex.get(j.stage)!;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  for (const job of jobs) {
    for (const n of job.needs ?? []) {
      const target = byName.get(n.job);
      if (!target && partial) diags.warn(job.name, 'needs', n.pos, `"${n.job}" is unknown, ${FROM_INCLUDE}; not waited for`);
      else if (!target) throw new PipelineError(`job "${job.name}" needs unknown job "${n.job}"`, n.pos);
      else if (stageOf(target) > stageOf(job)) {
        throw new PipelineError(`job "${job.name}" needs "${n.job}", which runs in a later stage`, n.pos);
      }
    }
    for (const d of job.dependencies ?? []) {
      const target = byName.get(d);
      const at = job.keyPos.get('dependencies') ?? job.pos;
      if (!target && partial) diags.warn(job.name, 'dependencies', at, `"${d}" is unknown, ${FROM_INCLUDE}; its artifacts are not restored`);
      else if (target?.stage === job.stage && target !== job) {
        diags.warn(job.name, 'dependencies', at, `"${d}" runs in the same stage; it is run first, as if it were listed in needs`);
      } else if (!target || stageOf(target) > stageOf(job) || target === job) {
        throw new PipelineError(`job "${job.name}" depends on "${d}", which is not a job of an earlier stage`, at);
      }
    }
  }
}

function scalar(n: YNode, what: string): string {
  if (n.kind !== 'scalar' || n.value === null) throw new PipelineError(`${what} must be a string, not ${describe(n)}`, n.pos);
  return String(n.value);
}

function seq(n: YNode, what: string): readonly YNode[] {
  if (n.kind !== 'seq') throw new PipelineError(`${what} must be a list, not ${describe(n)}`, n.pos);
  return n.items;
}

/** A list whose nested lists (from anchors or !reference) are flattened, as GitLab does. */
function flatList(n: YNode, what: string): YNode[] {
  return seq(n, what).flatMap((i) => (i.kind === 'seq' ? flatList(i, what) : [i]));
}

/** A string or a list of strings. */
function strings(n: YNode, what: string): string[] {
  return n.kind === 'seq' ? n.items.map((i) => scalar(i, what)) : [scalar(n, what)];
}

/** Script lines; GitLab accepts nested lists (typically from !reference) and flattens them. */
function scriptLines(n: YNode, what: string): string[] {
  if (n.kind === 'seq') return n.items.flatMap((i) => scriptLines(i, what));
  if (n.kind === 'scalar' && typeof n.value === 'string') return [n.value];
  throw new PipelineError(`${what} must be a string or a list of strings, not ${describe(n)}`, n.pos);
}

function duration(n: YNode, what: string): number {
  const text = scalar(n, what);
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new PipelineError(`${what} "${text}" is not a duration (e.g. '1h 30m')`, n.pos);
  return seconds;
}

function whenValue(n: YNode): JobWhen {
  const v = scalar(n, 'when');
  if (!WHENS.includes(v as JobWhen)) throw new PipelineError(`when must be one of ${WHENS.join(', ')}`, n.pos);
  return v as JobWhen;
}

function image(n: YNode): Image {
  if (n.kind !== 'map') return { name: scalar(n, 'image') };
  const name = get(n, 'name');
  if (!name) throw new PipelineError('image needs a name', n.pos);
  const entrypoint = get(n, 'entrypoint');
  return { name: scalar(name, 'image:name'), entrypoint: entrypoint ? strings(entrypoint, 'image:entrypoint') : undefined };
}

/** GitLab's default service aliases: `a/b:1` is reachable as `a__b` and `a-b`. */
function service(n: YNode): Service {
  const m: YMap = n.kind === 'map' ? n : { kind: 'map', entries: new Map([['name', { keyPos: n.pos, value: n }]]), pos: n.pos };
  const nameNode = get(m, 'name');
  if (!nameNode) throw new PipelineError('service needs a name', n.pos);
  const name = scalar(nameNode, 'services:name');
  const alias = get(m, 'alias');
  const bare = name.replace(/[:@].*$/, '');
  const aliases = alias ? scalar(alias, 'services:alias').split(',').map((a) => a.trim()) : [...new Set([bare.replace(/\//g, '__'), bare.replace(/\//g, '-')])];
  const entrypoint = get(m, 'entrypoint');
  const command = get(m, 'command');
  const vars = get(m, 'variables');
  return {
    name,
    aliases,
    entrypoint: entrypoint ? strings(entrypoint, 'services:entrypoint') : undefined,
    command: command ? strings(command, 'services:command') : undefined,
    variables: vars ? variables(vars) : [],
  };
}

function variables(n: YNode): Variable[] {
  if (n.kind === 'scalar' && n.value === null) return [];
  if (n.kind !== 'map') throw new PipelineError(`variables must be a mapping, not ${describe(n)}`, n.pos);
  return [...n.entries].map(([name, e]) => {
    const v = e.value;
    if (v.kind === 'map') {
      const value = get(v, 'value');
      const expand = get(v, 'expand');
      return { name, value: value ? scalar(value, `variables:${name}:value`) : '', expand: expand?.kind !== 'scalar' || expand.value !== false, pos: e.keyPos };
    }
    return { name, value: v.kind === 'scalar' && v.value === null ? '' : scalar(v, `variables:${name}`), expand: true, pos: e.keyPos };
  });
}

function rule(n: YNode, jobWhen: JobWhen): Rule {
  if (n.kind !== 'map') throw new PipelineError(`a rule must be a mapping, not ${describe(n)}`, n.pos);
  const cond = get(n, 'if');
  const when = get(n, 'when');
  const allowFailure = get(n, 'allow_failure');
  if (allowFailure && (allowFailure.kind !== 'scalar' || typeof allowFailure.value !== 'boolean')) throw new PipelineError('rules:allow_failure must be true or false', allowFailure.pos);
  const vars = get(n, 'variables');
  return {
    if: cond ? scalar(cond, 'rules:if') : undefined,
    changes: pathsOf(get(n, 'changes'), 'rules:changes'),
    exists: pathsOf(get(n, 'exists'), 'rules:exists'),
    when: when ? whenValue(when) : jobWhen,
    allowFailure: allowFailure ? (allowFailure as { value: boolean }).value : undefined,
    variables: vars ? variables(vars) : [],
    pos: n.pos,
  };
}

/** `changes:`/`exists:` as a list or as `{paths: [...]}`. */
function pathsOf(n: YNode | undefined, what: string): string[] {
  if (!n) return [];
  const paths = n.kind === 'map' ? get(n, 'paths') : n;
  return paths ? strings(paths, what) : [];
}

function refFilter(n: YNode): RefFilter {
  if (n.kind !== 'map') return { refs: strings(n, 'only/except'), variables: [], changes: [], pos: n.pos };
  const list = (key: string): string[] => {
    const v = get(n, key);
    return v ? strings(v, key) : [];
  };
  return { refs: list('refs'), variables: list('variables'), changes: pathsOf(get(n, 'changes'), 'changes'), pos: n.pos };
}

function allowFailureValue(job: string, n: YNode, diags: Diagnostics): boolean {
  if (n.kind === 'scalar' && typeof n.value === 'boolean') return n.value;
  if (n.kind === 'map' && get(n, 'exit_codes')) {
    diags.warn(job, 'allow_failure', n.pos, 'exit_codes cannot be distinguished by catchError; any failure is allowed');
    return true;
  }
  throw new PipelineError('allow_failure must be a boolean or {exit_codes: ...}', n.pos);
}

function retry(job: string, n: YNode, diags: Diagnostics): number {
  const max = n.kind === 'map' ? get(n, 'max') : n;
  if (n.kind === 'map' && (get(n, 'when') || get(n, 'exit_codes'))) diags.warn(job, 'retry', n.pos, 'retry:when/exit_codes are not mapped; every failure is retried');
  const count = max ? Number(scalar(max, 'retry')) : 0;
  if (!Number.isInteger(count) || count < 0 || count > 2) throw new PipelineError('retry must be 0, 1 or 2', (max ?? n).pos);
  return count;
}

function artifacts(job: string, n: YNode, diags: Diagnostics): Artifacts {
  if (n.kind !== 'map') throw new PipelineError(`artifacts must be a mapping, not ${describe(n)}`, n.pos);
  for (const [key, e] of n.entries) {
    if (key === 'untracked' && !(e.value.kind === 'scalar' && e.value.value === false)) diags.warn(job, 'artifacts:untracked', e.keyPos, 'untracked files are not archived or stashed; list their paths instead');
  }
  const reports = get(n, 'reports');
  let junit: string[] = [];
  let dotenv: string[] = [];
  if (reports?.kind === 'map') {
    for (const [key, e] of reports.entries) {
      if (key === 'junit') junit = strings(e.value, 'artifacts:reports:junit');
      else if (key === 'dotenv') dotenv = strings(e.value, 'artifacts:reports:dotenv');
      else diags.warn(job, `artifacts:reports:${key}`, e.keyPos, 'report type not mapped; only junit and dotenv are');
    }
  }
  const paths = get(n, 'paths');
  const when = get(n, 'when');
  const w = when ? scalar(when, 'artifacts:when') : 'on_success';
  if (!['on_success', 'on_failure', 'always'].includes(w)) throw new PipelineError('artifacts:when must be on_success, on_failure or always', when!.pos);
  const exclude = get(n, 'exclude');
  return { paths: paths ? strings(paths, 'artifacts:paths') : [], exclude: exclude ? strings(exclude, 'artifacts:exclude') : [], junit, dotenv, when: w as Artifacts['when'] };
}

function need(job: string, n: YNode, diags: Diagnostics): Need[] {
  if (n.kind === 'scalar') return [{ job: scalar(n, 'needs'), artifacts: true, pos: n.pos }];
  if (n.kind !== 'map') throw new PipelineError(`needs entries must be job names, not ${describe(n)}`, n.pos);
  const target = get(n, 'job');
  if (!target || get(n, 'project') || get(n, 'pipeline')) {
    diags.warn(job, 'needs', n.pos, 'needs on another pipeline or project is not mapped; use copyArtifacts');
    return [];
  }
  if (get(n, 'parallel')) diags.warn(job, 'needs', n.pos, 'needs:parallel:matrix (one cell) is not mapped; every cell of the job is waited for and its stash restored');
  const art = get(n, 'artifacts');
  return [{ job: scalar(target, 'needs:job'), artifacts: !(art?.kind === 'scalar' && art.value === false), pos: n.pos }];
}

/**
 * A trigger job's downstream pipeline: a child pipeline when `trigger:include` names at least one
 * file of this repository (a path, or `local:`), else what it names (a project, generated or
 * remote files), which Jenkins cannot start.
 */
function triggerOf(n: YNode, pos: SourcePos): Trigger {
  if (n.kind !== 'map') return { kind: 'other', target: scalar(n, 'trigger'), pos };
  const project = get(n, 'project');
  const include = get(n, 'include');
  if (project || !include) return { kind: 'other', target: project ? scalar(project, 'trigger:project') : 'trigger without project or include', pos };
  const items = include.kind === 'seq' ? include.items : [include];
  const isLocal = (i: YNode): boolean => (i.kind === 'scalar' ? typeof i.value === 'string' && !/^https?:\/\//.test(i.value) : i.kind === 'map' && i.entries.has('local'));
  if (!items.some(isLocal)) {
    const kinds = items.map((i) => (i.kind === 'map' ? [...i.entries.keys()].find((k) => ['artifact', 'project', 'template', 'remote', 'component'].includes(k)) ?? 'include' : 'remote'));
    return { kind: 'other', target: `child pipeline from include:${[...new Set(kinds)].join('/')}`, pos };
  }
  const strategy = get(n, 'strategy');
  const forward = get(n, 'forward');
  const flag = (key: string, fallback: boolean): boolean => {
    const v = forward?.kind === 'map' ? get(forward, key) : undefined;
    if (v === undefined) return fallback;
    if (v.kind !== 'scalar' || typeof v.value !== 'boolean') throw new PipelineError(`trigger:forward:${key} must be true or false`, v.pos);
    return v.value;
  };
  const how = strategy ? scalar(strategy, 'trigger:strategy') : undefined;
  if (how !== undefined && how !== 'depend' && how !== 'mirror') throw new PipelineError('trigger:strategy must be depend or mirror', strategy!.pos);
  return { kind: 'child', include, depend: how !== undefined, forwardYaml: flag('yaml_variables', true), forwardPipeline: flag('pipeline_variables', false), pos };
}

function parallel(n: YNode): Parallel {
  if (n.kind === 'scalar') {
    const count = Number(n.value);
    if (!Number.isInteger(count) || count < 1 || count > MAX_PARALLEL) throw new PipelineError(`parallel must be an integer from 1 to ${MAX_PARALLEL}`, n.pos);
    return { kind: 'count', count };
  }
  const matrix = n.kind === 'map' ? get(n, 'matrix') : undefined;
  if (!matrix) throw new PipelineError('parallel must be a number or {matrix: [...]}', n.pos);
  const entries = seq(matrix, 'parallel:matrix').map((entry): Axis[] => {
    if (entry.kind !== 'map') throw new PipelineError('parallel:matrix entries must be mappings', entry.pos);
    return [...entry.entries].map(([name, e]) => ({ name, values: strings(e.value, `parallel:matrix:${name}`) }));
  });
  const jobs = entries.reduce((sum, e) => sum + e.reduce((cells, a) => cells * a.values.length, 1), 0);
  if (jobs > MAX_PARALLEL) throw new PipelineError(`parallel:matrix generates ${jobs} jobs; GitLab allows at most ${MAX_PARALLEL}`, matrix.pos);
  return { kind: 'matrix', entries };
}

function environment(job: string, n: YNode, diags: Diagnostics): { name: string; url?: string } {
  if (n.kind !== 'map') return { name: scalar(n, 'environment') };
  for (const [key, e] of n.entries) {
    if (key !== 'name' && key !== 'url') diags.warn(job, `environment:${key}`, e.keyPos, 'deployment tracking is not mapped; only CI_ENVIRONMENT_NAME/URL are set');
  }
  const name = get(n, 'name');
  const url = get(n, 'url');
  if (!name) throw new PipelineError('environment needs a name', n.pos);
  return { name: scalar(name, 'environment:name'), url: url ? scalar(url, 'environment:url') : undefined };
}
