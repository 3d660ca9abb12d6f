import { Diagnostics, type SourcePos } from './diagnostics';
import { translateExpression } from './gitlab-expression';
import { block, str } from '../../../lib/groovy/groovy';
import type { Job, JobWhen, RefFilter, Rule, Variable } from './model';

/** A Jenkins `when` condition tree. */
export type Condition =
  | { readonly k: 'true' }
  | { readonly k: 'false' }
  | { readonly k: 'branch'; readonly pattern: string; readonly regex: boolean }
  | { readonly k: 'tag' }
  | { readonly k: 'changeRequest' }
  /** The build cause, by the class name Jenkins' `triggeredBy` matches (TimerTrigger, UserIdCause, ...). */
  | { readonly k: 'cause'; readonly cause: string }
  | { readonly k: 'changeset'; readonly glob: string }
  | { readonly k: 'exists'; readonly glob: string }
  | { readonly k: 'expr'; readonly groovy: string }
  | { readonly k: 'not'; readonly c: Condition }
  | { readonly k: 'all' | 'any'; readonly cs: readonly Condition[] };

const TRUE: Condition = { k: 'true' };
const FALSE: Condition = { k: 'false' };

export function all(cs: readonly Condition[]): Condition {
  const flat = cs.flatMap((c) => (c.k === 'all' ? c.cs : c.k === 'true' ? [] : [c]));
  if (flat.some((c) => c.k === 'false')) return FALSE;
  return flat.length === 0 ? TRUE : flat.length === 1 ? flat[0] : { k: 'all', cs: flat };
}

function any(cs: readonly Condition[]): Condition {
  const flat = cs.flatMap((c) => (c.k === 'any' ? c.cs : c.k === 'false' ? [] : [c]));
  if (flat.some((c) => c.k === 'true')) return TRUE;
  return flat.length === 0 ? FALSE : flat.length === 1 ? flat[0] : { k: 'any', cs: flat };
}

function not(c: Condition): Condition {
  return c.k === 'true' ? FALSE : c.k === 'false' ? TRUE : c.k === 'not' ? c.c : { k: 'not', c };
}

/**
 * One way a job runs: the condition selecting it and what applies then (a `rules:` entry's own
 * `when`, `allow_failure` and `variables`).
 */
export interface JobVariant {
  readonly condition: Condition;
  readonly when: JobWhen;
  /** The matching rule's `allow_failure`; undefined keeps the job's. */
  readonly allowFailure?: boolean;
  /** The matching rule's variables, overriding the job's. */
  readonly variables: readonly Variable[];
}

/**
 * Maps `rules`, or else `only`/`except`, of a job to the variants it runs as: one, or one per
 * distinct outcome of its rules, with mutually exclusive conditions. None if it never runs.
 */
export function jobVariants(job: Job, diags: Diagnostics): JobVariant[] {
  if (job.rules) return fromRules(job, job.rules, diags);
  const only = job.only ? refFilter(job, 'only', job.only, diags) : TRUE;
  const except = job.except ? not(refFilter(job, 'except', job.except, diags)) : TRUE;
  return job.when === 'never' ? [] : [{ condition: all([only, except]), when: job.when, variables: [] }];
}

/**
 * GitLab uses the first matching rule. With one outcome, a job runs if some non-`never` rule
 * matches while no earlier `never` rule does (earlier matching rules would have run it anyway).
 * Rules with different outcomes become variants, each selected exactly when one of its rules is
 * the first to match.
 */
function fromRules(job: Job, rules: readonly Rule[], diags: Diagnostics): JobVariant[] {
  const conditions: Condition[] = [];
  for (const rule of rules) {
    conditions.push(
      all([
        rule.if === undefined ? TRUE : expression(job, 'rules', rule.if, rule.pos, diags),
        rule.changes.length ? any(rule.changes.map((glob) => ({ k: 'changeset', glob }))) : TRUE,
        rule.exists.length ? any(rule.exists.map((glob) => ({ k: 'exists', glob }))) : TRUE,
      ]),
    );
    if (conditions[conditions.length - 1].k === 'true') break; // later rules are unreachable
  }
  const outcomes = new Map<string, { rule: Rule; indices: number[] }>();
  conditions.forEach((_, i) => {
    const r = rules[i];
    if (r.when === 'never') return;
    const key = JSON.stringify([r.when, r.allowFailure ?? job.allowFailure, r.variables.map((v) => [v.name, v.value, v.expand])]);
    const o = outcomes.get(key) ?? { rule: r, indices: [] };
    o.indices.push(i);
    outcomes.set(key, o);
  });
  if (outcomes.size === 0) diags.warn(job.name, 'rules', job.keyPos.get('rules') ?? job.pos, 'no rule can add this job; it is not emitted');
  const single = outcomes.size === 1;
  return [...outcomes.values()].map(({ rule, indices }) => {
    const selected = indices.map((i) => {
      const earlier = conditions.slice(0, i).filter((_, j) => !single || rules[j].when === 'never');
      return all([conditions[i], ...earlier.map(not)]);
    });
    return { condition: any(selected), when: rule.when, allowFailure: rule.allowFailure, variables: rule.variables };
  });
}

