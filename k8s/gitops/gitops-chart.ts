import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOpsSpec } from '../../lib/config/schema';
import { PilotDelivery } from './pilot-delivery';

/** Argo CD's namespace; the cluster stack installs Argo CD there. */
export const ARGOCD_NAMESPACE = 'argocd';

export interface GitOpsChartProps extends ChartProps {
  /** Where the pilots' rendered manifests are. */
  readonly source: GitOpsSpec;
  /** Each pilot's namespace, by pilot name. */
  readonly pilotNamespaces: ReadonlyMap<string, string>;
}

/** Argo CD projects and applications: one confined delivery per pilot. */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, props: GitOpsChartProps) {
    super(scope, id, { ...props, namespace: ARGOCD_NAMESPACE });
    for (const [pilot, namespace] of props.pilotNamespaces) {
      new PilotDelivery(this, pilot, { pilot, namespace, source: props.source, argoNamespace: ARGOCD_NAMESPACE });
    }
  }
}
