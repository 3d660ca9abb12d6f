import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { Diagnostics, PipelineError, type SourcePos } from './diagnostics';
import { expandGlob, isGlob } from './glob';
import { parseYamlFile } from './parse-yaml';
import { deepMerge, describe, withEntries, type YMap, type YNode } from './yaml-tree';

/** An include that needs the network or another project; it becomes a failing placeholder stage. */
export interface UnresolvedInclude {
  /** 'remote', 'template', 'project' or 'component'. */
  readonly type: string;
  /** What was included (URL, template name, `project:file`, component path). */
  readonly target: string;
  readonly pos: SourcePos;
}

/** The configuration with every `include: local` merged in, plus what could not be fetched offline. */
export interface LoadedConfig {
  readonly root: YMap;
  readonly unresolved: readonly UnresolvedInclude[];
}

const REMOTE_TYPES = ['remote', 'template', 'project', 'component'] as const;

/**
 * Reads `entry` and merges its local includes recursively. As in GitLab, local paths are relative
 * to the repository root (not to the including file) and the including file overrides what it
 * includes. A file including itself, directly or not, is an error.
 */
export function loadWithIncludes(entry: string, repoRoot: string, diags: Diagnostics): LoadedConfig {
  const unresolved: UnresolvedInclude[] = [];
  const entryRel = toRepoPath(repoRoot, entry);
  const load = (rel: string, chain: readonly string[], from: SourcePos | undefined): YMap => {
    if (chain.includes(rel)) {
      throw new PipelineError(`include cycle: ${[...chain, rel].join(' -> ')}`, from ?? { file: rel, line: 1, col: 1 });
    }
    const abs = join(repoRoot, rel);
    if (!existsSync(abs)) {
      throw new PipelineError(`included file "${rel}" does not exist`, from ?? { file: rel, line: 1, col: 1 });
    }
    const root = parseYamlFile(readFileSync(abs, 'utf8'), rel);
    const inc = root.entries.get('include');
    if (!inc) return root;
    const rest = new Map(root.entries);
    rest.delete('include');
    let merged: YMap | undefined;
    for (const item of inc.value.kind === 'seq' ? inc.value.items : [inc.value]) {
      for (const local of localPaths(item, repoRoot, unresolved, diags)) {
        const sub = load(local, [...chain, rel], item.pos);
        merged = merged ? deepMerge(merged, sub) : sub;
      }
    }
    const own = withEntries(root, rest);
    return merged ? deepMerge(merged, own) : own;
  };
  return { root: load(entryRel, [], undefined), unresolved };
}

/** The local files one `include:` item names; remote kinds are recorded and warned about instead. */
function localPaths(item: YNode, repoRoot: string, unresolved: UnresolvedInclude[], diags: Diagnostics): string[] {
  if (item.kind === 'scalar' && typeof item.value === 'string') {
    return /^https?:\/\//.test(item.value) ? remote('remote', item.value, item.pos) : local(item.value, item.pos);
  }
  if (item.kind !== 'map') throw new PipelineError(`include entries must be strings or mappings, not ${describe(item)}`, item.pos);
  for (const key of item.entries.keys()) {
    if (!['local', ...REMOTE_TYPES, 'file', 'ref', 'rules', 'inputs', 'cache', 'integrity'].includes(key)) {
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
  for (const type of REMOTE_TYPES) {
    const e = item.entries.get(type);
    if (!e) continue;
    const file = item.entries.get('file')?.value;
    const files = file?.kind === 'seq' ? file.items : file ? [file] : [];
    const target = [scalarText(e.value), ...files.map(scalarText)].join(':');
    return remote(type, target, e.keyPos);
  }
  throw new PipelineError('include entry needs one of local, remote, template, project, component', item.pos);

  function remote(type: string, target: string, pos: SourcePos): string[] {
    unresolved.push({ type, target, pos });
    diags.warn('', 'include', pos, `include:${type} "${target}" cannot be resolved offline; a failing placeholder stage was emitted`);
    return [];
  }

  function local(path: string, pos: SourcePos): string[] {
    const rel = normalize(path.replace(/^\/+/, '')).split(sep).join('/');
    if (rel.startsWith('../') || isAbsolute(rel)) throw new PipelineError(`include:local "${path}" is outside the repository`, pos);
    if (!isGlob(rel)) return [rel];
    const found = expandGlob(repoRoot, rel);
    if (found.length === 0) diags.warn('', 'include', pos, `include:local pattern "${path}" matched no file`);
    return found;
  }
}

function scalarText(node: YNode): string {
  return node.kind === 'scalar' ? String(node.value) : describe(node);
}

/** The entry path as GitLab would name it: relative to the repository root, with forward slashes. */
export function toRepoPath(repoRoot: string, file: string): string {
  return relative(repoRoot, file).split(sep).join('/');
}
