import { posix } from 'node:path';
import { Diagnostics, PipelineError, type SourcePos, type Warning } from './diagnostics';
import { isGlob } from './glob';
import { parseYamlFile } from './parse-yaml';
import { deepMerge, describe, withEntries, type YMap, type YNode } from './yaml-tree';

/** An include that cannot be read here; it becomes a failing placeholder stage. */
export interface UnresolvedInclude {
  /** 'remote', 'template', 'project', 'component', 'artifact' (child pipelines), or 'local' when there is no repository. */
  readonly type: string;
  /** What was included (URL, template name, `project:file`, component path, local path). */
  readonly target: string;
  /** Why it was not resolved, e.g. 'cannot be resolved offline'. */
  readonly reason: string;
  readonly pos: SourcePos;
}

/** The repository files `include: local` reads, with repository-relative '/' paths. */
export interface RepoFiles {
  /** The file's text, or undefined if there is no such file. */
  readonly read: (path: string) => string | undefined;
  /** Files matching a glob (`*`, `**`, `?`), sorted so includes merge in a stable order. */
  readonly glob: (pattern: string) => readonly string[];
}

/** The configuration with every `include: local` merged in, plus what could not be fetched offline. */
export interface LoadedConfig {
  readonly root: YMap;
  readonly unresolved: readonly UnresolvedInclude[];
}

const REMOTE_TYPES = ['remote', 'template', 'project', 'component'] as const;

/**
 * Files parsed during one translation, by path: a child pipeline often includes what its parent
 * did (or is the entry file itself), and parsing is most of the cost. The trees are immutable.
 */
export type ParsedFiles = Map<string, { readonly text: string; readonly root: YMap; readonly warnings: readonly Warning[] }>;

/** GitLab's limit on included files per pipeline; it also bounds a file included many times over. */
const MAX_INCLUDES = 150;

/**
 * Parses the entry file `entry` (repository-relative) and merges its local includes recursively.
 * As in GitLab, local paths are relative to the repository root (not to the including file) and
 * the including file overrides what it includes. A file including itself, directly or not, is an
 * error. Without `repo` (a single uploaded file) local includes become placeholders too.
 */
export function loadWithIncludes(entry: string, entryText: string, repo: RepoFiles | undefined, diags: Diagnostics, parsed: ParsedFiles = new Map()): LoadedConfig {
  const loader = includeLoader(repo, diags, parsed);
  return { root: loader.file(entry, [], undefined, entryText), unresolved: loader.unresolved };
}

/**
 * A child pipeline's configuration: the files its `trigger:include` names (the same forms as
 * `include:`, plus `artifact:`, which is generated at run time), merged in order, each with its
 * own includes, as GitLab creates the child pipeline.
 */
export function loadChildConfig(include: YNode, repo: RepoFiles, diags: Diagnostics, parsed: ParsedFiles): LoadedConfig {
  const loader = includeLoader(repo, diags, parsed);
  const empty: YMap = { kind: 'map', entries: new Map(), pos: include.pos };
  return { root: loader.merge(include, [], empty), unresolved: loader.unresolved };
}

