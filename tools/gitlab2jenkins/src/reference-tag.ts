import { isScalar, isSeq, type CollectionTag } from 'yaml';
import { Diagnostics, FROM_INCLUDE, PipelineError } from './diagnostics';
import { get, MAX_NODES, withEntries, type YEntry, type YMap, type YNode } from './yaml-tree';

export const REFERENCE_TAG = '!reference';

/** GitLab's `!reference [job, key, ...]`: parsed as a tagged sequence, resolved later by resolveReferences. */
export const referenceTag: CollectionTag = {
  tag: REFERENCE_TAG,
  collection: 'seq',
  resolve(seq, onError) {
    if (!isSeq(seq) || seq.items.length === 0 || seq.items.some((i) => !isScalar(i) || (typeof i.value !== 'string' && !Number.isInteger(i.value)))) {
      onError('!reference needs a non-empty list of names, e.g. !reference [.setup, script]');
    }
    return seq;
  },
};

/** GitLab stops following nested references after this many levels. */
const MAX_DEPTH = 10;

/**
 * Replaces every `!reference` in the merged configuration. A reference that yields a list inside a
 * list is spliced in, as GitLab flattens nested script arrays. References copy what they name, so
 * the result is capped like aliases are ({@link MAX_NODES}). When `partial` (some includes were
 * not read), a reference to something missing is warned about and left out.
 */
export function resolveReferences(root: YMap, partial: boolean, diags: Diagnostics): YMap {
  let left = MAX_NODES;
  const visit = (node: YNode, depth: number): YNode | undefined => {
    if (--left < 0) throw new PipelineError(`the configuration expands to more than ${MAX_NODES} nodes (nested !reference?)`, node.pos);
    switch (node.kind) {
      case 'ref': {
        const target = lookup(root, node, depth, partial);
        if (target === undefined) diags.warn('', '!reference', node.pos, `!reference [${node.path.join(', ')}] is not defined here, ${FROM_INCLUDE}; left out`);
        return target === undefined ? undefined : visit(target, depth + 1);
      }
      // A subtree without references is returned as it is: most of a configuration has none.
      case 'seq': {
        let changed = false;
        const items = node.items.flatMap((item) => {
          const v = visit(item, depth);
          if (v !== item) changed = true;
          return v === undefined ? [] : item.kind === 'ref' && v.kind === 'seq' ? v.items : [v];
        });
        return changed ? { ...node, items } : node;
      }
      case 'map': {
        let changed = false;
        const entries = new Map<string, YEntry>();
        for (const [k, e] of node.entries) {
          const v = visit(e.value, depth);
          if (v !== e.value) changed = true;
          if (v !== undefined) entries.set(k, v === e.value ? e : { keyPos: e.keyPos, value: v });
        }
        return changed ? withEntries(node, entries) : node;
      }
      default:
        return node;
    }
  };
  return visit(root, 0) as YMap;
}

function lookup(root: YMap, ref: Extract<YNode, { kind: 'ref' }>, depth: number, partial: boolean): YNode | undefined {
  if (depth >= MAX_DEPTH) throw new PipelineError(`!reference nested deeper than ${MAX_DEPTH} levels (cycle?)`, ref.pos);
  let cur: YNode = root;
  for (const name of ref.path) {
    // A number picks a list item, as in `!reference [.services, 0]`.
    const next: YNode | undefined = cur.kind === 'map' ? get(cur, name) : cur.kind === 'seq' && /^\d+$/.test(name) ? cur.items[Number(name)] : undefined;
    if (!next && partial) return undefined;
    if (!next) throw new PipelineError(`!reference [${ref.path.join(', ')}] not found (no "${name}")`, ref.pos);
    cur = next;
  }
  return cur;
}
