import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

/** CPU (millicores) and memory (MiB) of one container. */
export interface ContainerResources {
  readonly requests: { readonly cpuMillis: number; readonly memoryMiB: number };
  readonly limits: { readonly cpuMillis: number; readonly memoryMiB: number };
}

/**
 * What Istio injects beside every pilot container: the sidecar's resources as the istiod chart sets
 * them by default (`global.proxy.resources` in manifests/charts/istio-control/istio-discovery/values.yaml
 * of Istio 1.29.0: requests 100m/128Mi, limits 2000m/1024Mi), which the cluster stack does not change.
 * They count against the namespace's quota like the workload's own.
 */
export const ISTIO_SIDECAR_RESOURCES: ContainerResources = { requests: { cpuMillis: 100, memoryMiB: 128 }, limits: { cpuMillis: 2000, memoryMiB: 1024 } };

/** What one pilot's namespace may consume in total. */
export interface PilotQuotaProps {
  /** The pilot's namespace. */
  readonly namespace: string;
  /** The workloads' own CPU requests, in millicores; the sidecars' come on top. @default 4000 */
  readonly cpuRequestsMillis?: number;
  /** The workloads' own CPU limits, in millicores; the sidecars' come on top. @default 8000 */
  readonly cpuLimitsMillis?: number;
  /** The workloads' own memory requests, in MiB; the sidecars' come on top. @default 8192 */
  readonly memoryRequestsMiB?: number;
  /** The workloads' own memory limits, in MiB; the sidecars' come on top. @default 16384 */
  readonly memoryLimitsMiB?: number;
  /** The sidecar each pod gets. @default ISTIO_SIDECAR_RESOURCES */
  readonly sidecar?: ContainerResources;
  /** @default '100Gi' */
  readonly storage?: string;
  /** @default 20 */
  readonly pods?: number;
}

/**
 * A pilot's share of the cluster: a ResourceQuota, and a LimitRange that gives containers without
 * requests/limits defaults (a quota on limits otherwise rejects such pods) and caps single containers.
 */
export class PilotQuota extends Construct {
  constructor(scope: Construct, id: string, props: PilotQuotaProps) {
    super(scope, id);
    const { namespace } = props;
    const pods = props.pods ?? 20;
    const sidecar = props.sidecar ?? ISTIO_SIDECAR_RESOURCES;
    // Sized from its parts: the workloads' budget plus a sidecar for each pod the quota admits; with
    // the sidecars left out, their 2-CPU limits alone would fill `limits.cpu` after a few pods.
    const cpu = (workload: number, perSidecar: number) => `${workload + pods * perSidecar}m`;
    const memory = (workload: number, perSidecar: number) => `${workload + pods * perSidecar}Mi`;
    addKubeObject(
      this,
      'Quota',
      new ResourceQuota({
        metadata: { name: 'pilot-quota', namespace },
        spec: {
          hard: {
            'requests.cpu': cpu(props.cpuRequestsMillis ?? 4000, sidecar.requests.cpuMillis),
            'limits.cpu': cpu(props.cpuLimitsMillis ?? 8000, sidecar.limits.cpuMillis),
            'requests.memory': memory(props.memoryRequestsMiB ?? 8192, sidecar.requests.memoryMiB),
            'limits.memory': memory(props.memoryLimitsMiB ?? 16384, sidecar.limits.memoryMiB),
            'requests.storage': props.storage ?? '100Gi',
            pods: String(pods),
            // Pilots reach the outside only through the platform's gateway.
            'services.loadbalancers': '0',
            'services.nodeports': '0',
          },
        },
      }),
    );
    addKubeObject(
      this,
      'Limits',
      new LimitRange({
        metadata: { name: 'pilot-limits', namespace },
        spec: {
          limits: [
            {
              type: 'Container',
              defaultRequest: { cpu: '100m', memory: '128Mi' },
              default: { cpu: '500m', memory: '512Mi' },
              max: { cpu: '2', memory: '4Gi' },
            },
          ],
        },
      }),
    );
  }
}
