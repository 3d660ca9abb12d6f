import { Diagnostics, FROM_INCLUDE, PipelineError, type SourcePos } from './diagnostics';
import { deepMerge, describe, withEntries, type YEntry, type YMap, type YNode } from './yaml-tree';

/** GitLab rejects inheritance chains deeper than this. */
const MAX_LEVELS = 11;

/**
 * Resolves `extends` for every top-level mapping (jobs and hidden jobs). Parents listed later win
 * over earlier ones and the job wins over all parents; mappings merge deeply, lists are replaced.
 * When `partial` (some includes were not read), an unknown parent is warned about and skipped.
 */
export function resolveExtends(root: YMap, partial: boolean, diags: Diagnostics): YMap {
  const done = new Map<string, YMap>();
  const resolve = (name: string, chain: readonly string[]): YMap => {
    const cached = done.get(name);
    if (cached) return cached;
    const job = root.entries.get(name)!.value as YMap;
    const ext = job.entries.get('extends');
    if (!ext) {
      done.set(name, job);
      return job;
    }
    if (chain.length >= MAX_LEVELS) throw new PipelineError(`extends nested deeper than ${MAX_LEVELS} levels`, ext.keyPos);
    let base: YMap | undefined;
    for (const parent of parentNames(ext.value)) {
      if (chain.includes(parent.name) || parent.name === name) {
        throw new PipelineError(`extends cycle: ${[...chain, name, parent.name].join(' -> ')}`, parent.pos);
      }
      const target = root.entries.get(parent.name)?.value;
      if (!target && partial) {
        diags.warn(name, 'extends', parent.pos, `"${parent.name}" is unknown, ${FROM_INCLUDE}; its keys are missing`);
        continue;
      }
      if (!target || target.kind !== 'map') throw new PipelineError(`"${name}" extends unknown job "${parent.name}"`, parent.pos);
      const resolved = resolve(parent.name, [...chain, name]);
      base = base ? deepMerge(base, resolved) : resolved;
    }
    const own = new Map(job.entries);
    own.delete('extends');
    const merged = base ? deepMerge(base, withEntries(job, own)) : withEntries(job, own);
    done.set(name, merged);
    return merged;
  };
  const entries = new Map<string, YEntry>();
  for (const [name, e] of root.entries) {
    entries.set(name, e.value.kind === 'map' && e.value.entries.has('extends') ? { keyPos: e.keyPos, value: resolve(name, []) } : e);
  }
  return withEntries(root, entries);
}

function parentNames(node: YNode): { name: string; pos: SourcePos }[] {
  const items = node.kind === 'seq' ? node.items : [node];
  return items.map((item) => {
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      throw new PipelineError(`extends must name jobs, not ${describe(item)}`, item.pos);
    }
    return { name: item.value, pos: item.pos };
  });
}
