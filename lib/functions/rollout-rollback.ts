/**
 * Rolls back the devices that already updated when a rollout is cancelled (by its abort criteria,
 * or by an operator), for both mechanisms a rollout uses. Runs on a schedule; each rollback is made
 * once and a failed run is finished by the next.
 * - Greengrass deployments: devices whose deployment failed roll back on their own (failure
 *   handling ROLLBACK), but a cancelled deployment leaves the devices that succeeded on the new
 *   versions. When the latest deployment of a target was cancelled (its IoT job is CANCELED), the
 *   target gets a new revision with the components, configuration and policies of the last earlier
 *   revision that was not cancelled (Greengrass' documented way to revise a deployment: start from
 *   the existing one, GetDeployment), without abort criteria so the rollback itself runs to the end.
 *   Devices still on the old versions see no change. A target whose first deployment was cancelled
 *   has nothing to go back to and is only reported.
 * - Firmware jobs: a cancelled job created from one of the platform's firmware templates gets a
 *   rollback job from that generation's rollback template (the job document installs the template's
 *   `rollbackVersion`), for exactly the devices whose execution SUCCEEDED: they are put in a static
 *   group `<generation group>:rollback-<job id>`, the rollback job's target. Its id is
 *   `<job id>-rollback` (rollbackJobId), so a rollback job that exists already means done. Once
 *   the rollback job has ended (COMPLETED or CANCELED) its group is deleted: a thing can be in at
 *   most 10 thing groups, so rollback groups must not pile up on a device.
 */
import { createHash } from 'crypto';
import { lazy } from './lazy-handler';
import { Client, pages, Sdk } from './sdk-pages';

/** What the function rolls back: Greengrass deployment targets, and firmware templates with their rollback. */
export interface RollbackDirectory {
  /** Thing group ARNs that Greengrass deployments target. */
  readonly deploymentTargets: readonly string[];
  /** Firmware job templates with a rollback: its template, and the generation group the rollback groups are named after. */
  readonly firmware: readonly { readonly templateArn: string; readonly rollbackTemplateArn: string; readonly groupName: string }[];
}

export const ROLLBACK_ENV = 'ROLLBACK';

export interface DeploymentSummary {
  readonly deploymentId: string;
  readonly deploymentName?: string;
  readonly creationTimestamp?: Date | number;
  readonly revisionId?: string;
}

export interface Deployment extends DeploymentSummary {
  readonly iotJobId?: string;
  readonly components?: Record<string, unknown>;
  readonly deploymentPolicies?: Record<string, unknown>;
  readonly iotJobConfiguration?: Record<string, unknown>;
}

/** The Greengrass and IoT calls rollback makes (paged listings return every page). */
export interface RollbackRegistry {
  /** Every revision of the target's deployment, newest first. */
  deploymentsOf(targetArn: string): Promise<DeploymentSummary[]>;
  deployment(deploymentId: string): Promise<Deployment>;
  createDeployment(targetArn: string, deployment: Omit<Deployment, 'deploymentId'>): Promise<string>;
  /** Status of an IoT job and the template it was created from. */
  job(jobId: string): Promise<{ status: string; jobTemplateArn?: string }>;
  jobExists(jobId: string): Promise<boolean>;
  /** Ids of the jobs with status CANCELED, last updated at or after `since`. */
  canceledJobs(since: Date): Promise<string[]>;
  /** Thing ARNs whose execution of the job SUCCEEDED. */
  succeededThings(jobId: string): Promise<string[]>;
  /** Creates the static group (if missing) and puts the things in it; returns its ARN. */
  groupOf(groupName: string, thingArns: readonly string[]): Promise<string>;
  /** Names of the thing groups whose name starts with the prefix. */
  groupsNamed(prefix: string): Promise<string[]>;
  deleteGroup(groupName: string): Promise<void>;
  /** Creates the job from the template; false when a job with that id exists already. */
  createJob(jobId: string, jobTemplateArn: string, targets: readonly string[]): Promise<boolean>;
}

/** `<job id>-rollback`, within IoT's 64 characters of a job id (a long id keeps a prefix and a digest of the whole). */
export function rollbackJobId(jobId: string): string {
  return jobId.length <= 55 ? `${jobId}-rollback` : `${jobId.slice(0, 46)}-${createHash('sha256').update(jobId).digest('hex').slice(0, 8)}-rb`;
}

