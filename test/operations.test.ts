/**
 * Operating the platform, checked on the synthesized demo: every function, service, table, file
 * system, gateway and cluster has an alarm that notifies the operators' topic; every stateful
 * resource and volume is selected by the backup plan; the drills' roles can break only what their
 * drill is about (evaluated with iam-simulate).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { assemblyStacks } from '../tools/ops/src/assembly-stacks';
import { estimateCost } from '../tools/ops/src/cost-estimate';
import { loadPriceTable } from '../tools/ops/src/price-table';
import { BACKUP_TAG } from '../lib/constructs/backup-tag';
import { synthDemoCharts } from './fixtures/demo-charts';
import { demoAssembly } from './demo-assembly';
import { DEMO_CONFIG } from './fixtures/demo-paths';
import { loadConfig } from '../lib/config/load-config';
import { provisioningHook } from '../lib/functions/provisioning-hook';
import { REFUSAL_PATTERN } from '../lib/platform-operations';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Templates = ReadonlyMap<string, Json>;

const platform = demoAssembly();
const templates: Templates = new Map([...platform.templates].map(([id, t]) => [id, t.toJSON() as Json]));
const ACCOUNT = '111111111111';
const REGION = 'eu-central-1';

/**
 * What must be watched, written from the list (not from the code that makes the alarms):
 * resource type -> the metrics, each naming the resource through one of its dimensions.
 */
