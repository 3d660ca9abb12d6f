import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IDependable } from 'constructs';

export interface ArgoCdProps {
  readonly cluster: eks.ICluster;
  /** argo-cd chart version (argoproj/argo-helm). */
  readonly chartVersion: string;
  /** Things that must exist first (the mesh, so Argo CD's pods get sidecars). */
  readonly after?: readonly IDependable[];
}

/** The namespace Argo CD runs in; its AppProjects and Applications go there too. */
export const ARGO_CD_NAMESPACE = 'argocd';

/** Argo CD from its Helm chart: the GitOps engine that syncs the rendered platform manifests. */
export class ArgoCd extends Construct {
  public readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id);
    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: props.cluster,
      repository: 'https://argoproj.github.io/argo-helm',
      chart: 'argo-cd',
      version: props.chartVersion,
      release: 'argocd',
      namespace: ARGO_CD_NAMESPACE,
      createNamespace: true,
      wait: true,
      // Served through the mesh (TLS at the gateway, mTLS inside), not by its own ingress.
      values: { configs: { params: { 'server.insecure': true } } },
    });
    for (const dependency of props.after ?? []) this.chart.node.addDependency(dependency);
  }
}
