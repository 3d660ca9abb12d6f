import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

export interface ClusterReaderProps {
  /** Name of the ServiceAccount and its ClusterRole. */
  readonly name: string;
  /** What it may read across the cluster (read verbs only). */
  readonly rules: readonly IPolicyRule[];
}

/** A ServiceAccount with read-only access across the cluster, for observers (Prometheus, Kiali). */
export class ClusterReader extends Construct {
  public readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: ClusterReaderProps) {
    super(scope, id);
    const writes = props.rules.flatMap((r) => r.verbs.filter((v) => !['get', 'list', 'watch'].includes(v)));
    if (writes.length > 0) throw new Error(`${props.name}: a cluster reader only reads; found verbs ${writes.join(', ')}`);
    this.serviceAccount = new kplus.ServiceAccount(this, 'Account', { metadata: { name: props.name }, automountToken: true });
    const role = `iiot-${props.name}-reader`;
    addKubeObject(this, 'Role', new ClusterRole({ metadata: { name: role }, rules: props.rules.map((r) => ({ ...r })) }));
    addKubeObject(
      this,
      'Binding',
      new ClusterRoleBinding({
        metadata: { name: role },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: Chart.of(this).namespace }],
      }),
    );
  }
}