/** Deployment names of rollbacks say so; a cancelled rollback is an operator's decision and is left alone. */
const ROLLBACK_MARK = ' (rollback of ';

export interface RollbackReport {
  readonly deployments: { targetArn: string; canceled: string; restored: string; created: string }[];
  readonly firmware: { jobId: string; rollbackJob: string; things: number }[];
  /** Rollback groups deleted because their job ended. */
  readonly groupsDeleted: string[];
  readonly notes: string[];
}

/**
 * Cancelled jobs older than this are not looked at again: their rollback was made (or failed and
 * alarmed) long before, and the account's cancelled jobs only grow.
 */
const FIRMWARE_LOOKBACK_MS = 14 * 24 * 3600 * 1000;

export function rollBackCanceledRollouts(registry: RollbackRegistry, directory: RollbackDirectory, now: () => Date = () => new Date()): () => Promise<RollbackReport> {
  return async () => {
    const report: RollbackReport = { deployments: [], firmware: [], groupsDeleted: [], notes: [] };
    const problems: string[] = [];
    const canceled = async (d: DeploymentSummary) => {
      const full = await registry.deployment(d.deploymentId);
      return { full, canceled: full.iotJobId !== undefined && (await registry.job(full.iotJobId)).status === 'CANCELED' };
    };
    for (const targetArn of directory.deploymentTargets) {
      try {
        const [latest, ...earlier] = await registry.deploymentsOf(targetArn);
        if (!latest || latest.deploymentName?.includes(ROLLBACK_MARK)) continue;
        if (!(await canceled(latest)).canceled) continue;
        let restore: Deployment | undefined;
        for (const candidate of earlier) {
          const { full, canceled: wasCanceled } = await canceled(candidate);
          if (!wasCanceled) {
            restore = full;
            break;
          }
        }
        if (!restore) {
          report.notes.push(`${targetArn}: deployment ${latest.deploymentId} was cancelled and no earlier revision completed; nothing to roll back to`);
          continue;
        }
        const { abortConfig: _dropped, ...jobConfiguration } = restore.iotJobConfiguration ?? {};
        const created = await registry.createDeployment(targetArn, {
          deploymentName: `${(restore.deploymentName ?? '').split(ROLLBACK_MARK)[0]}${ROLLBACK_MARK}${latest.deploymentId})`,
          components: restore.components,
          deploymentPolicies: restore.deploymentPolicies,
          iotJobConfiguration: jobConfiguration,
        });
        report.deployments.push({ targetArn, canceled: latest.deploymentId, restored: restore.deploymentId, created });
      } catch (e) {
        problems.push(`${targetArn}: ${(e as Error).name} ${(e as Error).message}`);
      }
    }
    if (directory.firmware.length > 0) {
      for (const jobId of await registry.canceledJobs(new Date(now().getTime() - FIRMWARE_LOOKBACK_MS))) {
        try {
          const job = await registry.job(jobId);
          const firmware = directory.firmware.find((f) => f.templateArn === job.jobTemplateArn);
          if (!firmware || job.status !== 'CANCELED') continue;
          const rollbackId = rollbackJobId(jobId);
          if (await registry.jobExists(rollbackId)) continue;
          const things = await registry.succeededThings(jobId);
          if (things.length === 0) continue;
          const group = await registry.groupOf(`${firmware.groupName}:rollback-${jobId}`, things);
          if (await registry.createJob(rollbackId, firmware.rollbackTemplateArn, [group])) {
            report.firmware.push({ jobId, rollbackJob: rollbackId, things: things.length });
          }
        } catch (e) {
          problems.push(`job ${jobId}: ${(e as Error).name} ${(e as Error).message}`);
        }
      }
    }
    for (const { groupName } of directory.firmware) {
      try {
        const prefix = `${groupName}:rollback-`;
        for (const group of await registry.groupsNamed(prefix)) {
          const job = await registry.job(rollbackJobId(group.slice(prefix.length))).catch(() => undefined);
          if (job && ['COMPLETED', 'CANCELED'].includes(job.status)) {
            await registry.deleteGroup(group);
            report.groupsDeleted.push(group);
          }
        }
      } catch (e) {
        problems.push(`rollback groups of ${groupName}: ${(e as Error).name} ${(e as Error).message}`);
      }
    }
    console.log(JSON.stringify({ ...report, problems }));
    if (problems.length > 0) throw new Error(`rollback incomplete (the next run retries): ${problems.join('; ')}`);
    return report;
  };
}

