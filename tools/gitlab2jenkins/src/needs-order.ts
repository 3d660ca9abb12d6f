import type { Diagnostics } from './diagnostics';
import type { Job } from './model';

/** How many of the jobs waited for needlessly a warning names. */
const NAMED = 3;

/**
 * Warns about each job that Jenkins' stage order makes wait for jobs its `needs` do not cover.
 * `units` are the jobs in the order Jenkins runs them: a unit starts once every earlier unit is
 * done (one stage, one `needs` wave, or one matrix). GitLab starts a job with `needs` once those
 * jobs are done, whatever their stage.
 *
 * A job waits exactly as in GitLab when the units from its latest need up to its own hold only
 * jobs it needs: the units before that are what that need waited for. A job that is late only
 * through a late need is covered by that need's warning. Linear in the jobs and their needs.
 */
export function needsOrderWarnings(units: readonly (readonly Job[])[], diags: Diagnostics): void {
  const unitOf = new Map<string, number>();
  units.forEach((u, i) => u.forEach((j) => unitOf.set(j.name, i)));
  const before = [0];
  for (const u of units) before.push(before[before.length - 1] + new Set(u.map((j) => j.name)).size);
  const warned = new Set<string>();
  units.forEach((unit, at) => {
    for (const job of unit) {
      if (job.needs === undefined || warned.has(job.name)) continue;
      const needed = new Set(job.needs.map((n) => n.job).filter((n) => (unitOf.get(n) ?? at) < at));
      const start = Math.max(0, ...[...needed].map((n) => unitOf.get(n)!));
      const total = before[at] - before[start] - [...needed].filter((n) => unitOf.get(n)! >= start).length;
      if (total <= 0) continue;
      const extra: string[] = [];
      for (let u = start; u < at && extra.length < NAMED; u++) {
        for (const other of new Set(units[u].map((j) => j.name))) if (!needed.has(other) && extra.length < NAMED) extra.push(other);
      }
      warned.add(job.name);
      const names = `${extra.map((n) => `"${n}"`).join(', ')}${total > extra.length ? ` and ${total - extra.length} more` : ''}`;
      diags.warn(
        job.name,
        'needs',
        job.keyPos.get('needs') ?? job.pos,
        `Jenkins runs the stages in order, so this job (and any job needing it) also waits for ${names}, which it does not need, and is skipped when one of them fails; GitLab starts it once its needs are done`,
      );
    }
  });
}
