import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { Construct } from 'constructs';
import { stagingNamespace } from '../../lib/lifecycle/delivery-namespaces';
import { addKubeObject } from '../kube-object';

/** Label that makes Istio inject its sidecar into every pod of a namespace. */
export const ISTIO_INJECTION = { 'istio-injection': 'enabled' } as const;

export interface PlatformNamespacesChartProps extends ChartProps {
  /** Namespaces of the shared platform services (FIWARE, identity, telemetry, ...). */
  readonly platformNamespaces: readonly string[];
  /** Names of the pilots: each gets a `pilot-<name>` namespace. */
  readonly pilots: readonly string[];
  /**
   * Pilots whose components CD deploys: each also gets a `pilot-<name>-staging` namespace.
   * @default - none
   */
  readonly stagingFor?: readonly string[];
  /**
   * Istio's root namespace, where a mesh-wide PeerAuthentication applies to every workload.
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/** The platform's namespaces, all in the mesh, and mutual TLS required mesh-wide. */
export class PlatformNamespacesChart extends Chart {
  /** Namespace names by pilot. */
  public readonly pilotNamespaces: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: PlatformNamespacesChartProps) {
    super(scope, id, props);
    const meshNamespace = (name: string, labels: Record<string, string>) =>
      new kplus.Namespace(this, name, { metadata: { name, labels: { ...ISTIO_INJECTION, ...labels } } });

    for (const name of props.platformNamespaces) meshNamespace(name, { 'iiot-platform/tier': 'platform' });
    this.pilotNamespaces = new Map(props.pilots.map((pilot) => [pilot, `pilot-${pilot}`]));
    for (const [pilot, name] of this.pilotNamespaces) meshNamespace(name, { 'iiot-platform/tier': 'pilot', 'iiot-platform/pilot': pilot });
    for (const pilot of props.stagingFor ?? []) meshNamespace(stagingNamespace(pilot), { 'iiot-platform/tier': 'staging', 'iiot-platform/pilot': pilot });

    // Mesh-wide: no plaintext between workloads anywhere, including namespaces added later.
    addKubeObject(
      this,
      'MeshMutualTls',
      new PeerAuthentication({
        metadata: { name: 'default', namespace: props.meshRootNamespace ?? 'istio-system' },
        spec: { mtls: { mode: 'STRICT' } },
      }),
    );
  }
}
