import { posix } from 'node:path';
import { buildPipeline } from './build-model';
import { Diagnostics, PipelineError, type Warning } from './diagnostics';
import { emitJenkinsfile, type Downstream } from './emitter';
import { resolveExtends } from './extends';
import { loadChildConfig, type LoadedConfig, type ParsedFiles, type RepoFiles } from './includes';
import { isIdentifier } from '../../../lib/groovy/groovy';
import type { Job, Pipeline, Trigger, Variable } from './model';
import { resolveReferences } from './reference-tag';
import type { YNode } from './yaml-tree';

/** A child pipeline's Jenkinsfile, for the downstream job its trigger jobs start. */
export interface ChildJenkinsfile {
  /**
   * The Jenkins job's name and the file's suffix (`Jenkinsfile.<name>`): a multibranch project of
   * that name next to the parent's, reading that file, with the parent's branches.
   */
  readonly name: string;
  /** The repository files `trigger:include` names, in order. */
  readonly sources: readonly string[];
  readonly jenkinsfile: string;
}

/** The generated Jenkinsfiles: the pipeline's own and one per child pipeline it (or a child) starts. */
export interface EmittedPipelines {
  readonly jenkinsfile: string;
  readonly children: readonly ChildJenkinsfile[];
}

/** The model of a loaded configuration: GitLab merges includes, then extends, and resolves !reference last. */
export function pipelineModel({ root, unresolved }: LoadedConfig, file: string, diags: Diagnostics): Pipeline {
  const partial = unresolved.length > 0;
  return buildPipeline(resolveReferences(resolveExtends(root, partial, diags), partial, diags), file, unresolved, diags);
}

type ChildTrigger = Extract<Trigger, { kind: 'child' }>;

/** One child pipeline: a set of included files, translated once however many jobs trigger it. */
interface Child {
  readonly name: string;
  readonly sources: readonly string[];
  /**
   * Its model, or GitLab's reason for not creating it (the trigger job fails at run time), or
   * undefined when there is no repository to read it from.
   */
  readonly pipeline: Pipeline | { readonly error: string } | undefined;
  /** Variables its trigger jobs forward: its parameters. */
  readonly parameters: Set<string>;
  readonly diags: Diagnostics;
}

/**
 * Emits the pipeline and, for its `trigger:include` jobs naming files of the repository, each
 * child pipeline (and theirs) as a Jenkinsfile of its own. A child included by several trigger
 * jobs (or by itself, as GitLab allows) is one Jenkinsfile and one Jenkins job. Without a
 * repository (one uploaded file) the trigger jobs still start the child's job, whose Jenkinsfile
 * the CLI writes.
 */
