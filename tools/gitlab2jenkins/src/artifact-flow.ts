import type { Job } from './model';

/**
 * Which jobs' artifacts each job restores, as GitLab passes them: the jobs named in `needs`
 * (with artifacts) or `dependencies`, else every job of an earlier stage with artifacts. The
 * default is kept symbolic, so a pipeline of n jobs costs O(n), not O(n²).
 */
export interface ArtifactFlow {
  /** Producers the job restores by name, or 'earlier-stages' for GitLab's default when it is long. */
  readonly sources: (job: Job) => readonly string[] | 'earlier-stages';
  /** Whether some job restores this job's artifacts, so it must stash them. */
  readonly consumed: (job: Job) => boolean;
  /** Every job with artifacts, in source order, with the index of its stage. */
  readonly producers: readonly { readonly name: string; readonly stage: number }[];
  /** The index of a stage in the pipeline's stage order. */
  readonly stageIndex: (stage: string) => number;
}

/** Default sources longer than this are not listed in each job (see {@link ArtifactFlow}). */
export const MAX_LISTED_SOURCES = 20;

export function artifactFlow(jobs: readonly Job[], stages: readonly string[]): ArtifactFlow {
  const stageIndex = new Map(stages.map((s, i) => [s, i]));
  const at = (j: Job): number => stageIndex.get(j.stage) ?? 0;
  // Source order: artifacts are restored in the order the jobs are written.
  const producers = jobs.filter((j) => (j.artifacts?.paths.length ?? 0) > 0);
  const order = new Map(producers.map((j, i) => [j.name, i]));
  const takesDefault = (j: Job): boolean => j.needs === undefined && j.dependencies === undefined;
  /** How many producers come before each stage. */
  const countBefore = stages.map(() => 0);
  for (const j of producers) if (at(j) + 1 < stages.length) countBefore[at(j) + 1]++;
  for (let i = 1; i < stages.length; i++) countBefore[i] += countBefore[i - 1];
  const named = (j: Job): string[] => {
    const names = j.needs ? j.needs.filter((n) => n.artifacts).map((n) => n.job) : j.dependencies ?? [];
    return [...new Set(names)].filter((n) => order.has(n) && n !== j.name).sort((a, b) => order.get(a)! - order.get(b)!);
  };
  const explicit = new Set(jobs.filter((j) => !takesDefault(j)).flatMap(named));
  const lastDefaultStage = jobs.filter(takesDefault).reduce((max, j) => Math.max(max, at(j)), -1);
  // The producers of the earlier stages, per stage, while there are few enough to list.
  const buckets = stages.map((): Job[] => []);
  for (const p of producers) buckets[at(p)].push(p);
  const listed: string[][] = [];
  let acc: Job[] = [];
  buckets.forEach((bucket, i) => {
    listed[i] = acc.length <= MAX_LISTED_SOURCES ? acc.map((p) => p.name) : [];
    if (acc.length <= MAX_LISTED_SOURCES && bucket.length) acc = [...acc, ...bucket].sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  });
  const before = (j: Job): string[] => listed[at(j)];
  return {
    sources: (j) => {
      if (!takesDefault(j)) return named(j);
      return countBefore[at(j)] > MAX_LISTED_SOURCES ? 'earlier-stages' : before(j);
    },
    consumed: (j) => order.has(j.name) && (explicit.has(j.name) || at(j) < lastDefaultStage),
    producers: producers.map((p) => ({ name: p.name, stage: at(p) })),
    stageIndex: (stage) => stageIndex.get(stage) ?? 0,
  };
}
