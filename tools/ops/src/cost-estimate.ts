/**
 * Monthly cost of the synthesized platform at idle (agent fleets at zero, everything else at its
 * configured size), plus what one build-hour on each agent fleet costs. Pure: templates and a
 * price table in, numbers out; every resource is either priced, zero with a reason, or listed
 * as unknown.
 */
import { AssemblyStack, CfnResource, CfnTemplate } from './assembly-stacks';
import { topLevelId } from './main-constructs';
import { PriceTable } from './price-table';

/** One priced resource. */
export interface CostLine {
  readonly stack: string;
  readonly pilot?: string;
  readonly logicalId: string;
  readonly type: string;
  readonly monthly: number;
  /** How the figure was reached (quantities and assumptions). */
  readonly basis: string;
}

/** A resource whose type the price table does not know. */
export interface UnpricedResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
}

/** An Auto Scaling group that idles at zero: what an hour of one agent costs. */
export interface FleetRate {
  readonly stack: string;
  /** The fleet's construct id. */
  readonly fleet: string;
  readonly instanceType: string;
  /** On-demand instance plus its root volume, per hour. */
  readonly onDemandHour: number;
  /** Spot instance plus its root volume, per hour, when the group runs on spot. */
  readonly spotHour?: number;
}

export interface CostEstimate {
  readonly region: string;
  readonly lines: readonly CostLine[];
  readonly unknown: readonly UnpricedResource[];
  readonly fleets: readonly FleetRate[];
  readonly byStack: ReadonlyMap<string, number>;
  /** Pilot name (or `platform`) -> monthly total. */
  readonly byPart: ReadonlyMap<string, number>;
  readonly total: number;
}

type Priced = { monthly: number; basis: string };
type Pricer = (resource: CfnResource, template: CfnTemplate, prices: PriceTable) => Priced;

const money = (n: number) => `$${n.toFixed(2)}`;
const perHour = (n: number) => `$${n.toFixed(3)}`;

