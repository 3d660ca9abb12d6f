/**
 * The cluster's alerting, checked on the rendered telemetry chart: each rule parses with
 * Prometheus' own PromQL grammar (@prometheus-io/lezer-promql), reads only metrics that a scrape job
 * of the rendered config collects (metric names from the exporters' documentation, kept below with
 * their sources), covers every workload of the demo platform, and Alertmanager reaches the same SNS
 * topic as the CloudWatch alarms through a Pod Identity role that may publish there and nowhere else.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { alertTopicArn } from '../../lib/alert-topic-address';
import { AlertingRule, ALERTING_RULES } from '../../k8s/telemetry/alerting-rules';
import { KubeJson, synthDemoCharts } from '../fixtures/demo-charts';
import { demoAssembly } from '../demo-assembly';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Metric name -> the scrape job that collects it, and where the name is documented. */
const KNOWN_METRICS: Readonly<Record<string, { job: string; source: string }>> = {
  kube_pod_container_status_restarts_total: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/pod-metrics.md' },
  kube_pod_status_ready: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/pod-metrics.md' },
  kube_pod_status_phase: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/pod-metrics.md' },
  kube_deployment_status_replicas_available: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/deployment-metrics.md' },
  kube_deployment_spec_replicas: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/deployment-metrics.md' },
  kube_statefulset_status_replicas_ready: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/statefulset-metrics.md' },
  kube_statefulset_replicas: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/workload/statefulset-metrics.md' },
  kube_job_failed: { job: 'kube-state-metrics', source: 'kube-state-metrics docs/metrics/workload/job-metrics.md' },
  kube_cronjob_status_last_successful_time: { job: 'kube-state-metrics', source: 'kube-state-metrics docs/metrics/workload/cronjob-metrics.md' },
  kube_node_status_condition: { job: 'kube-state-metrics', source: 'kube-state-metrics v2.17.0 docs/metrics/cluster/node-metrics.md' },
  kubelet_volume_stats_used_bytes: { job: 'kubelet', source: 'kubernetes.io/docs/reference/instrumentation/metrics (kubelet)' },
  kubelet_volume_stats_capacity_bytes: { job: 'kubelet', source: 'kubernetes.io/docs/reference/instrumentation/metrics (kubelet)' },
  istio_requests_total: { job: 'kubernetes-pods', source: 'istio.io/latest/docs/reference/config/metrics (standard metrics, merged into the sidecar metrics port)' },
  citadel_server_root_cert_expiry_timestamp: { job: 'istiod', source: 'istio.io/latest/docs/reference/commands/pilot-discovery (istiod metrics)' },
  up: { job: '*', source: 'prometheus.io/docs/concepts/jobs_instances (synthetic per target)' },
};

const charts = synthDemoCharts();
const telemetry = charts.objects('telemetry');
const configMap = (name: string) => telemetry.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!;
const prometheusConfig = parse(configMap('prometheus-config').data['prometheus.yml']);
const ruleFile = parse(configMap('prometheus-rules').data['platform.yml']);

/** The parse tree's error positions, and the metric names its vector selectors read. */
function analyse(expr: string): { errors: number[]; metrics: string[]; matchers: Map<string, string[]> } {
  const errors: number[] = [];
  const metrics: string[] = [];
  const matchers = new Map<string, string[]>();
  let current: string | undefined;
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(n.from);
      if (n.type.name === 'Identifier' && n.node.parent?.type.name === 'VectorSelector') {
        current = expr.slice(n.from, n.to);
        metrics.push(current);
        matchers.set(current, matchers.get(current) ?? []);
      }
      if (n.type.name === 'LabelName' && n.node.parent?.type.name === 'UnquotedLabelMatcher' && current) matchers.get(current)!.push(expr.slice(n.from, n.to));
    },
  });
  return { errors, metrics, matchers };
}

