/**
 * Build statistics ingest: CI reports one record per build and architecture by invoking this function
 * (IAM-authenticated: only the builder fleets may invoke it). A malformed record gets a 400 naming the
 * field and is not stored; a record is never overwritten. Each stored record is also emitted as
 * CloudWatch metrics (embedded metric format) for the pass-rate and duration dashboard.
 */
import { z } from 'zod';

export const BuildRecord = z.strictObject({
  pilot: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/),
  component: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  commit: z.string().regex(/^[0-9a-f]{7,40}$/),
  branch: z.string().min(1).max(255),
  architecture: z.enum(['amd64', 'arm64']),
  result: z.enum(['SUCCESS', 'FAILURE', 'UNSTABLE', 'ABORTED']),
  buildNumber: z.int().min(1),
  durationSeconds: z.number().min(0).max(86400),
  finishedAt: z.iso.datetime({ offset: true }),
});
export type BuildRecord = z.infer<typeof BuildRecord>;

export interface BuildStatsDependencies {
  /** Stores the item unless its key exists; resolves false when it already existed. */
  readonly putIfAbsent: (item: Record<string, string | number>) => Promise<boolean>;
  /** Writes a log line (CloudWatch turns EMF lines into metrics). */
  readonly log: (line: string) => void;
}

export interface IngestResult {
  readonly statusCode: 201 | 400 | 409;
  readonly body: string;
}

export const METRIC_NAMESPACE = 'IIoTPlatform/CI';

export function createIngest(deps: BuildStatsDependencies) {
  return async (event: unknown): Promise<IngestResult> => {
    const parsed = BuildRecord.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
      return { statusCode: 400, body: JSON.stringify({ error: 'invalid build record', problems }) };
    }
    const r = parsed.data;
    const key = `${r.pilot}/${r.component}`;
    // Partition by <pilot>/<component>; sort by time, then architecture and build.
    const stored = await deps.putIfAbsent({ ...r, component: key, build: `${r.finishedAt}#${r.architecture}#${r.buildNumber}` });
    if (!stored) return { statusCode: 409, body: JSON.stringify({ error: 'this build record exists already' }) };
    deps.log(
      JSON.stringify({
        _aws: {
          Timestamp: Date.parse(r.finishedAt),
          CloudWatchMetrics: [
            {
              Namespace: METRIC_NAMESPACE,
              Dimensions: [['Component', 'Architecture'], ['Architecture']],
              Metrics: [
                { Name: 'BuildSucceeded', Unit: 'Count' },
                { Name: 'BuildDuration', Unit: 'Seconds' },
              ],
            },
          ],
        },
        Component: key,
        Architecture: r.architecture,
        BuildSucceeded: r.result === 'SUCCESS' ? 1 : 0,
        BuildDuration: r.durationSeconds,
      }),
    );
    return { statusCode: 201, body: JSON.stringify({ stored: key }) };
  };
}
