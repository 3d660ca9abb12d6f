import { LimitRange, ResourceQuota } from 'kubernetes-models/v1';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

/** What one pilot's namespace may consume in total. */
export interface PilotQuotaProps {
  /** The pilot's namespace. */
  readonly namespace: string;
  /** @default '4' */
  readonly cpuRequests?: string;
  /** @default '8' */
  readonly cpuLimits?: string;
  /** @default '8Gi' */
  readonly memoryRequests?: string;
  /** @default '16Gi' */
  readonly memoryLimits?: string;
  /** @default '100Gi' */
  readonly storage?: string;
  /** @default 50 */
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
    addKubeObject(
      this,
      'Quota',
      new ResourceQuota({
        metadata: { name: 'pilot-quota', namespace },
        spec: {
          hard: {
            'requests.cpu': props.cpuRequests ?? '4',
            'limits.cpu': props.cpuLimits ?? '8',
            'requests.memory': props.memoryRequests ?? '8Gi',
            'limits.memory': props.memoryLimits ?? '16Gi',
            'requests.storage': props.storage ?? '100Gi',
            pods: String(props.pods ?? 50),
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
