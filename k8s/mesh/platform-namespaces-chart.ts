import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

/** Label that makes Istio inject its sidecar into every pod of a namespace. */
export const ISTIO_INJECTION = { 'istio-injection': 'enabled' } as const;

/** A namespace in the mesh: Istio injects its sidecar into every pod. */
export function meshNamespace(scope: Construct, name: string, labels: Readonly<Record<string, string>>): kplus.Namespace {
  return new kplus.Namespace(scope, name, { metadata: { name, labels: { ...ISTIO_INJECTION, ...labels } } });
}

export interface PlatformNamespacesChartProps extends ChartProps {
  /** Namespaces of the shared platform services (FIWARE, identity, telemetry, ...). */
  readonly platformNamespaces: readonly string[];
  /**
   * Istio's root namespace, where a mesh-wide PeerAuthentication applies to every workload.
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/**
 * The shared services' namespaces, all in the mesh, and mutual TLS required mesh-wide. The pilots'
 * namespaces come with their guard rails (PilotChart), applied by each pilot's own stack.
 */
export class PlatformNamespacesChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformNamespacesChartProps) {
    super(scope, id, props);
    for (const name of props.platformNamespaces) meshNamespace(this, name, { 'iiot-platform/tier': 'platform' });

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
