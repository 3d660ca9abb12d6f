import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
}

/**
 * The EKS cluster with Istio and Argo CD bootstrapped. The charts are applied by their own stacks
 * (ChartsStack) through this cluster's kubectl provider, and each delivering pilot's deployer (its
 * role and access entry) by that pilot's Pilot-<pilot>-Ci stack, so this template does not grow with the pilots.
 */
export class ClusterStack extends PlatformStack {
  public readonly platformCluster: PlatformCluster;
  /** Istio (its CRDs, istiod, the ingress gateway). */
  public readonly mesh: IstioMesh;
  /** Argo CD (its CRDs and the `argocd` namespace). */
  public readonly argoCd: ArgoCd;

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
      // CrateDB schedules only where the node provides its kernel setting (set at boot on every node).
      x86NodeLabels: CLUSTER_REQUIREMENTS.crateNodes.labels,
    });
    const cluster = this.platformCluster.cluster;

    this.mesh = new IstioMesh(this, 'Mesh', {
      cluster,
      version: ISTIO_VERSION,
      extensionProviders: CLUSTER_REQUIREMENTS.istio.extensionProviders,
      istiodEnv: CLUSTER_REQUIREMENTS.istio.istiodEnv,
      gateway: { namespace: CLUSTER_REQUIREMENTS.istio.ingressGateway.namespace, labels: CLUSTER_REQUIREMENTS.istio.ingressGateway.selector },
      certificateArn: props.cluster.ingressCertificateArn,
      after: this.platformCluster.nodeGroups,
    });
    this.argoCd = new ArgoCd(this, 'ArgoCd', { cluster, chartVersion: ARGO_CD_CHART_VERSION, after: [this.mesh.ready] });
  }
}