export function emitWithChildren(root: Pipeline, repo: RepoFiles | undefined, diags: Diagnostics, parsed: ParsedFiles): EmittedPipelines {
  const children = new Map<string, Child>();
  const names = new Set<string>();
  const starts = new Map<Pipeline, Map<string, { job: string } | { error: string }>>();
  const parameters = new Map<Pipeline, readonly string[]>([[root, []]]);
  const diagsOf = new Map<Pipeline, Diagnostics>([[root, diags]]);
  // Breadth first, so a child's parameters are known before its own children are planned.
  const queue: Pipeline[] = [root];
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i];
    const map = new Map<string, { job: string } | { error: string }>();
    starts.set(p, map);
    const d = diagsOf.get(p)!;
    for (const job of p.jobs) {
      if (job.trigger?.kind !== 'child') continue;
      const trigger = job.trigger;
      const sources = includedFiles(trigger.include);
      const key = JSON.stringify(sources);
      let child = children.get(key);
      if (!child) {
        child = newChild(uniqueName(sources, names), sources, trigger.include, repo, parsed);
        children.set(key, child);
        if (child.pipeline && !('error' in child.pipeline)) {
          queue.push(child.pipeline);
          diagsOf.set(child.pipeline, child.diags);
        }
      }
      for (const n of forwarded(p, job, trigger, parameters.get(p) ?? [])) child.parameters.add(n);
      if (child.pipeline && 'error' in child.pipeline) {
        map.set(job.name, { error: `GitLab cannot create the child pipeline of trigger job "${job.name}": ${child.pipeline.error}` });
        d.warn(job.name, 'trigger', trigger.pos, `the child pipeline (${sources.join(', ')}) cannot be created: ${child.pipeline.error}; the stage fails at run time, as the trigger job does in GitLab`);
        continue;
      }
      map.set(job.name, { job: child.name });
      if (child.pipeline) parameters.set(child.pipeline, [...child.parameters]);
      d.warn(job.name, 'trigger', trigger.pos, startWarning(child, trigger, child.pipeline !== undefined));
    }
  }
  const emit = (p: Pipeline, d: Diagnostics, own: Downstream['parameters']): string => emitJenkinsfile(own?.length ? withoutYamlValues(p, new Set(own)) : p, d, { parameters: own, children: starts.get(p) });
  const jenkinsfile = emit(root, diags, []);
  const out: ChildJenkinsfile[] = [];
  for (const child of children.values()) {
    if (!child.pipeline || 'error' in child.pipeline) continue;
    const own = [...child.parameters];
    out.push({ name: child.name, sources: child.sources, jenkinsfile: emit(child.pipeline, child.diags, own) });
  }
  // A child's warnings name its own files; the same file read for two children warns once.
  const seen = new Set(diags.warnings.map(key));
  for (const child of children.values()) {
    for (const w of child.diags.warnings) if (!seen.has(key(w)) && seen.add(key(w))) diags.warn(w.job, w.key, { file: w.file, line: w.line, col: 1 }, w.message);
  }
  return { jenkinsfile, children: out.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

function key(w: Warning): string {
  return JSON.stringify([w.file, w.line, w.job, w.key, w.message]);
}

function newChild(name: string, sources: readonly string[], include: YNode, repo: RepoFiles | undefined, parsed: ParsedFiles): Child {
  const diags = new Diagnostics();
  const common = { name, sources, parameters: new Set<string>(), diags };
  // No repository: the files are not here to read; the job is started all the same (see above).
  if (!repo) return { ...common, pipeline: undefined };
  try {
    return { ...common, pipeline: pipelineModel(loadChildConfig(include, repo, diags, parsed), sources.join(', '), diags) };
  } catch (e) {
    if (!(e instanceof PipelineError)) throw e;
    return { ...common, pipeline: { error: e.message } };
  }
}

function startWarning(child: Child, trigger: ChildTrigger, translated: boolean): string {
  const file = `Jenkinsfile.${child.name}`;
  const from = translated ? `${file} (written next to this Jenkinsfile)` : `${file}, which the CLI writes from the repository (a single uploaded file cannot include the child's files)`;
  const waits = trigger.depend ? 'waits for it and takes its result' : 'does not wait for it, as GitLab does without strategy: depend';
  return `runs the child pipeline as the Jenkins job "../${child.name}/<branch>" and ${waits}: create a multibranch project "${child.name}" next to this one, on this repository, reading ${from}, with automatic SCM triggering suppressed (only the parent starts it), so it builds the same branch; Jenkins starts it at the branch head, GitLab at the parent's commit. Parameters are taken once the job has run once (or with hudson.model.ParametersAction.keepUndefinedParameters)`;
}

/**
 * What the trigger job passes down (GitLab's downstream variables): with `forward:yaml_variables`
 * the job's variables, the global ones included, and its rules' variables; with
 * `forward:pipeline_variables` the variables passed to this pipeline (its parameters).
 */
function forwarded(p: Pipeline, job: Job, trigger: ChildTrigger, own: readonly string[]): string[] {
  const yaml: readonly Variable[] = trigger.forwardYaml ? [...p.variables, ...job.variables, ...(job.rules ?? []).flatMap((r) => r.variables)] : [];
  return [...yaml.map((v) => v.name).filter(isIdentifier), ...(trigger.forwardPipeline ? own : [])];
}

/**
 * Variables passed to a downstream pipeline take precedence over its own YAML variables (they
 * are pipeline variables there): the child's definitions of them go, so the parameter is seen.
 */
function withoutYamlValues(p: Pipeline, names: ReadonlySet<string>): Pipeline {
  const keep = (vars: readonly Variable[]): Variable[] => vars.filter((v) => !names.has(v.name));
  return {
    ...p,
    variables: keep(p.variables),
    jobs: p.jobs.map((j) => ({ ...j, variables: keep(j.variables), rules: j.rules?.map((r) => ({ ...r, variables: keep(r.variables) })) })),
  };
}

/** The files `trigger:include` names, repository-relative, in order (others by type and target). */
function includedFiles(include: YNode): string[] {
  const items = include.kind === 'seq' ? include.items : [include];
  return items.map((i) => {
    const local = i.kind === 'map' ? i.entries.get('local')?.value : i;
    if (local?.kind === 'scalar' && typeof local.value === 'string') return posix.normalize(local.value.replace(/^\/+/, ''));
    return i.kind === 'map' ? [...i.entries].map(([k, e]) => `${k}:${e.value.kind === 'scalar' ? String(e.value.value) : e.value.kind}`).join(' ') : '?';
  });
}

/** `ci/deploy.yml` -> `ci-deploy`; several files joined with `+`; a second use gets `-2`. */
function uniqueName(sources: readonly string[], taken: Set<string>): string {
  const base =
    sources
      .map((s) => s.replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '').toLowerCase())
      .filter((s) => s !== '')
      .join('+') || 'child';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