/** Per type, how a resource is priced at idle. */
const PRICERS: Readonly<Record<string, Pricer>> = {
  'AWS::EKS::Cluster': (r, _t, p) => {
    const logTypes = ((r.Properties?.Logging as any)?.ClusterLogging?.EnabledTypes ?? []).length;
    const logGb = logTypes > 0 ? p.assumptions.eksControlPlaneLogGbPerMonth : 0;
    return {
      monthly: p.unitPrices.eksClusterHour * p.hoursPerMonth + logGb * p.unitPrices.logsIngestGb,
      basis: `control plane (standard support)${logGb ? ` + ${logGb} GB/month control-plane logs (${logTypes} types, assumed)` : ''}`,
    };
  },
  'AWS::EKS::Nodegroup': (r, t, p) => {
    const desired = Number((r.Properties?.ScalingConfig as any)?.DesiredSize ?? 0);
    const type = (r.Properties?.InstanceTypes as string[] | undefined)?.[0] ?? launchTemplateData(r.Properties?.LaunchTemplate, 'Id', t)?.InstanceType;
    const volume = rootVolumeGb(launchTemplateData(r.Properties?.LaunchTemplate, 'Id', t)) ?? Number(r.Properties?.DiskSize ?? p.assumptions.defaultNodeVolumeGb);
    const capacity = r.Properties?.CapacityType === 'SPOT' ? p.assumptions.spotFactor : 1;
    const hourly = instanceHour(p, type) * capacity + (volume * p.unitPrices.ebsGp3GbMonth) / p.hoursPerMonth;
    return { monthly: desired * hourly * p.hoursPerMonth, basis: `${desired} x ${type}${capacity < 1 ? ' (spot)' : ''} + ${volume} GB gp3 each, at desired size` };
  },
  'AWS::AutoScaling::AutoScalingGroup': (r, t, p) => {
    const running = Number(r.Properties?.DesiredCapacity ?? r.Properties?.MinSize ?? 0);
    if (running === 0) return { monthly: 0, basis: 'scales from zero (see per build-hour)' };
    const rate = groupRate(r, t, p);
    return { monthly: running * (rate.spotHour ?? rate.onDemandHour) * p.hoursPerMonth, basis: `${running} x ${rate.instanceType} at minimum size` };
  },
  'AWS::EC2::NatGateway': (_r, _t, p) => ({ monthly: p.unitPrices.natGatewayHour * p.hoursPerMonth, basis: 'hourly, traffic not included' }),
  'AWS::EC2::EIP': (_r, _t, p) => ({ monthly: p.unitPrices.publicIpv4Hour * p.hoursPerMonth, basis: 'public IPv4 address' }),
  'AWS::EC2::VPCEndpoint': (r, _t, p) => {
    if (r.Properties?.VpcEndpointType !== 'Interface') return { monthly: 0, basis: 'gateway endpoint: free' };
    const zones = (r.Properties?.SubnetIds as unknown[] | undefined)?.length ?? 1;
    return { monthly: zones * p.unitPrices.interfaceEndpointAzHour * p.hoursPerMonth, basis: `interface endpoint in ${zones} AZ(s), traffic not included` };
  },
  'AWS::EC2::FlowLog': (_r, _t, p) => ({ monthly: p.assumptions.flowLogGbPerMonth * p.unitPrices.logsIngestGb, basis: `${p.assumptions.flowLogGbPerMonth} GB/month ingested (assumed)` }),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (r, _t, p) => {
    const hour = r.Properties?.Type === 'network' ? p.unitPrices.nlbHour : p.unitPrices.albHour;
    const lcu = p.assumptions.loadBalancerCapacityUnits;
    return { monthly: (hour + lcu * p.unitPrices.loadBalancerCapacityUnitHour) * p.hoursPerMonth, basis: `hourly + ${lcu} capacity unit (assumed)` };
  },
  'AWS::ECS::Service': (r, t, p) => {
    const task = typeof (r.Properties?.TaskDefinition as any)?.Ref === 'string' ? t.Resources?.[(r.Properties!.TaskDefinition as any).Ref] : undefined;
    const count = Number(r.Properties?.DesiredCount ?? 1);
    const vcpu = Number(task?.Properties?.Cpu ?? 0) / 1024;
    const gb = Number(task?.Properties?.Memory ?? 0) / 1024;
    const arm = (task?.Properties?.RuntimePlatform as any)?.CpuArchitecture === 'ARM64';
    const u = p.unitPrices;
    const hourly = vcpu * (arm ? u.fargateVcpuHourArm : u.fargateVcpuHourX86) + gb * (arm ? u.fargateGbHourArm : u.fargateGbHourX86);
    return { monthly: count * hourly * p.hoursPerMonth, basis: `${count} Fargate task(s), ${vcpu} vCPU / ${gb} GB ${arm ? 'ARM64' : 'X86_64'}` };
  },
  'AWS::EFS::FileSystem': (_r, _t, p) => ({ monthly: p.assumptions.efsGb * p.unitPrices.efsStandardGbMonth, basis: `${p.assumptions.efsGb} GB standard (assumed)` }),
  'AWS::CloudWatch::Alarm': (r, _t, p) => {
    const metrics = (r.Properties?.Metrics as { MetricStat?: unknown }[] | undefined)?.filter((m) => m.MetricStat).length ?? 1;
    return { monthly: metrics * p.unitPrices.alarmMetricMonth, basis: `${metrics} metric(s), standard resolution` };
  },
  'AWS::Backup::BackupVault': (_r, _t, p) => ({ monthly: p.assumptions.backupGb * p.unitPrices.backupGbMonth, basis: `${p.assumptions.backupGb} GB of recovery points (assumed)` }),
  'AWS::KMS::Key': (_r, _t, p) => ({ monthly: p.unitPrices.kmsKeyMonth, basis: 'key, requests not included' }),
  'AWS::SecretsManager::Secret': (_r, _t, p) => ({ monthly: p.unitPrices.secretMonth, basis: 'secret, API calls not included' }),
  'AWS::Logs::LogGroup': (_r, _t, p) => {
    const gb = p.assumptions.logGroupGbPerMonth;
    return { monthly: gb * (p.unitPrices.logsIngestGb + p.unitPrices.logsStoreGbMonth), basis: `${gb} GB/month ingested and stored (assumed)` };
  },
  'AWS::ECR::Repository': (_r, _t, p) => ({ monthly: p.assumptions.ecrRepositoryGb * p.unitPrices.ecrStorageGbMonth, basis: `${p.assumptions.ecrRepositoryGb} GB stored (assumed)` }),
  // Image Builder is free; a build pays its build and test instances, an AMI its snapshot.
  'AWS::ImageBuilder::ImagePipeline': (r, t, p) => {
    const infra = t.Resources?.[(r.Properties?.InfrastructureConfigurationArn as any)?.['Fn::GetAtt']?.[0]];
    const type = (infra?.Properties?.InstanceTypes as string[] | undefined)?.[0];
    const a = p.assumptions;
    const ami = r.Properties?.ImageRecipeArn !== undefined;
    const builds = a.imageBuildsPerMonth * a.imageBuildHours * 2 * instanceHour(p, type);
    const snapshots = ami ? a.imageSnapshotGb * p.unitPrices.ebsSnapshotGbMonth : 0;
    return {
      monthly: builds + snapshots,
      basis: `${a.imageBuildsPerMonth} builds x ${a.imageBuildHours} h x build + test ${type}${ami ? ` + ${a.imageSnapshotGb} GB snapshot` : ''} (assumed; Inspector not included)`,
    };
  },
  // The charts' manifests: their volume claims become gp3 volumes (the default StorageClass), priced by size.
  'Custom::AWSCDK-EKS-KubernetesResource': (r, _t, p) => {
    const gib = claimedGib(r.Properties?.Manifest);
    return { monthly: gib * p.unitPrices.ebsGp3GbMonth, basis: gib > 0 ? `${gib} GiB of volume claims (gp3)` : 'no volume claims' };
  },
  'AWS::S3::Bucket': (_r, _t, p) => ({ monthly: p.assumptions.s3BucketGb * p.unitPrices.s3StandardGbMonth, basis: `${p.assumptions.s3BucketGb} GB standard (assumed)` }),
};