const time = (d: DeploymentSummary) => new Date(d.creationTimestamp ?? 0).getTime();

/** The real registry on the AWS SDK the Lambda runtime ships (`clientConfig` lets tests point it at local endpoints). */
export function awsRollbackRegistry(clientConfig: { iot?: object; greengrass?: object } = {}): RollbackRegistry {
  const iotSdk = require('@aws-sdk/client-iot') as Sdk;
  const ggSdk = require('@aws-sdk/client-greengrassv2') as Sdk;
  const iot = new iotSdk.IoTClient(clientConfig.iot ?? {}) as Client;
  const gg = new ggSdk.GreengrassV2Client(clientConfig.greengrass ?? {}) as Client;
  const inIot = (name: string, input: object) => iot.send(new iotSdk[`${name}Command`](input));
  const inGg = (name: string, input: object) => gg.send(new ggSdk[`${name}Command`](input));
  const exists = (e: unknown) => (e as { name?: string }).name === 'ResourceAlreadyExistsException';
  return {
    deploymentsOf: async (targetArn) =>
      (await pages<DeploymentSummary>((nextToken) => inGg('ListDeployments', { targetArn, historyFilter: 'ALL', nextToken, maxResults: 100 }), (p) => p.deployments ?? [])).sort((a, b) => time(b) - time(a)),
    deployment: async (deploymentId) => (await inGg('GetDeployment', { deploymentId })) as unknown as Deployment,
    createDeployment: async (targetArn, d) => (await inGg('CreateDeployment', { targetArn, ...d })).deploymentId,
    job: async (jobId) => {
      const { job } = await inIot('DescribeJob', { jobId });
      return { status: job?.status, jobTemplateArn: job?.jobTemplateArn };
    },
    jobExists: (jobId) =>
      inIot('DescribeJob', { jobId }).then(
        () => true,
        (e) => {
          if ((e as { name?: string }).name === 'ResourceNotFoundException') return false;
          throw e;
        },
      ),
    // ListJobs filters by status at IoT; the summaries are checked again in case a filter is not applied.
    canceledJobs: async (since) =>
      (await pages<{ jobId: string; status?: string; lastUpdatedAt?: Date }>((nextToken) => inIot('ListJobs', { status: 'CANCELED', nextToken }), (p) => p.jobs ?? []))
        .filter((j) => j.status === 'CANCELED' && (!j.lastUpdatedAt || new Date(j.lastUpdatedAt) >= since))
        .map((j) => j.jobId),
    succeededThings: (jobId) =>
      pages((nextToken) => inIot('ListJobExecutionsForJob', { jobId, status: 'SUCCEEDED', nextToken }), (p) => (p.executionSummaries ?? []).map((e: { thingArn: string }) => e.thingArn)),
    groupOf: async (thingGroupName, thingArns) => {
      const group = await inIot('CreateThingGroup', {
        thingGroupName,
        thingGroupProperties: { thingGroupDescription: 'Devices that took a cancelled firmware rollout: target of its rollback job' },
      }).catch(async (e) => {
        if (!exists(e)) throw e;
        return inIot('DescribeThingGroup', { thingGroupName });
      });
      for (const thingArn of thingArns) await inIot('AddThingToThingGroup', { thingGroupName, thingArn });
      return group.thingGroupArn as string;
    },
    groupsNamed: (namePrefixFilter) =>
      pages((nextToken) => inIot('ListThingGroups', { namePrefixFilter, nextToken }), (p) => (p.thingGroups ?? []).map((g: { groupName: string }) => g.groupName)),
    deleteGroup: async (thingGroupName) => void (await inIot('DeleteThingGroup', { thingGroupName })),
    createJob: async (jobId, jobTemplateArn, targets) => {
      try {
        await inIot('CreateJob', { jobId, jobTemplateArn, targets: [...targets], targetSelection: 'SNAPSHOT' });
        return true;
      } catch (e) {
        if (exists(e)) return false;
        throw e;
      }
    },
  };
}

export const handler = lazy(() => {
  const run = rollBackCanceledRollouts(awsRollbackRegistry(), JSON.parse(process.env[ROLLBACK_ENV] ?? '') as RollbackDirectory);
  return async () => run();
});