test('every rule parses as PromQL and the rendered rule file holds exactly them', () => {
  for (const rule of ALERTING_RULES) expect({ alert: rule.alert, errors: analyse(rule.expr).errors }).toEqual({ alert: rule.alert, errors: [] });
  expect(analyse('sum(rate(up[5m]) >').errors).not.toEqual([]);
  expect(ruleFile.groups[0].rules).toEqual(JSON.parse(JSON.stringify(ALERTING_RULES)));
  // Prometheus loads the rules from where the ConfigMap is mounted.
  const prometheus = telemetry.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus') ?? telemetry.find((o) => o.metadata.name === 'prometheus' && o.spec?.template);
  const mounts = (prometheus!.spec.template.spec.containers[0].volumeMounts as Json[]).map((m) => m.mountPath as string);
  for (const glob of prometheusConfig.rule_files as string[]) expect(mounts).toContain(glob.replace(/\/\*\.yml$/, ''));
});

test('every rule reads only metrics a scrape job of the rendered config collects', () => {
  const jobs = new Set((prometheusConfig.scrape_configs as Json[]).map((j) => j.job_name as string));
  for (const rule of ALERTING_RULES) {
    for (const metric of analyse(rule.expr).metrics) {
      const known = KNOWN_METRICS[metric];
      expect({ rule: rule.alert, metric, known: !!known }).toEqual({ rule: rule.alert, metric, known: true });
      if (known.job !== '*') expect({ metric, jobScraped: jobs.has(known.job) }).toEqual({ metric, jobScraped: true });
    }
  }
});

