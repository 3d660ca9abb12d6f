/**
 * Build statistics ingest: CI reports one record per build and architecture cell by POSTing it to
 * this function's URL (AWS_IAM auth), signed with its owner's reporter role, which the Jenkins
 * controller binds to that owner's jobs only. A record names the cell's result, its duration on the
 * agent (queue time excluded), the commit and the branch or tag. A record of another owner than the
 * signer's is refused (403): agents run every pilot's code, so their own role may report nothing.
 *
 * A malformed record gets a 400 naming the field, is not stored, and is logged and counted
 * (metric InvalidBuildRecords), so a broken reporter shows on the dashboard instead of vanishing.
 * A record is never overwritten. Each stored record is emitted as CloudWatch metrics (embedded
 * metric format) and goes back to the Git host as the commit's status for that architecture; a
 * status the host does not take is logged and counted (CommitStatusFailures), the record stays.
 */
import { z } from 'zod';
import { HttpRequest, HttpResponse, json, jsonBody } from './http';

/** Physical names of the build statistics, which stacks derive without a cross-stack reference. No CDK imports: the ingest bundles this file. */
export const BuildStatsNames = {
  /** `demo-build-stats-ingest`: at most 24 + 19 of the 64 characters Lambda allows. */
  ingestFunction: (platform: string) => `${platform}-build-stats-ingest`,
  /**
   * `demo_acme_build-reporter`: the role one owner's CI jobs report with (IAM role names are
   * account-wide, so the platform name is part of it; at most 24 + 24 + 16 = 64 characters, IAM's limit).
   */
  reporterRole: (platform: string, owner: string) => `${platform}_${owner}_build-reporter`,
};

/** The IAM role name in an assumed-role session ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
function assumedRoleName(arn: string | undefined): string | undefined {
  return /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/.exec(arn ?? '')?.[1];
}

export const BuildRecord = z.strictObject({
  pilot: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/),
  component: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  /** The full commit id (Git host status APIs take the full SHA). */
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  /** Branch or tag name, as Jenkins' BRANCH_NAME / TAG_NAME has it. */
  ref: z.string().regex(/^[\w.][\w./-]{0,254}$/),
  refType: z.enum(['branch', 'tag']),
  architecture: z.enum(['amd64', 'arm64']),
  /** This cell's outcome, not the whole build's. */
  result: z.enum(['SUCCESS', 'FAILURE', 'UNSTABLE', 'ABORTED']),
  buildNumber: z.int().min(1),
  /** Seconds the cell ran on its agent, from its first stage to its report (queue time excluded). */
  durationSeconds: z.number().min(0).max(86400),
  finishedAt: z.iso.datetime({ offset: true }),
});
export type BuildRecord = z.infer<typeof BuildRecord>;

export interface BuildStatsDependencies {
  /** The platform's name: reporter role names start with it. */
  readonly platform: string;
  /** The configured components (`<pilot>/<component>`); a record of any other is invalid. */
  readonly components: ReadonlySet<string>;
  /** Stores the item unless its key exists; resolves false when it already existed. */
  readonly putIfAbsent: (item: Record<string, string | number>) => Promise<boolean>;
  /** Sets the record's commit status on the component's Git host. */
  readonly reportStatus: (record: BuildRecord) => Promise<void>;
  /** Writes a log line (CloudWatch turns EMF lines into metrics). */
  readonly log: (line: string) => void;
}

export const METRIC_NAMESPACE = 'IIoTPlatform/CI';

/** A log line CloudWatch turns into metrics (embedded metric format); `fields` stay searchable in Logs Insights. */
function emf(timestamp: number, dimensions: string[][], metrics: Record<string, { value: number; unit: string }>, fields: Record<string, unknown>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: dimensions, Metrics: Object.entries(metrics).map(([Name, m]) => ({ Name, Unit: m.unit })) }],
    },
    ...fields,
    ...Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, m.value])),
  });
}

/** Partition key of a record: `<pilot>/<component>`. */
export const componentKey = (r: Pick<BuildRecord, 'pilot' | 'component'>) => `${r.pilot}/${r.component}`;

export function createIngest(deps: BuildStatsDependencies, now: () => number = Date.now) {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.requestContext.http.method !== 'POST') return json(405, { error: 'POST a build record' });
    const event = jsonBody(request);
    const parsed = BuildRecord.safeParse(event);
    const unknown = parsed.success && !deps.components.has(componentKey(parsed.data));
    if (!parsed.success || unknown) {
      const problems = parsed.success
        ? [`component: ${componentKey(parsed.data)} is not a component of the platform config`]
        : parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
      const received = JSON.stringify(event) ?? String(event);
      deps.log(emf(now(), [[]], { InvalidBuildRecords: { value: 1, unit: 'Count' } }, { level: 'ERROR', message: 'invalid build record', problems, received: received.slice(0, 2000) }));
      return json(400, { error: 'invalid build record', problems });
    }
    const r = parsed.data;
    const key = componentKey(r);
    const signer = request.requestContext.authorizer?.iam?.userArn;
    if (assumedRoleName(signer) !== BuildStatsNames.reporterRole(deps.platform, r.pilot)) {
      deps.log(JSON.stringify({ level: 'ERROR', message: 'build record refused: not signed by its owner\'s reporter role', component: key, signer }));
      return json(403, { error: `a record of ${r.pilot} must be signed by the role ${BuildStatsNames.reporterRole(deps.platform, r.pilot)}` });
    }
    // Partition by <pilot>/<component>; sort by time, then architecture and build.
    const stored = await deps.putIfAbsent({ ...r, component: key, build: `${r.finishedAt}#${r.architecture}#${r.buildNumber}` });
    if (!stored) return json(409, { error: 'this build record exists already' });
    deps.log(
      emf(
        Date.parse(r.finishedAt),
        [['Component', 'Architecture'], ['Architecture']],
        { BuildSucceeded: { value: r.result === 'SUCCESS' ? 1 : 0, unit: 'Count' }, BuildDuration: { value: r.durationSeconds, unit: 'Seconds' } },
        { Component: key, Architecture: r.architecture, Commit: r.commit, Ref: r.ref, RefType: r.refType, Result: r.result, BuildNumber: r.buildNumber },
      ),
    );
    try {
      await deps.reportStatus(r);
    } catch (e) {
      deps.log(emf(now(), [['Component']], { CommitStatusFailures: { value: 1, unit: 'Count' } }, { level: 'ERROR', message: `commit status not set: ${(e as Error).message}`, Component: key, Commit: r.commit }));
      return json(201, { stored: key, commitStatus: 'not set' });
    }
    return json(201, { stored: key, commitStatus: 'set' });
  };
}