function expression(job: Job, key: string, text: string, pos: SourcePos, diags: Diagnostics): Condition {
  try {
    const t = translateExpression(text);
    for (const v of t.gitlabOnly) {
      diags.warn(job.name, key, pos, `$${v} is GitLab-only and unset in Jenkins; define it in environment {} or rewrite the condition`);
    }
    return { k: 'expr', groovy: t.groovy };
  } catch (e) {
    diags.warn(job.name, key, pos, `cannot translate expression "${text}" (${(e as Error).message}); the stage fails when evaluated`);
    return { k: 'expr', groovy: `error(${str(`untranslated GitLab condition: ${text}`)})` };
  }
}

/** Build causes Jenkins records, by the class name `triggeredBy` matches. */
const CAUSE: Readonly<Record<string, string>> = {
  schedules: 'TimerTrigger',
  web: 'UserIdCause',
  // Jenkins' remote API with a build token; GitLab's api and trigger-token pipelines.
  api: 'RemoteCause',
  triggers: 'RemoteCause',
  // Started by another build, as GitLab's multi-project and parent-child pipelines are.
  pipelines: 'UpstreamCause',
};
/** Sources GitLab approximates differently from Jenkins, reported when used. */
const APPROXIMATE: Readonly<Record<string, string>> = {
  api: "Jenkins' remote API with a build token (RemoteCause); builds started by a signed-in API user count as web",
  pushes: 'builds that are not change requests, timers, users, remote calls or upstream builds',
  external_pull_requests: 'change-request builds (Jenkins builds pull requests itself)',
};

function refFilter(job: Job, key: 'only' | 'except', f: RefFilter, diags: Diagnostics): Condition {
  const refs = f.refs.map((entry): Condition => {
    // `ref@group/project` limits the ref to one project (typically the upstream, not forks).
    const at = entry.lastIndexOf('@');
    const ref = at > 0 && !entry.startsWith('/') ? entry.slice(0, at) : entry;
    if (ref !== entry) diags.warn(job.name, key, f.pos, `${key} "${entry}": the project "${entry.slice(at + 1)}" is not checked; Jenkins builds only its own repository`);
    if (ref in APPROXIMATE) diags.warn(job.name, key, f.pos, `${key} "${ref}" is approximated as ${APPROXIMATE[ref]}`);
    if (ref === 'branches') return all([not({ k: 'tag' }), not({ k: 'changeRequest' })]);
    if (ref === 'tags') return { k: 'tag' };
    if (ref === 'merge_requests' || ref === 'external_pull_requests') return { k: 'changeRequest' };
    if (ref in CAUSE) return { k: 'cause', cause: CAUSE[ref] };
    if (ref === 'pushes') return not(any([{ k: 'changeRequest' }, ...[...new Set(Object.values(CAUSE))].map((cause): Condition => ({ k: 'cause', cause }))]));
    const regex = /^\/(.*)\/([a-z]*)$/.exec(ref);
    if (regex) return { k: 'branch', pattern: `${regex[2].includes('i') ? '(?i)' : ''}.*(?:${regex[1]}).*`, regex: true };
    if (['external', 'chat'].includes(ref)) {
      // Never true in Jenkins: `only` skips the job, `except` does not exclude it.
      diags.warn(job.name, key, f.pos, `${key} "${ref}": Jenkins never runs such a pipeline, so this never matches`);
      return FALSE;
    }
    return { k: 'branch', pattern: ref, regex: false };
  });
  return all([
    f.refs.length ? any(refs) : TRUE,
    f.variables.length ? any(f.variables.map((v) => expression(job, key, v, f.pos, diags))) : TRUE,
    f.changes.length ? any(f.changes.map((glob) => ({ k: 'changeset', glob }))) : TRUE,
  ]);
}

/** True if evaluating the condition needs a workspace (so `beforeAgent` must not be used). */
export function needsWorkspace(c: Condition): boolean {
  if (c.k === 'exists') return true;
  if (c.k === 'not') return needsWorkspace(c.c);
  return (c.k === 'all' || c.k === 'any') && c.cs.some(needsWorkspace);
}

/** The lines inside `when { ... }`; top-level conditions there are ANDed by Jenkins. */
export function renderCondition(c: Condition): string[] {
  return c.k === 'all' ? c.cs.flatMap(renderOne) : renderOne(c);
}

function renderOne(c: Condition): string[] {
  switch (c.k) {
    case 'true':
      return ['expression { true }'];
    case 'false':
      return ['expression { false }'];
    case 'branch':
      return [c.regex ? `branch comparator: 'REGEXP', pattern: ${str(c.pattern)}` : /[*?]/.test(c.pattern) ? `branch comparator: 'EQUALS', pattern: ${str(c.pattern)}` : `branch ${str(c.pattern)}`];
    case 'tag':
      return ['buildingTag()'];
    case 'changeRequest':
      return ['changeRequest()'];
    case 'cause':
      return [`triggeredBy ${str(c.cause)}`];
    case 'changeset':
      return [`changeset ${str(c.glob)}`];
    case 'exists':
      return [`expression { findFiles(glob: ${str(c.glob)}).length > 0 }`];
    case 'expr':
      return [`expression { ${c.groovy} }`];
    case 'not':
      return block('not', renderOne(c.c));
    case 'all':
      return block('allOf', c.cs.flatMap(renderOne));
    case 'any':
      return block('anyOf', c.cs.flatMap(renderOne));
  }
}