const PRE_PROVISIONING_HOOK = 'pre-provisioning hook';
const MUST_WATCH: Readonly<Record<string, readonly string[]>> = {
  'AWS::Lambda::Function': ['AWS/Lambda:Errors', 'AWS/Lambda:Throttles'],
  'AWS::Lambda::Url': ['AWS/Lambda:Url5xxCount'],
  'AWS::ApiGatewayV2::Api': ['AWS/ApiGateway:5xx'],
  'AWS::ECS::Service': ['ECS/ContainerInsights:RunningTaskCount'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['AWS/ApplicationELB:UnHealthyHostCount', 'AWS/ApplicationELB:HealthyHostCount'],
  'AWS::EFS::FileSystem': ['AWS/EFS:PercentIOLimit'],
  'AWS::DynamoDB::Table': ['AWS/DynamoDB:ReadThrottleEvents', 'AWS/DynamoDB:WriteThrottleEvents', 'AWS/DynamoDB:SystemErrors'],
  'AWS::EC2::NatGateway': ['AWS/NATGateway:ErrorPortAllocation', 'AWS/NATGateway:PacketsDropCount'],
  'AWS::EKS::Cluster': ['ContainerInsights:cluster_failed_node_count', 'AWS/EKS:scheduler_pending_pods_UNSCHEDULABLE'],
  // IoT reports rule failures only to a rule's error action; job outcomes are counted by rule actions.
  'AWS::IoT::TopicRule': ['rule-errors', 'rule-actions'],
  // Devices the pre-provisioning hook refuses, counted from its log group. One hook serves the
  // pilots' templates (in their own stacks): it is the function IoT may invoke for provisioning templates.
  [PRE_PROVISIONING_HOOK]: ['provisioning-refusals'],
};

/** What a resource is, for MUST_WATCH: its type, and for IoT's invoke permission on a function, the hook kind. */
function kindsOf(r: Json): string[] {
  return [r.Type, ...(isHookPermission(r) ? [PRE_PROVISIONING_HOOK] : [])];
}
function isHookPermission(r: Json): boolean {
  return r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'iot.amazonaws.com' && JSON.stringify(r.Properties.SourceArn ?? '').includes(':provisioningtemplate/');
}

/** The logical id a dimension value points at (Ref, GetAtt, or the function behind a URL). */
function pointsAt(value: unknown, resources: Json): string | undefined {
  const v = value as Json;
  const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
  return typeof id === 'string' && id in resources ? id : undefined;
}

/** Whether alarm actions reach the operators' topic (every stack addresses it by ARN). */
function toOperators(actions: unknown): boolean {
  return JSON.stringify(actions ?? []).includes(':demo-operator-alerts');
}

/** For one template: `<logicalId> <namespace:metric>` for every metric an alarm that notifies the topic watches. */
function watched(template: Json): Set<string> {
  const resources = template.Resources as Json;
  const seen = new Set<string>();
  for (const alarm of Object.values(resources).filter((r: Json) => r.Type === 'AWS::CloudWatch::Alarm') as Json[]) {
    const p = alarm.Properties;
    const notifies = toOperators(p.AlarmActions) && toOperators(p.OKActions);
    if (!notifies) continue;
    const stats = p.Metrics ? (p.Metrics as Json[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric) : [{ Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions }];
    for (const m of stats) {
      for (const d of m.Dimensions ?? []) {
        const id = pointsAt(d.Value, resources);
        if (id) seen.add(`${id} ${m.Namespace}:${m.MetricName}`);
      }
    }
  }
  // Metrics without a resource dimension: those the platform's IoT rules and metric filters publish.
  const alarmed = new Set(
    (Object.values(resources) as Json[])
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && toOperators(r.Properties.AlarmActions) && toOperators(r.Properties.OKActions))
      .map((r) => `${r.Properties.Namespace}:${r.Properties.MetricName}`),
  );
  const counted = (a: Json | undefined) => a?.CloudwatchMetric && alarmed.has(`${a.CloudwatchMetric.MetricNamespace}:${a.CloudwatchMetric.MetricName}`);
  for (const [id, r] of Object.entries(resources) as [string, Json][]) {
    if (r.Type === 'AWS::IoT::TopicRule') {
      const payload = r.Properties.TopicRulePayload;
      if (counted(payload.ErrorAction)) seen.add(`${id} rule-errors`);
      if ((payload.Actions as Json[]).every(counted)) seen.add(`${id} rule-actions`);
    }
    if (isHookPermission(r)) {
      const hook = pointsAt(r.Properties.FunctionName, resources);
      const logGroup = hook && pointsAt(resources[hook].Properties.LoggingConfig?.LogGroup, resources);
      const filters = (Object.values(resources) as Json[]).filter((f) => f.Type === 'AWS::Logs::MetricFilter' && logGroup && pointsAt(f.Properties.LogGroupName, resources) === logGroup);
      if (filters.some((f) => alarmed.has(`${f.Properties.MetricTransformations[0].MetricNamespace}:${f.Properties.MetricTransformations[0].MetricName}`))) seen.add(`${id} provisioning-refusals`);
    }
  }
  // A function URL is watched through its function's Url5xxCount.
  for (const [id, r] of Object.entries(resources) as [string, Json][]) {
    if (r.Type !== 'AWS::Lambda::Url') continue;
    const fn = pointsAt(r.Properties.TargetFunctionArn, resources);
    if (fn && seen.has(`${fn} AWS/Lambda:Url5xxCount`)) seen.add(`${id} AWS/Lambda:Url5xxCount`);
  }
  return seen;
}

/** Every resource of a must-watch type that lacks one of its alarms, as `<stack> <logicalId> <metric>`. */
function unwatched(all: Templates): string[] {
  const missing: string[] = [];
  for (const [stack, template] of all) {
    const seen = watched(template);
    for (const [id, r] of Object.entries(template.Resources as Json) as [string, Json][]) {
      for (const m of kindsOf(r).flatMap((k) => MUST_WATCH[k] ?? [])) if (!seen.has(`${id} ${m}`)) missing.push(`${stack} ${id} ${m}`);
    }
  }
  return missing;
}

describe('alarms', () => {
  test('every watched resource of every stack has its alarms, notifying the operators on alarm and on recovery', () => {
    expect(unwatched(templates)).toEqual([]);
    // The demo has one of each kind at least, so the check above is not vacuous.
    const types = new Set([...templates.values()].flatMap((t) => Object.values(t.Resources as Json).flatMap((r: Json) => kindsOf(r))));
    expect(Object.keys(MUST_WATCH).filter((t) => !types.has(t))).toEqual([]);
  });

  test('removing any one alarm is caught, in every stack', () => {
    for (const [stack, template] of templates) {
      // Certificate alarms watch config, not resources: the certificate test below catches their removal.
      const alarms = Object.entries(template.Resources as Json).filter(([, r]) => (r as Json).Type === 'AWS::CloudWatch::Alarm' && (r as Json).Properties.MetricName !== 'DaysToExpiry');
      for (const [id] of alarms) {
        const copy = JSON.parse(JSON.stringify(template));
        delete copy.Resources[id];
        expect({ stack, removed: id, caught: unwatched(new Map([[stack, copy]])).length > 0 }).toEqual({ stack, removed: id, caught: true });
      }
    }
  });

  test('certificates from config alarm 30 days before expiry', () => {
    const certs = [...templates.values()].flatMap((t) =>
      Object.values(t.Resources as Json).filter((r: Json) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'DaysToExpiry'),
    ) as Json[];
    const { platform: spec } = loadConfig(DEMO_CONFIG);
    expect(certs.map((c) => c.Properties.Dimensions[0].Value).sort()).toEqual([spec.ci.jenkins.certificateArn, spec.cluster.ingressCertificateArn].sort());
    expect(certs.every((c) => c.Properties.Threshold === 30 && c.Properties.ComparisonOperator === 'LessThanThreshold')).toBe(true);
  });

  test('the alert topic is encrypted and the publishing services may use its key', () => {
    const ops = templates.get('Platform-Operations')!;
    const topic = Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::SNS::Topic') as Json;
    expect(topic.Properties.TopicName).toBe('demo-operator-alerts');
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const key = Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::KMS::Key' && JSON.stringify(r).includes('AlertPublishers')) as Json;
    const statement = key.Properties.KeyPolicy.Statement.find((s: Json) => s.Sid === 'AlertPublishers');
    expect(statement.Principal.Service).toEqual(expect.arrayContaining(['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'budgets.amazonaws.com', 'backup.amazonaws.com']));
  });
});

describe('IoT', () => {
  const ops = templates.get('Platform-Edge')!.Resources as Json;
  const rules = (Object.values(ops) as Json[]).filter((r) => r.Type === 'AWS::IoT::TopicRule').map((r) => r.Properties.TopicRulePayload as Json);

  /**
   * The job event topics AWS IoT publishes (docs.aws.amazon.com/iot/latest/developerguide/events-jobs.html):
   * a canceled job (abort criteria met, or an operator), and each terminal execution status.
   */
  const JOB_EVENTS = {
    aborted: ['$aws/events/job/fw-1/canceled'],
    failedExecutions: ['$aws/events/jobExecution/fw-1/failed', '$aws/events/jobExecution/fw-1/rejected', '$aws/events/jobExecution/fw-1/timed_out'],
    fine: ['$aws/events/job/fw-1/completed', '$aws/events/jobExecution/fw-1/succeeded', '$aws/events/jobExecution/fw-1/removed'],
  };
  /** Whether a rule's SQL selects a message on `topic`: its FROM filter (MQTT wildcards) and its `topic(n) = '...'` alternatives (n counts levels from 1). */
  function selects(sql: string, topic: string): boolean {
    const filter = sql.match(/FROM '([^']+)'/)![1].split('/');
    const levels = topic.split('/');
    if (filter.length !== levels.length || !filter.every((f, i) => f === '+' || f === levels[i])) return false;
    const where = [...sql.matchAll(/topic\((\d)\) = '([^']+)'/g)];
    return where.length === 0 || where.some(([, n, value]) => levels[Number(n) - 1] === value);
  }
  const counting = (topic: string) => rules.filter((r) => selects(r.Sql, topic)).map((r) => r.Actions[0].CloudwatchMetric.MetricName as string);

  test('job aborts and failed executions are counted by rules whose metrics alarm the operators; successes are not', () => {
    for (const t of JOB_EVENTS.aborted) expect(counting(t)).toEqual(['AbortedJobs']);
    for (const t of JOB_EVENTS.failedExecutions) expect(counting(t)).toEqual(['FailedJobExecutions']);
    for (const t of JOB_EVENTS.fine) expect(counting(t)).toEqual([]);
    // The alarms themselves are part of the coverage walk (rule-actions).
    expect(unwatched(new Map([['Platform-Edge', templates.get('Platform-Edge')!]]))).toEqual([]);
  });

  test('the account publishes job events: enabled by an UpdateEventConfigurations call', () => {
    const call = (Object.values(ops) as Json[]).find((r) => r.Type === 'Custom::AWS' && JSON.stringify(r.Properties.Update).includes('UpdateEventConfigurations'))!;
    const update = JSON.parse((call.Properties.Update as Json['Fn::Join'])['Fn::Join'] ? (call.Properties.Update['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'x')).join('') : call.Properties.Update);
    expect(update).toEqual(expect.objectContaining({ service: 'IoT', action: 'UpdateEventConfigurations', parameters: { eventConfigurations: { JOB: { Enabled: true }, JOB_EXECUTION: { Enabled: true } } } }));
  });

  test("the provisioning refusal filter matches the hook's refusal log line, not an admission", async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const store = { history: async () => { throw new Error('not reached'); }, claimIdentity: async () => false } as never;
    await provisioningHook(store, {})({ parameters: { SerialNumber: 'not a serial' } });
    spy.mockRestore();
    expect(lines).toHaveLength(1);
    // Lambda's text log format: time, request id, level, message (docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
    const event = (message: string) => `2026-12-02T01:00:00.000Z\t6f1c6c1e-0000-4000-8000-000000000000\tINFO\t${message}`;
    // CloudWatch Logs term patterns: every quoted term must occur in the event (docs: FilterAndPatternSyntax).
    const terms = [...REFUSAL_PATTERN.logPatternString.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
    const matches = (e: string) => terms.length > 0 && terms.every((t) => e.includes(t));
    expect(matches(event(lines[0]))).toBe(true);
    expect(matches(event(lines[0].replace('"refused"', '"allowed"')))).toBe(false);
  });
});

test("the cost estimate prices the store copies: their bucket, and every volume the charts claim (CrateDB's snapshot volume among them)", () => {
  const estimate = estimateCost(assemblyStacks(new cxapi.CloudAssembly(platform.outdir)), loadPriceTable(REGION));
  const cluster = templates.get('Platform-Cluster')!.Resources as Json;
  const [bucketId] = (Object.entries(cluster) as [string, Json][]).find(([, r]) => r.Type === 'AWS::S3::Bucket' && String(r.Properties.BucketName).includes('-store-copies-'))!;
  expect(estimate.lines.find((l) => l.logicalId === bucketId)!.monthly).toBeGreaterThan(0);
  const priced = estimate.lines.filter((l) => l.type === 'Custom::AWSCDK-EKS-KubernetesResource').reduce((n, l) => n + Number(/^(\d+) GiB/.exec(l.basis)?.[1] ?? 0), 0);
  const gib = (c: Json) => Number(/^(\d+)Gi$/.exec(c.spec.resources.requests.storage)![1]);
  const charts = synthDemoCharts();
  const claimed =
    charts.all.filter((o) => o.kind === 'PersistentVolumeClaim').reduce((n, c) => n + gib(c), 0) +
    charts.all.filter((o) => o.kind === 'StatefulSet').reduce((n, o) => n + (o.spec.replicas ?? 1) * ((o.spec.volumeClaimTemplates ?? []) as Json[]).reduce((m, c) => m + gib(c), 0), 0);
  expect(charts.all.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'crate-snapshots')).toBe(true);
  expect(priced).toBe(claimed);
});

test('the budget follows `npm run cost`: the configured estimate is within 5 % of today\'s', () => {
  const estimate = estimateCost(assemblyStacks(new cxapi.CloudAssembly(platform.outdir)), loadPriceTable(REGION));
  const { budget } = loadConfig(DEMO_CONFIG).platform.operations;
  expect(Math.abs(budget.monthlyEstimateUsd - estimate.total) / estimate.total).toBeLessThan(0.05);
  const ops = templates.get('Platform-Operations')!;
  const limit = (Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::Budgets::Budget') as Json).Properties.Budget.BudgetLimit.Amount;
  expect(limit).toBe(Math.ceil(budget.monthlyEstimateUsd * (1 + budget.marginPercent / 100)));
});

describe('backups', () => {
  const ops = templates.get('Platform-Operations')!;
  const selection = Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::Backup::BackupSelection') as Json;

  /** What the selection picks, by AWS Backup's rules: every resource carrying one of its tag conditions. */
  function selected(tags: readonly { Key: string; Value: unknown }[]): boolean {
    const conditions = (selection.Properties.BackupSelection.ListOfTags ?? []) as Json[];
    return conditions.some((c) => c.ConditionType === 'STRINGEQUALS' && tags.some((t) => t.Key === c.ConditionKey && t.Value === c.ConditionValue));
  }

  test('every EFS file system and DynamoDB table is selected by the plan', () => {
    const stateful = [...templates].flatMap(([stack, t]) =>
      (Object.entries(t.Resources as Json) as [string, Json][])
        .filter(([, r]) => r.Type === 'AWS::EFS::FileSystem' || r.Type === 'AWS::DynamoDB::Table')
        .map(([id, r]) => ({ id: `${stack}/${id}`, tags: (r.Properties.FileSystemTags ?? r.Properties.Tags ?? []) as { Key: string; Value: unknown }[] })),
    );
    expect(stateful.length).toBeGreaterThanOrEqual(3);
    expect(stateful.filter((s) => !selected(s.tags)).map((s) => s.id)).toEqual([]);
    expect(selected([{ Key: BACKUP_TAG.key, Value: 'weekly' }])).toBe(false);
  });

  test('every volume a StatefulSet claims comes from a StorageClass whose EBS CSI tags put it in the plan', () => {
    const charts = synthDemoCharts();
    const classes = new Map(charts.all.filter((o) => o.kind === 'StorageClass').map((o) => [o.metadata.name, o]));
    const defaultClass = [...classes.values()].find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    const claims = charts.all
      .filter((o) => o.kind === 'StatefulSet')
      .flatMap((o) => ((o.spec.volumeClaimTemplates ?? []) as Json[]).map((c) => ({ workload: `${o.metadata.namespace}/${o.metadata.name}`, storageClass: c.spec.storageClassName as string | undefined })));
    expect(claims.length).toBeGreaterThanOrEqual(2);
    const unprotected = claims.filter(({ storageClass }) => {
      const cls = storageClass ? classes.get(storageClass) : defaultClass;
      if (!cls || cls.provisioner !== 'ebs.csi.aws.com') return true;
      // The driver applies every parameter prefixed tagSpecification as a key=value tag (docs/tagging.md).
      const tags = Object.entries(cls.parameters ?? {})
        .filter(([k]) => k.startsWith('tagSpecification'))
        .map(([, v]) => {
          const [Key, ...rest] = String(v).split('=');
          return { Key, Value: rest.join('=') };
        });
      return !selected(tags);
    });
    expect(unprotected).toEqual([]);
  });

  test('the vault is retained and keeps daily and monthly points as configured', () => {
    const vault = Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::Backup::BackupVault') as Json;
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.Properties.EncryptionKeyArn).toBeDefined();
    const plan = Object.values(ops.Resources as Json).find((r: Json) => r.Type === 'AWS::Backup::BackupPlan') as Json;
    const rules = plan.Properties.BackupPlan.BackupPlanRule as Json[];
    expect(rules.map((r) => [r.RuleName, r.Lifecycle.DeleteAfterDays])).toEqual([
      ['Daily', 35],
      ['Monthly', 12 * 31],
    ]);
  });
});

describe('fault drills', () => {
  const ci = templates.get('Platform-Ci')!;
  const resources = ci.Resources as Json;

  function drillPolicy(descriptionPart: string): Json {
    const [, template] = (Object.entries(resources) as [string, Json][]).find(([, r]) => r.Type === 'AWS::FIS::ExperimentTemplate' && String(r.Properties.Description).includes(descriptionPart))!;
    const roleId = template.Properties.RoleArn['Fn::GetAtt'][0];
    const policy = Object.values(resources).find((r: Json) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((x) => x.Ref === roleId)) as Json;
    return resolveNames(policy.Properties.PolicyDocument);
  }

  /** Replaces the template's intrinsic references with the names they would resolve to in the demo account. */
  function resolveNames(doc: Json): Json {
    return JSON.parse(
      JSON.stringify(doc, (_k, v) => {
        if (v && typeof v === 'object' && 'Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : resolvePart(p as Json))).join(v['Fn::Join'][0]);
        if (v && typeof v === 'object' && ('Ref' in v || 'Fn::GetAtt' in v)) return resolvePart(v);
        return v;
      }),
    );
  }
  function resolvePart(p: Json): string {
    if (p.Ref === 'AWS::Partition') return 'aws';
    if (p.Ref === 'AWS::Region') return REGION;
    if (p.Ref === 'AWS::AccountId') return ACCOUNT;
    if (p.Ref) return `ref-${p.Ref}`;
    if (p['Fn::GetAtt'][1] === 'Arn' && resources[p['Fn::GetAtt'][0]]?.Type === 'AWS::ECS::Cluster') return `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ref-${p['Fn::GetAtt'][0]}`;
    return `att-${p['Fn::GetAtt'].join('.')}`;
  }

  async function allowed(policy: Json, action: string, resource: string, resourceTags: Record<string, string> = {}, context: Record<string, string> = {}) {
    const tagKeys = Object.fromEntries(Object.entries(resourceTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
    const outcome = await runSimulation(
      {
        identityPolicies: [{ name: 'drill', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: { principal: `arn:aws:iam::${ACCOUNT}:role/drill`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: { ...tagKeys, ...context } },
      },
      { simulationMode: 'Strict' },
    );
    if (outcome.resultType === 'error') throw new Error(JSON.stringify(outcome.errors));
    return outcome.overallResult;
  }

  test('an agent drill terminates only its own fleet\'s instances', async () => {
    const policy = drillPolicy('linux-x64 agent');
    const groupCondition = JSON.stringify(policy).match(/"aws:ResourceTag\/aws:autoscaling:groupName":"([^"]+)"/)![1];
    const instance = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
    expect(await allowed(policy, 'ec2:TerminateInstances', instance, { 'aws:autoscaling:groupName': groupCondition })).toBe('Allowed');
    expect(await allowed(policy, 'ec2:TerminateInstances', instance, { 'aws:autoscaling:groupName': 'some-other-group' })).not.toBe('Allowed');
    expect(await allowed(policy, 'ec2:TerminateInstances', instance)).not.toBe('Allowed');
  });

  test('the Jenkins drill stops tasks of the Jenkins cluster only', async () => {
    const policy = drillPolicy('Jenkins controller task');
    const cluster = JSON.stringify(policy).match(/"ecs:cluster":"([^"]+)"/)![1];
    const task = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/jenkins/0123456789abcdef`;
    expect(await allowed(policy, 'ecs:StopTask', task, {}, { 'ecs:cluster': cluster })).toBe('Allowed');
    expect(await allowed(policy, 'ecs:StopTask', task, {}, { 'ecs:cluster': `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/other` })).not.toBe('Allowed');
  });

  test('every drill stops on an operator alarm', () => {
    const drills = [...templates.values()].flatMap((t) => Object.values(t.Resources as Json).filter((r: Json) => r.Type === 'AWS::FIS::ExperimentTemplate')) as Json[];
    // Jenkins, three fleets, the relay throttle, two node groups.
    expect(drills).toHaveLength(7);
    for (const d of drills) {
      expect(d.Properties.StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: expect.objectContaining({ 'Fn::GetAtt': [expect.any(String), 'Arn'] }) }]);
    }
  });
});
