/**
 * The operator's pre-deploy checks: are these credentials pointed at the config's target
 * environment, and is every artefact the edge stacks point at already in the prod registries?
 */
import * as path from 'path';
import { PlatformModel } from './config/load-config';
import { firmwareKey } from './constructs/firmware-job-template';
import { RegistryNames } from './constructs/registry-names';

export interface DeployTarget {
  readonly account: string;
  readonly region: string;
}

export interface CallerIdentity {
  /** Account of the credentials in use (STS GetCallerIdentity). */
  readonly account?: string;
  /** ARN of the caller, for the message. */
  readonly arn?: string;
  /** Region the AWS SDK resolved (AWS_REGION, profile, ...). */
  readonly region?: string;
}

/** Problems that must stop a deploy; empty when the caller matches the target. */
export function preflightProblems(configFile: string, target: DeployTarget, caller: CallerIdentity): string[] {
  const problems: string[] = [];
  if (caller.account !== target.account) {
    problems.push(
      `credentials belong to account ${caller.account ?? '(unknown)'} (${caller.arn ?? 'unknown caller'}), ` +
        `but ${configFile} environment.account is ${target.account}: switch profile or fix the config`,
    );
  }
  if (caller.region !== target.region) {
    problems.push(
      `the AWS region in use is ${caller.region ?? '(none set)'}, but ${configFile} environment.region is ${target.region}: ` +
        `set AWS_REGION=${target.region} or the profile's region`,
    );
  }
  return problems;
}

/** Keys of a bucket's objects under a prefix (S3 ListObjectsV2 in bin/, a local endpoint in tests). */
export type ObjectLister = (bucket: string, prefix: string) => Promise<readonly string[]>;

/** One generation's firmware, as the config names it and where the component pipeline publishes it. */
export interface FirmwareArtefact {
  /** Where the config declares it, e.g. `config/pilots/acme.yaml edge.generations[0].firmware`. */
  readonly declaredAt: string;
  readonly bucket: string;
  readonly key: string;
  readonly description: string;
}

/**
 * The prod blobs every generation's firmware job templates point at, from the validated model: the
 * firmware, and with a `rollbackVersion` the image its rollback template installs.
 */
export function firmwareArtefacts(configDir: string, model: PlatformModel): FirmwareArtefact[] {
  const { account, region } = model.platform.environment;
  return model.pilots.flatMap((pilot) =>
    (pilot.edge?.generations ?? []).flatMap((g, i) => {
      if (!g.firmware) return [];
      const firmware = g.firmware;
      const at = `${path.join(configDir, 'pilots', `${pilot.name}.yaml`)} edge.generations[${i}].firmware`;
      const artefact = (version: string, declaredAt: string, what: string): FirmwareArtefact => ({
        declaredAt,
        bucket: RegistryNames.blobBucket(pilot.name, 'prod', account, region),
        key: firmwareKey({ ...firmware, version, generation: g.name, architecture: g.architecture }),
        description: `${pilot.name} ${g.name} ${what} ${firmware.component} ${version}`,
      });
      return [
        artefact(firmware.version, at, 'firmware'),
        ...(firmware.rollbackVersion ? [artefact(firmware.rollbackVersion, `${at}.rollbackVersion`, 'rollback firmware')] : []),
      ];
    }),
  );
}

/**
 * Problems that must stop a deploy: a generation whose firmware version is not in its pilot's prod
 * blobs (published by the component pipeline, then promoted) would start jobs that fail on every device.
 */
export async function firmwareProblems(artefacts: readonly FirmwareArtefact[], list: ObjectLister): Promise<string[]> {
  const problems: string[] = [];
  for (const a of artefacts) {
    let keys: readonly string[];
    try {
      keys = await list(a.bucket, a.key);
    } catch (e) {
      problems.push(`${a.declaredAt}: cannot list s3://${a.bucket} (${(e as Error).name}: ${(e as Error).message}); deploy the pilot's registries first`);
      continue;
    }
    if (!keys.includes(a.key)) {
      problems.push(`${a.declaredAt}: ${a.description} is not in the prod blobs (s3://${a.bucket}/${a.key}): publish it through the component pipeline and promote it, or fix the version`);
    }
  }
  return problems;
}

/**
 * Lambda keeps at least this many concurrent executions unreserved for functions without a
 * reservation: a function may reserve only "the Unreserved account concurrency ... minus 100"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). A new account's
 * quota can be as low as 10, so a deploy would fail on the first function with a reservation.
 */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** Service Quotas code of Lambda's "Concurrent executions" quota. */
export const LAMBDA_CONCURRENCY_QUOTA_CODE = 'L-B99A9384';

/** What the synthesized templates reserve: the sum of every function's ReservedConcurrentExecutions. */
export function reservedConcurrency(templates: readonly { readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }[]): number {
  return templates
    .flatMap((t) => Object.values(t.Resources ?? {}))
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .reduce((sum, r) => sum + (typeof r.Properties?.ReservedConcurrentExecutions === 'number' ? r.Properties.ReservedConcurrentExecutions : 0), 0);
}

/** The account's Lambda concurrency (Lambda GetAccountSettings: AccountLimit). */
export interface LambdaConcurrency {
  /** ConcurrentExecutions: the regional quota. */
  readonly limit: number;
  /** UnreservedConcurrentExecutions: what no function has reserved yet. */
  readonly unreserved: number;
}

/**
 * Problems that must stop a deploy: the quota cannot hold the platform's reservations plus the
 * 100 Lambda keeps unreserved. What functions in the account already reserve is named, not added:
 * after a first deploy the platform's own functions are among them.
 */
export function concurrencyProblems(region: string, reserved: number, account: LambdaConcurrency): string[] {
  const needed = reserved + LAMBDA_UNRESERVED_MINIMUM;
  if (account.limit >= needed) return [];
  const held = account.limit - account.unreserved;
  return [
    `the platform's functions reserve ${reserved} concurrent executions and Lambda keeps ${LAMBDA_UNRESERVED_MINIMUM} unreserved, ` +
      `but the Lambda concurrency quota in ${region} is ${account.limit}${held > 0 ? ` (functions in the account reserve ${held} of it)` : ''}: ` +
      `raise the Service Quotas quota "Concurrent executions" (service lambda, code ${LAMBDA_CONCURRENCY_QUOTA_CODE}) to at least ${needed}` +
      `${held > 0 ? ', plus what other functions reserve' : ''} (aws service-quotas request-service-quota-increase --service-code lambda ` +
      `--quota-code ${LAMBDA_CONCURRENCY_QUOTA_CODE} --desired-value ${needed} --region ${region})`,
  ];
}