/** The idle estimate and the fleets' build-hour rates for `stacks` at `prices`. */
export function estimateCost(stacks: readonly AssemblyStack[], prices: PriceTable): CostEstimate {
  const lines: CostLine[] = [];
  const unknown: UnpricedResource[] = [];
  const fleets: FleetRate[] = [];
  for (const stack of stacks) {
    if (stack.region !== prices.region) throw new Error(`${stack.id} is in ${stack.region} but the price table is for ${prices.region}`);
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const pricer = PRICERS[resource.Type];
      if (pricer) {
        lines.push({ stack: stack.id, pilot: stack.pilot, logicalId, type: resource.Type, ...pricer(resource, stack.template, prices) });
      } else if (zeroReason(prices, resource.Type) === undefined) {
        unknown.push({ stack: stack.id, logicalId, type: resource.Type });
      }
      if (resource.Type === 'AWS::AutoScaling::AutoScalingGroup' && Number(resource.Properties?.MinSize ?? 0) === 0) {
        fleets.push({ stack: stack.id, fleet: topLevelId(resource) ?? logicalId, ...groupRate(resource, stack.template, prices) });
      }
    }
  }
  const sum = (key: (l: CostLine) => string) => {
    const totals = new Map<string, number>();
    for (const l of lines) totals.set(key(l), (totals.get(key(l)) ?? 0) + l.monthly);
    return totals;
  };
  return {
    region: prices.region,
    lines,
    unknown,
    fleets,
    byStack: sum((l) => l.stack),
    byPart: sum((l) => l.pilot ?? 'platform'),
    total: lines.reduce((n, l) => n + l.monthly, 0),
  };
}