/** Workloads no availability rule would see: a rule per kind whose selector does not narrow by namespace or name. */
function uncovered(workloads: readonly KubeJson[], rules: readonly AlertingRule[]): string[] {
  const watches = (metric: string) =>
    rules.some((r) => {
      const { matchers } = analyse(r.expr);
      return matchers.has(metric) && !matchers.get(metric)!.some((l) => ['namespace', 'deployment', 'statefulset', 'pod'].includes(l));
    });
  const byKind: Record<string, string> = { Deployment: 'kube_deployment_status_replicas_available', StatefulSet: 'kube_statefulset_status_replicas_ready' };
  return workloads.filter((w) => byKind[w.kind] && !watches(byKind[w.kind])).map((w) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`);
}

test('every Deployment and StatefulSet of the demo (Orion, IoT Agent, QuantumLeap, CrateDB, MongoDB, Keycloak, OPA, ...) has an availability rule', () => {
  const workloads = charts.all.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  for (const name of ['orion', 'iotagent', 'mongo', 'crate', 'quantumleap', 'keycloak', 'opa']) {
    expect(workloads.map((w) => w.metadata.name)).toEqual(expect.arrayContaining([expect.stringContaining(name)]));
  }
  expect(uncovered(workloads, ALERTING_RULES)).toEqual([]);
  // Without the rule for a kind, its workloads are reported.
  expect(uncovered(workloads, ALERTING_RULES.filter((r) => r.alert !== 'StatefulSetUnavailable'))).toEqual(
    expect.arrayContaining([expect.stringMatching(/^StatefulSet .*mongo/)]),
  );
});

test('every CronJob (the store copies) and Job alerts when it fails, and a CronJob when it has not succeeded for a day', () => {
  const cronJobs = charts.all.filter((o) => o.kind === 'CronJob');
  expect(cronJobs.map((c) => c.metadata.name)).toEqual(expect.arrayContaining(['mongo-dump', 'crate-snapshot']));
  const unnarrowed = (metric: string) =>
    ALERTING_RULES.filter((r) => {
      const { matchers } = analyse(r.expr);
      return matchers.has(metric) && !matchers.get(metric)!.some((l) => ['namespace', 'cronjob', 'job_name'].includes(l));
    });
  expect(unnarrowed('kube_cronjob_status_last_successful_time')).toHaveLength(1);
  expect(unnarrowed('kube_job_failed')).toHaveLength(1);
  // kube-state-metrics collects both kinds, and may list them.
  const ksm = telemetry.find((o) => o.kind === 'Deployment' && o.metadata.name === 'kube-state-metrics')!;
  const collectors = (ksm.spec.template.spec.containers[0].args as string[]).find((a) => a.startsWith('--resources='))!.split('=')[1].split(',');
  expect(collectors).toEqual(expect.arrayContaining(['jobs', 'cronjobs']));
  const role = charts.all.find((o) => o.kind === 'ClusterRole' && (o.rules as Json[]).some((r) => (r.resources as string[]).includes('cronjobs')))!;
  expect(role.rules).toContainEqual({ apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['list', 'watch'] });
  // A failed Job goes away before the next daily run, so JobFailed resolves; the staleness rule keeps watching.
  for (const c of cronJobs) expect(c.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeLessThan(24 * 3600);
});

describe('Alertmanager reaches the operators', () => {
  const platform = demoAssembly();
  const cluster = platform.templates.get('Platform-Cluster')!.toJSON() as Json;
  const model = charts.model.platform;
  const topic = alertTopicArn(model.name, model.environment);

  test('its only route goes to the alert topic that Platform-Operations creates, resolved alerts included', () => {
    const config = parse(configMap('alertmanager-config').data['alertmanager.yml']);
    expect(config.route.receiver).toBe('operators');
    expect(config.receivers).toEqual([{ name: 'operators', sns_configs: [expect.objectContaining({ topic_arn: topic, send_resolved: true, sigv4: { region: model.environment.region } })] }]);
    const ops = platform.templates.get('Platform-Operations')!.toJSON() as Json;
    const topicResource = Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::SNS::Topic') as Json;
    expect(topic.endsWith(`:${topicResource.Properties.TopicName}`)).toBe(true);
    // Prometheus sends to the Alertmanager Service.
    const service = telemetry.find((o) => o.kind === 'Service' && o.metadata.name === 'alertmanager')!;
    expect(prometheusConfig.alerting.alertmanagers[0].static_configs[0].targets).toEqual([`alertmanager.telemetry.svc.cluster.local:${service.spec.ports[0].port}`]);
  });

  test('the Pod Identity association binds the ServiceAccount Alertmanager runs as', () => {
    const deployment = telemetry.find((o) => o.kind === 'Deployment' && o.metadata.name === 'alertmanager')!;
    const association = Object.values(cluster.Resources as Json).find((r: Json) => r.Type === 'AWS::EKS::PodIdentityAssociation' && r.Properties.ServiceAccount === 'alertmanager') as Json;
    expect(association.Properties.Namespace).toBe(deployment.metadata.namespace);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(association.Properties.ServiceAccount);
  });

  test('its role publishes to the alert topic and to no other', async () => {
    const association = Object.values(cluster.Resources as Json).find((r: Json) => r.Type === 'AWS::EKS::PodIdentityAssociation' && r.Properties.ServiceAccount === 'alertmanager') as Json;
    const roleId = association.Properties.RoleArn['Fn::GetAtt'][0];
    const policy = Object.values(cluster.Resources as Json).find((r: Json) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((x) => x.Ref === roleId)) as Json;
    // Intrinsics as the demo account resolves them; a value imported from another stack stays opaque.
    const resolve = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolve);
      if (!v || typeof v !== 'object') return v;
      const o = v as Json;
      if (o.Ref === 'AWS::Partition') return 'aws';
      if ('Fn::Join' in o) return (o['Fn::Join'][1] as unknown[]).map(resolve).join(o['Fn::Join'][0]);
      if ('Fn::ImportValue' in o || 'Fn::GetStackOutput' in o || 'Ref' in o || 'Fn::GetAtt' in o) return 'arn:aws:kms:eu-central-1:111111111111:key/imported';
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]));
    };
    const document = resolve(policy.Properties.PolicyDocument);
    const publish = async (resource: string) => {
      const outcome = await runSimulation(
        {
          identityPolicies: [{ name: 'alertmanager', policy: document }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: { principal: 'arn:aws:iam::111111111111:role/alertmanager', action: 'sns:Publish', resource: { resource, accountId: '111111111111' }, contextVariables: {} },
        },
        { simulationMode: 'Strict' },
      );
      if (outcome.resultType === 'error') throw new Error(JSON.stringify(outcome.errors));
      return outcome.overallResult;
    };
    expect(await publish(topic)).toBe('Allowed');
    expect(await publish(topic.replace('operator-alerts', 'other-topic'))).not.toBe('Allowed');
  });
});
