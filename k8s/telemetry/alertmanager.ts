import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

export interface AlertmanagerProps {
  /** The operators' SNS topic, where every alert and its resolution go. */
  readonly topicArn: string;
  /** The topic's region (SigV4 signing). */
  readonly region: string;
}

/** The ServiceAccount the cluster stack binds to the topic-publishing role through EKS Pod Identity. */
export const ALERTMANAGER_SERVICE_ACCOUNT = 'alertmanager';

/** Alertmanager's configuration: one route, to the operators' topic, resolved alerts included. */
export function alertmanagerConfig(props: AlertmanagerProps) {
  return {
    route: { receiver: 'operators', group_by: ['alertname', 'namespace'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
    receivers: [
      {
        name: 'operators',
        sns_configs: [
          {
            topic_arn: props.topicArn,
            // Credentials from the default chain: EKS Pod Identity (aws-sdk-go 1.55 in Alertmanager 0.28).
            sigv4: { region: props.region },
            subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
            message: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}',
            send_resolved: true,
          },
        ],
      },
    ],
  };
}

/** Alertmanager, routing the cluster's Prometheus alerts to the same SNS topic as the CloudWatch alarms. */
export class Alertmanager extends PlatformService {
  public static readonly PORT = 9093;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    const account = new kplus.ServiceAccount(scope, `${id}Account`, { metadata: { name: ALERTMANAGER_SERVICE_ACCOUNT }, automountToken: false });
    const config = new kplus.ConfigMap(scope, `${id}Config`, { metadata: { name: 'alertmanager-config' }, data: { 'alertmanager.yml': stringify(alertmanagerConfig(props)) } });
    super(scope, id, {
      name: 'alertmanager',
      serviceAccount: account,
      meshSidecar: false,
      container: {
        image: IMAGES.alertmanager,
        user: 65534,
        ports: [{ number: Alertmanager.PORT, name: 'http' }],
        resources: resources({ request: 50, limit: 250 }, { request: 64, limit: 256 }),
        args: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager', '--cluster.listen-address='],
        readiness: httpProbe('/-/ready', Alertmanager.PORT),
        liveness: httpProbe('/-/healthy', Alertmanager.PORT),
        scratchPaths: ['/alertmanager'],
      },
      configMounts: [{ path: '/etc/alertmanager', configMap: config }],
    });
  }
}
