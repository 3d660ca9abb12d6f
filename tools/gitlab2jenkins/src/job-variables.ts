/**
 * GitLab's variable precedence and expansion for one job: job variables (and a matching rule's)
 * override global ones, and a value built from others (`IMAGE: golang:$GO_VERSION`) is expanded
 * with the job's values, recursively. Jenkins evaluates pipeline `environment {}` once, so such
 * values are re-evaluated in each stage that overrides what they read.
 */
import { referencedVariables } from './ci-variables';
import type { Variable } from './model';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** GitLab stops expanding variables nested deeper than this (and reports a cycle). */
const MAX_DEPTH = 10;

/** Later definitions win: job variables over global ones, a rule's over the job's. */
export function overlay(...layers: readonly (readonly Variable[])[]): Variable[] {
  const byName = new Map<string, Variable>();
  for (const layer of layers) for (const v of layer) byName.set(v.name, v);
  return [...byName.values()];
}

/**
 * `text` with the references to `vars` replaced by their expanded values; `$$` and references to
 * other names stay, for Jenkins to resolve. Names in `open` (matrix axes) are left as references.
 */
export function substitute(text: string, vars: readonly Variable[], open: ReadonlySet<string> = new Set()): string {
  if (!text.includes('$')) return text;
  const byName = new Map(vars.filter((v) => !open.has(v.name)).map((v) => [v.name, v]));
  const expand = (t: string, depth: number): string =>
    t.replace(REFERENCE, (ref, braced?: string, bare?: string) => {
      const v = byName.get(braced ?? bare ?? '');
      if (v === undefined || depth >= MAX_DEPTH) return ref;
      // A value that is not expanded keeps its dollars literal.
      return v.expand ? expand(v.value, depth + 1) : v.value.replace(/\$/g, '$$$$');
    });
  return expand(text, 0);
}

/**
 * Global variables whose value reads, directly or through other globals, one of `overridden`:
 * GitLab expands them with the job's values, so the stage must define them again.
 */
export function dependentGlobals(globals: readonly Variable[], overridden: ReadonlySet<string>): Variable[] {
  const affected = new Set(overridden);
  let grew = true;
  while (grew) {
    grew = false;
    for (const g of globals) {
      if (!affected.has(g.name) && g.expand && referencedVariables(g.value).some((n) => affected.has(n))) {
        affected.add(g.name);
        grew = true;
      }
    }
  }
  return globals.filter((g) => affected.has(g.name) && !overridden.has(g.name));
}

/**
 * Orders stage variables so that each comes after the ones it reads (Jenkins evaluates a stage's
 * `environment {}` in order); otherwise the given order is kept. A variable reading itself reads
 * the outer value, as `PATH: "$PATH:/x"` does.
 */
export function byReferences(vars: readonly Variable[]): Variable[] {
  const names = new Set(vars.map((v) => v.name));
  const done = new Set<string>();
  const out: Variable[] = [];
  let left = [...vars];
  while (left.length > 0) {
    const ready = left.filter((v) => !v.expand || referencedVariables(v.value).every((n) => n === v.name || !names.has(n) || done.has(n)));
    // A cycle: GitLab would not expand it either; keep the order.
    const next = ready.length > 0 ? ready : [left[0]];
    for (const v of next) {
      out.push(v);
      done.add(v.name);
    }
    left = left.filter((v) => !next.includes(v));
  }
  return out;
}
