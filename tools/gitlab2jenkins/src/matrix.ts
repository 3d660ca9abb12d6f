import { Diagnostics } from './diagnostics';
import { block, str } from '../../../lib/groovy/groovy';
import type { Axis, Job } from './model';

/** Matrix axes; GitLab's union of products becomes Jenkins' full product minus excludes. */
export function matrixAxes(job: Job, diags: Diagnostics): string[] {
  const { names, axes, allowed } = cells(job, (message) => diags.warn(job.name, 'parallel', job.keyPos.get('parallel')!, message));
  const excluded = product(axes.map((a) => a.values)).filter((c) => !allowed.has(JSON.stringify(c)));
  const axisBlock = (name: string, values: readonly string[]): string[] => block('axis', [`name ${str(name)}`, `values ${values.map(str).join(', ')}`]);
  return [
    ...block('axes', axes.flatMap((a) => axisBlock(a.name, a.values))),
    ...(excluded.length ? block('excludes', excluded.flatMap((c) => block('exclude', c.flatMap((v, i) => axisBlock(names[i], [v]))))) : []),
  ];
}

/** The number of cells Jenkins runs for the job's matrix. */
export function matrixCellCount(job: Job): number {
  return cells(job, () => undefined).allowed.size;
}

/** The axes a job's matrix spans and the cells it runs (JSON of the values, in axis order). */
function cells(job: Job, warn: (message: string) => void): { names: string[]; axes: Axis[]; allowed: Set<string> } {
  const par = job.parallel!;
  let entries: readonly (readonly Axis[])[];
  if (par.kind === 'count') {
    entries = [[{ name: 'CI_NODE_INDEX', values: Array.from({ length: par.count }, (_, i) => String(i + 1)) }]];
  } else {
    const key = (e: readonly Axis[]): string => e.map((a) => a.name).sort().join(',');
    entries = par.entries.filter((e) => key(e) === key(par.entries[0]));
    if (entries.length < par.entries.length) warn('matrix entries with different variables cannot share Jenkins axes; only entries shaped like the first are kept');
  }
  const names = entries[0].map((a) => a.name);
  const union = (from: readonly (readonly Axis[])[]): Axis[] => names.map((name) => ({ name, values: [...new Set(from.flatMap((e) => e.find((a) => a.name === name)!.values))] }));
  // Disjoint entries make the full product (and its excludes) explode, though GitLab runs <= 200 jobs.
  if (union(entries).reduce((n, a) => n * a.values.length, 1) > MAX_MATRIX_CELLS) {
    warn(`the matrix entries combined span more than ${MAX_MATRIX_CELLS} Jenkins cells; only the first entry is kept`);
    entries = entries.slice(0, 1);
  }
  const allowed = new Set(entries.flatMap((e) => product(names.map((n) => e.find((a) => a.name === n)!.values)).map((c) => JSON.stringify(c))));
  return { names, axes: union(entries), allowed };
}

/** Most cells (axis value combinations, excluded or not) a generated matrix may span. */
const MAX_MATRIX_CELLS = 1000;

function product(lists: readonly (readonly string[])[]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((combo) => list.map((v) => [...combo, v])), [[]]);
}
