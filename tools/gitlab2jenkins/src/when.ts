import { Diagnostics, type SourcePos } from './diagnostics';
import { translateExpression } from './gitlab-expression';
import { block, str } from '../../../lib/groovy/groovy';
import type { Job, JobWhen, RefFilter, Rule } from './model';

/** A Jenkins `when` condition tree. */
export type Condition =
  | { readonly k: 'true' }
  | { readonly k: 'false' }
  | { readonly k: 'branch'; readonly pattern: string; readonly regex: boolean }
  | { readonly k: 'tag' }
  | { readonly k: 'changeRequest' }
  | { readonly k: 'timer' }
  | { readonly k: 'changeset'; readonly glob: string }
  | { readonly k: 'exists'; readonly glob: string }
  | { readonly k: 'expr'; readonly groovy: string }
  | { readonly k: 'not'; readonly c: Condition }
  | { readonly k: 'all' | 'any'; readonly cs: readonly Condition[] };

const TRUE: Condition = { k: 'true' };
const FALSE: Condition = { k: 'false' };

function all(cs: readonly Condition[]): Condition {
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

/** When a job runs, as a Jenkins condition plus the `when:` that applies once it runs. */
export interface JobCondition {
  readonly condition: Condition;
  readonly when: JobWhen;
}

/** Maps `rules`, or else `only`/`except`, of a job to one condition. */
export function jobCondition(job: Job, diags: Diagnostics): JobCondition {
  if (job.rules) return fromRules(job, job.rules, diags);
  const only = job.only ? refFilter(job, 'only', job.only, diags) : TRUE;
  const except = job.except ? not(refFilter(job, 'except', job.except, diags)) : TRUE;
  return { condition: all([only, except]), when: job.when };
}

/**
 * GitLab uses the first matching rule. A job runs if some non-`never` rule matches while no
 * earlier `never` rule does (earlier matching non-`never` rules would have run it anyway).
 */
function fromRules(job: Job, rules: readonly Rule[], diags: Diagnostics): JobCondition {
  const runs: Condition[] = [];
  const blocked: Condition[] = [];
  const whens: JobWhen[] = [];
  for (const rule of rules) {
    const c = all([
      rule.if === undefined ? TRUE : expression(job, 'rules', rule.if, rule.pos, diags),
      rule.changes.length ? any(rule.changes.map((glob) => ({ k: 'changeset', glob }))) : TRUE,
      rule.exists.length ? any(rule.exists.map((glob) => ({ k: 'exists', glob }))) : TRUE,
    ]);
    if (rule.when === 'never') blocked.push(c);
    else {
      runs.push(all([c, ...blocked.map(not)]));
      if (!whens.includes(rule.when)) whens.push(rule.when);
    }
    if (c.k === 'true') break; // later rules are unreachable
  }
  const when = whens[0] ?? 'never';
  if (whens.length > 1) {
    diags.warn(job.name, 'rules', job.keyPos.get('rules') ?? job.pos, `rules use several when: values (${whens.join(', ')}); Jenkins applies "${when}" whenever the job runs`);
  }
  if (whens.length === 0) diags.warn(job.name, 'rules', job.keyPos.get('rules') ?? job.pos, 'no rule can add this job; it is not emitted');
  return { condition: any(runs), when };
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

function refFilter(job: Job, key: 'only' | 'except', f: RefFilter, diags: Diagnostics): Condition {
  const refs = f.refs.map((ref): Condition => {
    if (ref === 'branches') return all([not({ k: 'tag' }), not({ k: 'changeRequest' })]);
    if (ref === 'tags') return { k: 'tag' };
    if (ref === 'merge_requests') return { k: 'changeRequest' };
    if (ref === 'schedules') return { k: 'timer' };
    const regex = /^\/(.*)\/([a-z]*)$/.exec(ref);
    if (regex) return { k: 'branch', pattern: `${regex[2].includes('i') ? '(?i)' : ''}.*(?:${regex[1]}).*`, regex: true };
    if (['api', 'web', 'triggers', 'pipelines', 'pushes', 'external', 'external_pull_requests', 'chat'].includes(ref) || ref.includes('@')) {
      diags.warn(job.name, key, f.pos, `${key} "${ref}" has no Jenkins condition; treated as matching`);
      return TRUE;
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
    case 'timer':
      return ["triggeredBy 'TimerTrigger'"];
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
