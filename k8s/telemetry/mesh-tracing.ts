import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1alpha1/Telemetry';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

/** Name of the tracing extension provider in istiod's mesh config. */
export const TRACING_PROVIDER_NAME = 'jaeger';

/** The `meshConfig.extensionProviders` entry the cluster stack adds: Envoy reports Zipkin spans to Jaeger. */
export function tracingExtensionProvider(collectorHost: string, zipkinPort: number) {
  return { name: TRACING_PROVIDER_NAME, zipkin: { service: collectorHost, port: zipkinPort } } as const;
}

export interface MeshTracingProps {
  /** Istio's root namespace: a Telemetry object there applies mesh-wide. */
  readonly meshRootNamespace: string;
  /**
   * Share of requests traced.
   * @default 10
   */
  readonly samplingPercent?: number;
}

/** Turns tracing on mesh-wide with the Jaeger provider. */
export class MeshTracing extends Construct {
  constructor(scope: Construct, id: string, props: MeshTracingProps) {
    super(scope, id);
    addKubeObject(
      this,
      'Telemetry',
      new Telemetry({
        metadata: { name: 'mesh-default', namespace: props.meshRootNamespace },
        spec: { tracing: [{ providers: [{ name: TRACING_PROVIDER_NAME }], randomSamplingPercentage: props.samplingPercent ?? 10 }] },
      }),
    );
  }
}
