import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

export interface AllowedCallersProps {
  /** Namespaces whose workloads may call this namespace's workloads (mTLS identities, not IPs). */
  readonly namespaces: readonly string[];
}

/**
 * Only the listed namespaces may call the workloads of the chart's namespace. Keeps pilots from calling
 * FIWARE directly with any `fiware-service` header: they go through the gateway, where OPA decides.
 */
export class AllowedCallers extends Construct {
  constructor(scope: Construct, id: string, props: AllowedCallersProps) {
    super(scope, id);
    addKubeObject(
      this,
      'Policy',
      new AuthorizationPolicy({
        metadata: { name: 'allowed-callers', namespace: Chart.of(this).namespace },
        spec: { action: 'ALLOW', rules: [{ from: [{ source: { namespaces: [...props.namespaces] } }] }] },
      }),
    );
  }
}
