import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformSpec } from '../config/schema';
import { ArgoCd } from '../constructs/argo-cd';
import { IstioMesh } from '../constructs/istio-mesh';
import { PlatformCluster } from '../constructs/platform-cluster';
import { CLUSTER_REQUIREMENTS } from '../../k8s/cluster-requirements';
import { PlatformStack, PlatformStackProps } from './platform-stack';

/** Pinned releases of what the cluster stack installs with Helm. */
export const ISTIO_VERSION = '1.29.0';
export const ARGO_CD_CHART_VERSION = '7.7.14';

export interface ClusterStackProps extends PlatformStackProps {
  readonly cluster: PlatformSpec['cluster'];
  readonly vpc: ec2.IVpc;
  readonly clusterSubnets: ec2.SubnetSelection;
  readonly cdPlaneSecurityGroup: ec2.ISecurityGroup;
  /** Namespaces the CD deployer may administer. */
  readonly deployerNamespaces: readonly string[];
  /** cdk8s charts, in apply order; applied once the mesh is up. */
  readonly charts: readonly Chart[];
}

/** The EKS cluster with Istio and Argo CD bootstrapped and the platform's charts applied. */
export class ClusterStack extends PlatformStack {
  public readonly platformCluster: PlatformCluster;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { nodeGroups } = props.cluster;
    const sizing = (group: (typeof nodeGroups)['amd64']) => ({ ...group, instanceTypes: group.instanceTypes.map((t) => new ec2.InstanceType(t)) });
    this.platformCluster = new PlatformCluster(this, 'Platform', {
      vpc: props.vpc,
      clusterSubnets: props.clusterSubnets,
      cdPlaneSecurityGroup: props.cdPlaneSecurityGroup,
      kubernetesVersion: props.cluster.kubernetesVersion,
      nodeGroups: { amd64: sizing(nodeGroups.amd64), arm64: sizing(nodeGroups.arm64) },
      adminRoleArns: props.cluster.adminRoles,
      publicEndpointCidrs: props.cluster.publicEndpointCidrs,
      deployerNamespaces: props.deployerNamespaces,
      // CrateDB schedules only where the node provides its kernel setting (set at boot on every node).
      x86NodeLabels: CLUSTER_REQUIREMENTS.crateNodes.labels,
    });
    const cluster = this.platformCluster.cluster;

    const mesh = new IstioMesh(this, 'Mesh', {
      cluster,
      version: ISTIO_VERSION,
      extensionProviders: CLUSTER_REQUIREMENTS.istio.extensionProviders,
      istiodEnv: CLUSTER_REQUIREMENTS.istio.istiodEnv,
      gateway: { namespace: CLUSTER_REQUIREMENTS.istio.ingressGateway.namespace, labels: CLUSTER_REQUIREMENTS.istio.ingressGateway.selector },
      certificateArn: props.cluster.ingressCertificateArn,
      after: this.platformCluster.nodeGroups,
    });
    new ArgoCd(this, 'ArgoCd', { cluster, chartVersion: ARGO_CD_CHART_VERSION, after: [mesh.ready] });

    // One manifest for all charts keeps the deploy to a single kubectl apply (and custom resource),
    // in chart order: namespaces before what lives in them.
    const manifest = cluster.addManifest('PlatformCharts', ...props.charts.flatMap((chart) => chart.toJson()));
    manifest.node.addDependency(mesh.ready);
  }
}
