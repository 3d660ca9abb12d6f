/** Wires the validated model to stacks: the shared platform stacks, then one set per pilot. */
import { App, Duration, Environment, Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { definePlatformChartSets } from '../k8s/platform-charts';
import { alertTopicName } from './alert-topic-address';
import { deliveringPilots, stagingNamespace } from './lifecycle/delivery-namespaces';
import { hasCiJob } from './lifecycle/maturity';
import { storeCopiesBucketName } from './store-copies-address';
import { PlatformModel } from './config/load-config';
import { ComponentSpec } from './config/schema';
import { ArtefactTarget } from './constructs/artefact-access';
import { ChartsStack } from './stacks/charts-stack';
import { CiStack } from './stacks/ci-stack';
import { ClusterStack } from './stacks/cluster-stack';
import { EdgeStack } from './stacks/edge-stack';
import { ImagesStack } from './stacks/images-stack';
import { NetworkStack } from './stacks/network-stack';
import { OperationsStack } from './stacks/operations-stack';
import { operatePlatform } from './platform-operations';
import { PilotCiStack } from './stacks/pilot-ci-stack';
import { PilotEdgeStack } from './stacks/pilot-edge-stack';
import { RegistryStack } from './stacks/registry-stack';

export const PLATFORM_OWNER = 'platform';

export interface PlatformStacks {
  readonly operations: OperationsStack;
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  /** The shared services' charts, one stack per chart set, in apply order. */
  readonly charts: readonly ChartsStack[];
  readonly ci: CiStack;
  readonly images: ImagesStack;
  readonly registries: RegistryStack;
  /** Absent when no pilot has an edge section. */
  readonly edge?: EdgeStack;
  /** Per pilot name, that pilot's stacks; `edge` for pilots with an edge section. */
  readonly pilots: ReadonlyMap<string, { readonly registries: RegistryStack; readonly namespaces: ChartsStack; readonly edge?: PilotEdgeStack }>;
}

/** Stack ids (also the CloudFormation stack names): `Pilot-<name>-*` selects one pilot's stacks. */
export const StackIds = {
  operations: 'Platform-Operations',
  network: 'Platform-Network',
  cluster: 'Platform-Cluster',
  charts: (set: string) => `Platform-Charts-${set}`,
  ci: 'Platform-Ci',
  images: 'Platform-Images',
  registries: 'Platform-Registries',
  pilotRegistries: (pilot: string) => `Pilot-${pilot}-Registries`,
  pilotNamespaces: (pilot: string) => `Pilot-${pilot}-Namespaces`,
  edge: 'Platform-Edge',
  pilotEdge: (pilot: string) => `Pilot-${pilot}-Edge`,
  pilotCi: (pilot: string) => `Pilot-${pilot}-Ci`,
};

/** What the config folder records about already published artefacts (bin/ reads it beside the config). */
export interface PublishedState {
  /** Recipe digests of published Greengrass component versions (`<component>@<version>`). */
  readonly greengrassRecipes?: Readonly<Record<string, string>>;
  /** Digests of deployed golden image versions (`<name>@<version>`). */
  readonly images?: Readonly<Record<string, string>>;
}

export function definePlatform(app: App, model: PlatformModel, published: PublishedState = {}): PlatformStacks {
  const { platform, pilots } = model;
  const env: Environment = { account: platform.environment.account, region: platform.environment.region };
  const common = {
    env,
    availabilityZones: platform.environment.availabilityZones,
    tags: { 'iiot-platform': platform.name },
  };
  const owners = [
    { owner: PLATFORM_OWNER, components: platform.components },
    ...pilots.map((p) => ({ owner: p.name, components: p.components })),
  ];

  const operations = new OperationsStack(app, StackIds.operations, {
    ...common,
    description: `IIoT platform ${platform.name}: alert topic, backups, budget`,
    operations: platform.operations,
    alertTopicName: alertTopicName(platform.name),
    costTag: { key: 'iiot-platform', value: platform.name },
  });
  const network = new NetworkStack(app, StackIds.network, {
    ...common,
    description: `IIoT platform ${platform.name}: VPC with CI, CD and cluster planes`,
    network: platform.network,
  });
  const vpc = network.network;
  const delivering = deliveringPilots(model);
  const cluster = new ClusterStack(app, StackIds.cluster, {
    ...common,
    description: `IIoT platform ${platform.name}: EKS cluster with Istio, Argo CD and the platform charts`,
    cluster: platform.cluster,
    vpc: vpc.vpc,
    clusterSubnets: vpc.plane('cluster'),
    cdPlaneSecurityGroup: vpc.cdPlaneSecurityGroup,
  });
  // The charts after Istio and Argo CD (their CRDs and namespaces), through the cluster's one kubectl provider.
  const chartSets = definePlatformChartSets(new cdk8s.App(), model);
  const bootstrapped = [cluster.mesh.ready, cluster.argoCd.chart];
  const charts: ChartsStack[] = [];
  for (const set of chartSets.platform) {
    charts.push(new ChartsStack(app, StackIds.charts(set.name), {
      ...common,
      description: `IIoT platform ${platform.name}: Kubernetes objects of the shared services (${set.charts.map((c) => c.node.id).join(', ')})`,
      cluster: cluster.platformCluster.cluster,
      charts: set.charts,
      after: charts.length === 0 ? bootstrapped : [charts[charts.length - 1].applied],
    }));
  }
  const registries = new RegistryStack(app, StackIds.registries, {
    ...common,
    description: `IIoT platform ${platform.name}: registries of the platform's own components`,
    owner: PLATFORM_OWNER,
    components: platform.components,
    settings: platform.registries,
    developers: platform.developers,
    platformName: platform.name,
  });
  const edgeFleets = pilots.flatMap((p) => (p.edge ? [{ pilot: p.name, edge: p.edge }] : []));
  const edge = edgeFleets.length === 0 ? undefined : new EdgeStack(app, StackIds.edge, {
    ...common,
    description: `IIoT platform ${platform.name}: edge core (device identity, fleet provisioning, factory test records, retirement)`,
    namePrefix: platform.name,
    settings: platform.edge,
    fleets: edgeFleets,
  });
  const pilotStacks = new Map(
    pilots.map((pilot) => [
      pilot.name,
      {
        namespaces: new ChartsStack(app, StackIds.pilotNamespaces(pilot.name), {
          ...common,
          tags: { ...common.tags, 'iiot-pilot': pilot.name },
          description: `IIoT pilot ${pilot.name} (${pilot.displayName}): its Kubernetes namespaces, their guard rails, its Keycloak realm and its Argo CD delivery`,
          cluster: cluster.platformCluster.cluster,
          charts: chartSets.pilots.get(pilot.name)!,
          // After the shared charts: its realm import runs in their identity namespace, as their ServiceAccount.
          after: [charts[charts.length - 1].applied],
        }),
        edge: pilot.edge
          ? new PilotEdgeStack(app, StackIds.pilotEdge(pilot.name), {
              ...common,
              tags: { ...common.tags, 'iiot-pilot': pilot.name },
              description: `IIoT pilot ${pilot.name} (${pilot.displayName}): edge fleet (device generations, components, staged rollouts)`,
              pilot: pilot.name,
              platformName: platform.name,
              components: pilot.components,
              edge: pilot.edge,
              greengrass: platform.edge.greengrass,
              publishedRecipes: published.greengrassRecipes,
            })
          : undefined,
        registries: new RegistryStack(app, StackIds.pilotRegistries(pilot.name), {
          ...common,
          tags: { ...common.tags, 'iiot-pilot': pilot.name },
          description: `IIoT pilot ${pilot.name} (${pilot.displayName}): artefact registries and access roles`,
          owner: pilot.name,
          components: pilot.components,
          settings: platform.registries,
          developers: pilot.developers,
          sharedWithDevelopers: sharedWith(pilot.name, owners),
          platformName: platform.name,
        }),
      },
    ]),
  );
  // Before Platform-Ci: its fleets and controller run the images this stack builds.
  const images = new ImagesStack(app, StackIds.images, {
    ...common,
    description: `IIoT platform ${platform.name}: golden images (agent AMIs, Jenkins controller) built by EC2 Image Builder`,
    ci: platform.ci,
    vpc: vpc.vpc,
    buildSubnets: vpc.plane('ci'),
    platformName: platform.name,
    publishedImages: published.images,
  });
  const ci = new CiStack(app, StackIds.ci, {
    ...common,
    description: `IIoT platform ${platform.name}: Jenkins controller, agent fleets and webhook relay`,
    ci: platform.ci,
    vpc: vpc.vpc,
    ciSubnets: vpc.plane('ci'),
    cdSubnets: vpc.plane('cd'),
    cdPlaneSecurityGroup: vpc.cdPlaneSecurityGroup,
    clusterName: cluster.platformCluster.cluster.clusterName,
    platformName: platform.name,
    controllerRepository: images.controllerRepository,
    platformOwner: PLATFORM_OWNER,
    owners: [
      { name: PLATFORM_OWNER, displayName: `Platform ${platform.name}`, components: platform.components, developers: platform.developers },
      ...pilots.map((p) => ({ name: p.name, displayName: p.displayName, components: p.components, developers: p.developers })),
    ],
  });
  // Each pilot's folder credentials (deploy keys, role ARNs) in its own stack, before the controller reads them.
  const pilotCiStacks = pilots
    .filter((p) => p.components.some((c) => hasCiJob(c, p)))
    .map((pilot) => {
      const stack = new PilotCiStack(app, StackIds.pilotCi(pilot.name), {
        ...common,
        tags: { ...common.tags, 'iiot-pilot': pilot.name },
        description: `IIoT pilot ${pilot.name} (${pilot.displayName}): its Jenkins folder's deploy keys and role ARNs`,
        pilot: pilot.name,
        platformName: platform.name,
        components: pilot.components.filter((c) => hasCiJob(c, pilot)),
        // Deploy permission only where a component has CD (maturity level 3+): staging and production.
        delivery: delivering.includes(pilot.name) ? { cluster: cluster.platformCluster.cluster } : undefined,
      });
      ci.addStackDependency(stack, 'the controller reads the pilot folder credentials at its start');
      return stack;
    });
  for (const r of [registries, ...[...pilotStacks.values()].map((p) => p.registries)]) ci.addStackDependency(r, 'the controller reads the role ARNs they publish at its start');
  // IoT checks that it may invoke a template's pre-provisioning hook when the template is created.
  for (const p of pilotStacks.values()) if (p.edge && edge) p.edge.addStackDependency(edge, "its provisioning template calls Platform-Edge's pre-provisioning hook");
  const pilotStackList: Stack[] = [...[...pilotStacks.values()].flatMap((p) => [p.registries, p.namespaces, ...(p.edge ? [p.edge] : [])]), ...pilotCiStacks];
  operatePlatform({
    platformName: platform.name,
    operations,
    edge,
    stacks: [network, cluster, ...charts, ci, images, registries, ...(edge ? [edge] : []), ...pilotStackList],
    ci,
    cluster,
    certificates: new Map<Stack, string[]>([
      [ci, [platform.ci.jenkins.certificateArn]],
      [cluster, platform.cluster.ingressCertificateArn ? [platform.cluster.ingressCertificateArn] : []],
    ]),
    storeCopies: {
      bucketName: storeCopiesBucketName(platform.name, platform.environment),
      retention: Duration.days(platform.operations.backups.retentionDays),
      restoreNamespaces: delivering.map((pilot) => ({ namespace: stagingNamespace(pilot), scope: pilotStacks.get(pilot)!.namespaces })),
    },
  });
  return { operations, network, cluster, charts, ci, images, registries, edge, pilots: pilotStacks };
}

/** The prod artefacts other owners share with `pilot`, grouped by owner. */
function sharedWith(pilot: string, owners: readonly { owner: string; components: readonly ComponentSpec[] }[]): ArtefactTarget[] {
  return owners
    .map(({ owner, components }) => ({ owner, tier: 'prod' as const, components: components.filter((c) => c.sharedWith.includes(pilot)) }))
    .filter((target) => target.components.length > 0);
}