/** GiB the manifest's claims request: standalone claims, and StatefulSets' claim templates per replica. */
function claimedGib(manifest: unknown): number {
  // A manifest with CloudFormation references is an Fn::Join; the references never sit in a claim's size.
  const text = typeof manifest === 'string' ? manifest : (manifest as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join']?.[1].map((p) => (typeof p === 'string' ? p : 'ref')).join('');
  if (!text) return 0;
  const gib = (claim: { spec?: { resources?: { requests?: { storage?: string } } } }) => {
    const m = /^(\d+)Gi$/.exec(claim.spec?.resources?.requests?.storage ?? '');
    return m ? Number(m[1]) : 0;
  };
  let total = 0;
  for (const o of JSON.parse(text) as { kind?: string; spec?: { replicas?: number; volumeClaimTemplates?: object[] } }[]) {
    if (o.kind === 'PersistentVolumeClaim') total += gib(o as never);
    if (o.kind === 'StatefulSet') total += (o.spec?.replicas ?? 1) * (o.spec?.volumeClaimTemplates ?? []).reduce((n: number, c) => n + gib(c as never), 0);
  }
  return total;
}

/** Why a type costs nothing at idle, or undefined when the table does not say. */
function zeroReason(prices: PriceTable, type: string): string | undefined {
  return prices.zeroWhenIdle[type] ?? prices.zeroWhenIdle[`${type.split('::')[0]}::*`];
}

function instanceHour(prices: PriceTable, type: unknown): number {
  const price = typeof type === 'string' ? prices.instances[type] : undefined;
  if (price === undefined) throw new Error(`no price for instance type ${String(type)} in the ${prices.region} table`);
  return price;
}

/** One agent of an Auto Scaling group: first instance type, its root volume, spot when configured. */
function groupRate(r: CfnResource, t: CfnTemplate, p: PriceTable): Omit<FleetRate, 'stack' | 'fleet'> {
  const mixed = r.Properties?.MixedInstancesPolicy as any;
  const spec = mixed?.LaunchTemplate?.LaunchTemplateSpecification ?? r.Properties?.LaunchTemplate;
  const data = launchTemplateData(spec, 'LaunchTemplateId', t);
  const instanceType = mixed?.LaunchTemplate?.Overrides?.[0]?.InstanceType ?? data?.InstanceType;
  const volume = (rootVolumeGb(data) ?? 0) * (p.unitPrices.ebsGp3GbMonth / p.hoursPerMonth);
  const onDemand = instanceHour(p, instanceType);
  const spot = mixed?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity === 0;
  return { instanceType, onDemandHour: onDemand + volume, spotHour: spot ? onDemand * p.assumptions.spotFactor + volume : undefined };
}

function launchTemplateData(spec: unknown, idKey: string, t: CfnTemplate): Record<string, any> | undefined {
  const ref = (spec as any)?.[idKey]?.Ref;
  return typeof ref === 'string' ? (t.Resources?.[ref]?.Properties?.LaunchTemplateData as Record<string, any>) : undefined;
}

function rootVolumeGb(data: Record<string, any> | undefined): number | undefined {
  const size = data?.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize;
  return size === undefined ? undefined : Number(size);
}

/** The estimate as a Markdown report. */
export function costReport(estimate: CostEstimate, prices: PriceTable): string {
  const out = [
    `# Estimated monthly cost (${estimate.region}, ${prices.currency}, prices of ${prices.date})`,
    '',
    `Idle platform: agent fleets at zero, node groups at desired size, ${prices.hoursPerMonth} h/month. Traffic, requests and data transfer are not included.`,
    '',
    '| part | stack | monthly |',
    '|---|---|---|',
    ...[...estimate.byStack].map(([stack, n]) => `| ${estimate.lines.find((l) => l.stack === stack)?.pilot ?? 'platform'} | ${stack} | ${money(n)} |`),
    `| **total** | | **${money(estimate.total)}** |`,
    '',
    '| part | monthly |',
    '|---|---|',
    ...[...estimate.byPart].map(([part, n]) => `| ${part} | ${money(n)} |`),
    '',
    '## Per build-hour, per agent fleet (one agent, first instance type, with its root volume)',
    '',
    '| stack | fleet | instance type | on-demand / h | spot / h |',
    '|---|---|---|---|---|',
    ...estimate.fleets.map((f) => `| ${f.stack} | ${f.fleet} | ${f.instanceType} | ${perHour(f.onDemandHour)} | ${f.spotHour === undefined ? '-' : perHour(f.spotHour)} |`),
    '',
    '## Largest items',
    '',
    '| stack | resource | type | monthly | basis |',
    '|---|---|---|---|---|',
    ...[...estimate.lines]
      .filter((l) => l.monthly > 0)
      .sort((a, b) => b.monthly - a.monthly || a.logicalId.localeCompare(b.logicalId))
      .slice(0, 15)
      .map((l) => `| ${l.stack} | ${l.logicalId} | ${l.type} | ${money(l.monthly)} | ${l.basis} |`),
    '',
    '## Unknown resource types (not priced: add them to the price table)',
    '',
    ...(estimate.unknown.length === 0 ? ['none'] : estimate.unknown.map((u) => `- ${u.stack} ${u.logicalId}: ${u.type}`)),
    '',
    `Assumptions: ${JSON.stringify(prices.assumptions)}`,
    '',
    `Source: ${prices.source}`,
    '',
  ];
  return out.join('\n');
}
