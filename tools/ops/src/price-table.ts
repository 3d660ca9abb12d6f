/** The shape of data/prices-<region>.json: unit prices, instance prices and stated assumptions. */
import * as fs from 'fs';
import * as path from 'path';

export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** When the prices were taken. */
  readonly date: string;
  /** Where the prices come from and how sure they are. */
  readonly source: string;
  readonly hoursPerMonth: number;
  readonly unitPrices: {
    readonly eksClusterHour: number;
    readonly natGatewayHour: number;
    readonly publicIpv4Hour: number;
    readonly interfaceEndpointAzHour: number;
    readonly albHour: number;
    readonly nlbHour: number;
    readonly loadBalancerCapacityUnitHour: number;
    readonly fargateVcpuHourX86: number;
    readonly fargateGbHourX86: number;
    readonly fargateVcpuHourArm: number;
    readonly fargateGbHourArm: number;
    readonly efsStandardGbMonth: number;
    readonly kmsKeyMonth: number;
    readonly secretMonth: number;
    readonly logsIngestGb: number;
    readonly logsStoreGbMonth: number;
    readonly ecrStorageGbMonth: number;
    readonly s3StandardGbMonth: number;
    readonly ebsGp3GbMonth: number;
    /** A standard-resolution alarm, per metric it evaluates. */
    readonly alarmMetricMonth: number;
    /** AWS Backup warm storage (EBS snapshots, EFS, DynamoDB), per GB-month. */
    readonly backupGbMonth: number;
    /** EBS snapshot storage (the AMIs' snapshots). */
    readonly ebsSnapshotGbMonth: number;
  };
  /** On-demand Linux price per hour, by instance type. */
  readonly instances: Readonly<Record<string, number>>;
  readonly assumptions: {
    /** Spot price as a fraction of on-demand. */
    readonly spotFactor: number;
    /** Golden image builds per pipeline and month, hours of each, snapshot GB per AMI (see imageBuildsWhy). */
    readonly imageBuildsPerMonth: number;
    readonly imageBuildHours: number;
    readonly imageSnapshotGb: number;
    readonly logGroupGbPerMonth: number;
    readonly flowLogGbPerMonth: number;
    readonly eksControlPlaneLogGbPerMonth: number;
    readonly efsGb: number;
    readonly ecrRepositoryGb: number;
    readonly s3BucketGb: number;
    readonly loadBalancerCapacityUnits: number;
    /** Root volume of a node group without a launch template that sets one. */
    readonly defaultNodeVolumeGb: number;
    /** Data held in the backup vault. */
    readonly backupGb: number;
  };
  /** Types that cost nothing while the platform idles, with why; `Prefix::*` matches a namespace. */
  readonly zeroWhenIdle: Readonly<Record<string, string>>;
}

/** data/prices-<region>.json, or an error naming the file to add. */
export function loadPriceTable(region: string): PriceTable {
  const file = path.join(__dirname, '..', '..', '..', 'data', `prices-${region}.json`);
  if (!fs.existsSync(file)) throw new Error(`no price table for ${region}: add ${path.relative(process.cwd(), file)} (copy data/prices-eu-central-1.json)`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PriceTable;
}