function includeLoader(repo: RepoFiles | undefined, diags: Diagnostics, parsed: ParsedFiles) {
  const parse = (text: string, rel: string): YMap => {
    let hit = parsed.get(rel);
    if (hit?.text !== text) {
      const own = new Diagnostics();
      hit = { text, root: parseYamlFile(text, rel, own), warnings: own.warnings };
      parsed.set(rel, hit);
    }
    for (const w of hit.warnings) diags.warn(w.job, w.key, { file: w.file, line: w.line, col: 1 }, w.message);
    return hit.root;
  };
  const unresolved: UnresolvedInclude[] = [];
  let included = 0;
  /** `own` with the files `inc` names merged under it (the including file overrides). */
  const merge = (inc: YNode, chain: readonly string[], own: YMap): YMap => {
    let merged: YMap | undefined;
    for (const item of inc.kind === 'seq' ? inc.items : [inc]) {
      for (const local of localPaths(item, repo, unresolved, diags)) {
        const sub = file(local, chain, item.pos);
        merged = merged ? deepMerge(merged, sub) : sub;
      }
    }
    return merged ? deepMerge(merged, own) : own;
  };
  const file = (rel: string, chain: readonly string[], from: SourcePos | undefined, entryText?: string): YMap => {
    if (from !== undefined && ++included > MAX_INCLUDES) throw new PipelineError(`more than ${MAX_INCLUDES} includes (GitLab's limit)`, from);
    if (chain.includes(rel)) {
      throw new PipelineError(`include cycle: ${[...chain, rel].join(' -> ')}`, from ?? { file: rel, line: 1, col: 1 });
    }
    const text = from === undefined ? entryText : repo?.read(rel);
    if (text === undefined) throw new PipelineError(`included file "${rel}" does not exist`, from ?? { file: rel, line: 1, col: 1 });
    const root = parse(text, rel);
    const inc = root.entries.get('include');
    if (!inc) return root;
    const rest = new Map(root.entries);
    rest.delete('include');
    return merge(inc.value, [...chain, rel], withEntries(root, rest));
  };
  return { file, merge, unresolved };
}

/** The local files one `include:` item names; remote kinds are recorded and warned about instead. */
function localPaths(item: YNode, repo: RepoFiles | undefined, unresolved: UnresolvedInclude[], diags: Diagnostics): readonly string[] {
  if (item.kind === 'scalar' && typeof item.value === 'string') {
    return /^https?:\/\//.test(item.value) ? remote('remote', item.value, item.pos) : local(item.value, item.pos);
  }
  if (item.kind !== 'map') throw new PipelineError(`include entries must be strings or mappings, not ${describe(item)}`, item.pos);
  for (const key of item.entries.keys()) {
    if (!['local', ...REMOTE_TYPES, 'artifact', 'job', 'file', 'ref', 'rules', 'inputs', 'cache', 'integrity'].includes(key)) {
      throw new PipelineError(`unknown include key "${key}"`, item.entries.get(key)!.keyPos);
    }
  }
  for (const key of ['rules', 'inputs']) {
    const e = item.entries.get(key);
    if (e) diags.warn('', 'include', e.keyPos, `include:${key} is not evaluated; the file is always included`);
  }
  const localEntry = item.entries.get('local');
  if (localEntry) {
    const v = localEntry.value;
    if (v.kind !== 'scalar' || typeof v.value !== 'string') throw new PipelineError('include:local must be a string', v.pos);
    return local(v.value, v.pos);
  }
  const artifact = item.entries.get('artifact');
  if (artifact) {
    const job = item.entries.get('job')?.value;
    return remote('artifact', `${scalarText(artifact.value)} of job ${job ? scalarText(job) : '?'}`, artifact.keyPos, 'is generated at run time');
  }
  for (const type of REMOTE_TYPES) {
    const e = item.entries.get(type);
    if (!e) continue;
    const file = item.entries.get('file')?.value;
    const files = file?.kind === 'seq' ? file.items : file ? [file] : [];
    const target = [scalarText(e.value), ...files.map(scalarText)].join(':');
    return remote(type, target, e.keyPos);
  }
  throw new PipelineError('include entry needs one of local, remote, template, project, component', item.pos);

  function remote(type: string, target: string, pos: SourcePos, reason = 'cannot be resolved offline'): string[] {
    unresolved.push({ type, target, reason, pos });
    diags.warn('', 'include', pos, `include:${type} "${target}" ${reason}; a failing placeholder stage was emitted`);
    return [];
  }

  function local(path: string, pos: SourcePos): readonly string[] {
    const rel = posix.normalize(path.replace(/^\/+/, ''));
    if (rel.startsWith('../')) throw new PipelineError(`include:local "${path}" is outside the repository`, pos);
    if (!repo) return remote('local', path, pos, 'cannot be resolved from a single uploaded file (translate the repository with the CLI)');
    if (!isGlob(rel)) return [rel];
    const found = repo.glob(rel);
    if (found.length === 0) diags.warn('', 'include', pos, `include:local pattern "${path}" matched no file`);
    return found;
  }
}

function scalarText(node: YNode): string {
  return node.kind === 'scalar' ? String(node.value) : describe(node);
}
