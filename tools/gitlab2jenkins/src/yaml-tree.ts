import type { SourcePos } from './diagnostics';

/**
 * A position-carrying copy of the YAML tree. GitLab semantics (include, extends, !reference) merge
 * nodes from several files, so every node keeps the place it was written.
 */
export type YNode = YScalar | YSeq | YMap | YRef;

export interface YScalar {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  readonly pos: SourcePos;
}

export interface YSeq {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
  readonly pos: SourcePos;
}

/** One key of a mapping: where the key was written and its value. */
export interface YEntry {
  readonly keyPos: SourcePos;
  readonly value: YNode;
}

export interface YMap {
  readonly kind: 'map';
  /** Insertion-ordered, so the emitted pipeline follows the source order. */
  readonly entries: ReadonlyMap<string, YEntry>;
  readonly pos: SourcePos;
}

/** An unresolved `!reference [job, key, ...]`; replaced once includes and extends are merged. */
export interface YRef {
  readonly kind: 'ref';
  readonly path: readonly string[];
  readonly pos: SourcePos;
}

/**
 * Most nodes a file, or the configuration after `!reference`, may expand to. Aliases and
 * references are copied on expansion, so nested ones grow exponentially ("billion laughs"); the
 * service takes uploads and must not hang on them. Real pipelines have a few thousand nodes.
 */
export const MAX_NODES = 200_000;

/** The value under `key`, if the map has it. */
export function get(map: YMap, key: string): YNode | undefined {
  return map.entries.get(key)?.value;
}

/** A copy of `map` with different entries, keeping its position. */
export function withEntries(map: YMap, entries: ReadonlyMap<string, YEntry>): YMap {
  return { kind: 'map', entries, pos: map.pos };
}

/**
 * GitLab's merge for include and extends: mappings merge recursively, anything else (lists
 * included) is replaced by the overriding value.
 */
export function deepMerge(base: YMap, over: YMap): YMap {
  const entries = new Map(base.entries);
  for (const [k, e] of over.entries) {
    const old = entries.get(k);
    entries.set(k, old && old.value.kind === 'map' && e.value.kind === 'map' ? { keyPos: e.keyPos, value: deepMerge(old.value, e.value) } : e);
  }
  return withEntries(over, entries);
}

/** Human name of a node kind for error messages. */
export function describe(node: YNode): string {
  if (node.kind === 'scalar') return node.value === null ? 'null' : typeof node.value;
  return { seq: 'a list', map: 'a mapping', ref: 'a !reference' }[node.kind];
}
