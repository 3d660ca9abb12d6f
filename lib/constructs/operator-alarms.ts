import { CfnResource, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';

export interface OperatorAlarmsProps {
  /** The alert topic every alarm notifies (on alarm and on recovery). */
  readonly topicArn: string;
  /**
   * ACM certificates the stack's resources serve, alarmed before they expire.
   * @default - none
   */
  readonly certificateArns?: readonly string[];
}

const FIVE_MINUTES = Duration.minutes(5);

/** What an alarm watches on its resource. */
export type AlarmSignal =
  | 'errors'
  | 'throttles'
  | 'url-5xx'
  | 'api-5xx'
  | 'running-tasks'
  | 'unhealthy-hosts'
  | 'no-healthy-host'
  | 'io-limit'
  | 'throttled-requests'
  | 'system-errors'
  | 'port-allocation'
  | 'dropped-packets'
  | 'failed-nodes'
  | 'unschedulable-pods'
  | 'rule-errors'
  | 'provisioning-refusals';

/** DynamoDB operations the platform's handlers call: SystemErrors is only published per operation. */
const TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchWriteItem', 'TransactWriteItems'];

/** Days before expiry at which a certificate alarms: ACM renews managed certificates 60 days ahead. */
const CERTIFICATE_DAYS = 30;

/**
 * The alarms of one stack, derived from the resources it holds, so that a function, service, table
 * or gateway added later is watched without anyone remembering to: every Lambda function (errors,
 * throttles), function URL and HTTP API (5xx), ECS service (running tasks), load balancer target
 * group (unhealthy and missing hosts), EFS file system (I/O limit), DynamoDB table (throttles,
 * system errors), NAT gateway (port allocation errors, dropped packets), EKS cluster (pods that no
 * node can take), IoT topic rule (its error action's count: every rule must have one), and the
 * given certificates (days to expiry). Create it after the stack's other constructs.
 */
export class OperatorAlarms extends Construct {
  /** Every alarm, by the logical id of the resource it watches. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;
  private readonly bySignal = new Map<string, cloudwatch.Alarm>();

  constructor(scope: Construct, id: string, props: OperatorAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.action = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Topic', props.topicArn));
    const resources = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
    const byRef = new Map(resources.map((r) => [stack.resolve(r.ref).Ref as string, r]));
    const referenced = (token: unknown): CfnResource | undefined => {
      const resolved = stack.resolve(token);
      const logicalId = resolved?.Ref ?? resolved?.['Fn::GetAtt']?.[0];
      return typeof logicalId === 'string' ? byRef.get(logicalId) : undefined;
    };

    const watchedGroups = new Set<CfnResource>();
    for (const resource of resources) {
      const name = resource.node.path.slice(stack.node.path.length + 1);
      switch (resource.cfnResourceType) {
        case 'AWS::Lambda::Function':
          this.watch(resource, 'errors', `${name} failed invocations`, metric('AWS/Lambda', 'Errors', { FunctionName: resource.ref }), 1);
          this.watch(resource, 'throttles', `${name} throttled (reserved concurrency or account quota reached)`, metric('AWS/Lambda', 'Throttles', { FunctionName: resource.ref }), 1);
          break;
        case 'AWS::Lambda::Url': {
          const fn = referenced((resource as lambda.CfnUrl).targetFunctionArn);
          if (fn) this.watch(resource, 'url-5xx', `${name} answered 5xx`, metric('AWS/Lambda', 'Url5xxCount', { FunctionName: fn.ref }), 1);
          break;
        }
        case 'AWS::ApiGatewayV2::Api':
          this.watch(resource, 'api-5xx', `${name} answered 5xx`, metric('AWS/ApiGateway', '5xx', { ApiId: resource.ref }), 1);
          break;
        case 'AWS::ECS::Service': {
          const service = resource as ecs.CfnService;
          // Container Insights publishes the count even when it is zero; no data means no service.
          this.watch(resource, 'running-tasks', `${name} has no running task`, metric('ECS/ContainerInsights', 'RunningTaskCount', { ClusterName: service.cluster!, ServiceName: service.attrName }, 'Minimum'), 1, {
            comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            periods: 10,
            missing: cloudwatch.TreatMissingData.BREACHING,
          });
          break;
        }
        case 'AWS::ElasticLoadBalancingV2::Listener':
        case 'AWS::ElasticLoadBalancingV2::ListenerRule': {
          // A target group is watched through the load balancer that forwards to it (default action or rule).
          const rule = resource.cfnResourceType === 'AWS::ElasticLoadBalancingV2::ListenerRule' ? (resource as elbv2.CfnListenerRule) : undefined;
          const listener = (rule ? referenced(rule.listenerArn) : resource) as elbv2.CfnListener | undefined;
          const balancer = listener && (referenced(listener.loadBalancerArn) as elbv2.CfnLoadBalancer | undefined);
          const actionsList = (stack.resolve(rule ? rule.actions : listener?.defaultActions) ?? []) as { targetGroupArn?: unknown }[];
          for (const group of actionsList.map((a) => referenced(a.targetGroupArn) as elbv2.CfnTargetGroup | undefined)) {
            if (!balancer || !group || watchedGroups.has(group)) continue;
            watchedGroups.add(group);
            const groupName = group.node.path.slice(stack.node.path.length + 1);
            const dims = { TargetGroup: group.attrTargetGroupFullName, LoadBalancer: balancer.attrLoadBalancerFullName };
            this.watch(group, 'unhealthy-hosts', `${groupName} has unhealthy targets`, metric('AWS/ApplicationELB', 'UnHealthyHostCount', dims, 'Maximum'), 1, { periods: 5 });
            this.watch(group, 'no-healthy-host', `${groupName} has no healthy target`, metric('AWS/ApplicationELB', 'HealthyHostCount', dims, 'Minimum'), 1, {
              comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              periods: 10,
              missing: cloudwatch.TreatMissingData.BREACHING,
            });
          }
          break;
        }
        case 'AWS::EFS::FileSystem':
          // Elastic throughput has no burst credits; what can still run out is the General Purpose I/O limit.
          this.watch(resource, 'io-limit', `${name} near its I/O limit`, metric('AWS/EFS', 'PercentIOLimit', { FileSystemId: resource.ref }, 'Maximum'), 90, { periods: 3 });
          break;
        case 'AWS::DynamoDB::Table':
          this.watch(resource, 'throttled-requests', `${name} throttled requests`, sumOf(`${name} throttles`, ['ReadThrottleEvents', 'WriteThrottleEvents'].map((n) => metric('AWS/DynamoDB', n, { TableName: resource.ref }))), 1);
          this.watch(
            resource, 'system-errors',
            `${name} DynamoDB system errors`,
            sumOf(`${name} system errors`, TABLE_OPERATIONS.map((Operation) => metric('AWS/DynamoDB', 'SystemErrors', { TableName: resource.ref, Operation }, 'Sum', FIVE_MINUTES)), FIVE_MINUTES),
            1,
          );
          break;
        case 'AWS::EC2::NatGateway': {
          const dims = { NatGatewayId: resource.ref };
          this.watch(resource, 'port-allocation', `${name} could not allocate source ports`, metric('AWS/NATGateway', 'ErrorPortAllocation', dims), 1);
          // AWS's recommended threshold: dropped packets above 0.01 % of the traffic from the VPC.
          this.watch(
            resource, 'dropped-packets',
            `${name} drops packets`,
            new cloudwatch.MathExpression({
              expression: '100 * dropped / MAX([dropped, sent])',
              usingMetrics: { dropped: metric('AWS/NATGateway', 'PacketsDropCount', dims, 'Sum', FIVE_MINUTES), sent: metric('AWS/NATGateway', 'PacketsInFromSource', dims, 'Sum', FIVE_MINUTES) },
              period: FIVE_MINUTES,
              label: `${name} dropped packets (%)`,
            }),
            0.01,
            { periods: 3 },
          );
          break;
        }
        case 'AWS::IoT::TopicRule': {
          // IoT reports a failed rule action only to the rule's error action: a rule without one fails silently.
          const payload = stack.resolve((resource as iot.CfnTopicRule).topicRulePayload) as iot.CfnTopicRule.TopicRulePayloadProperty;
          const counted = (payload.errorAction as iot.CfnTopicRule.ActionProperty | undefined)?.cloudwatchMetric as iot.CfnTopicRule.CloudwatchMetricActionProperty | undefined;
          if (!counted) throw new Error(`${resource.node.path}: an IoT topic rule needs a cloudwatchMetric error action, so that its failures alarm`);
          this.watch(resource, 'rule-errors', `${name}: IoT rule actions failed`, new cloudwatch.Metric({ namespace: counted.metricNamespace, metricName: counted.metricName, statistic: 'Sum', period: FIVE_MINUTES }), 1);
          break;
        }
        case 'AWS::EKS::Cluster':
          // AWS/EKS basic metrics (Kubernetes 1.28+): pods no node can take mean lost or unhealthy nodes.
          // Container Insights (the cluster's amazon-cloudwatch-observability add-on): nodes not Ready.
          this.watch(resource, 'failed-nodes', `${name} has nodes that are not Ready`, metric('ContainerInsights', 'cluster_failed_node_count', { ClusterName: resource.ref }, 'Maximum'), 1, { periods: 5 });
          this.watch(resource, 'unschedulable-pods', `${name} has pods no node can schedule`, metric('AWS/EKS', 'scheduler_pending_pods_UNSCHEDULABLE', { ClusterName: resource.ref }, 'Maximum'), 1, { periods: 15 });
          break;
      }
    }
    for (const [i, arn] of (props.certificateArns ?? []).entries()) {
      const alarm = new cloudwatch.Alarm(this, `Certificate${i}`, {
        alarmDescription: `Certificate ${arn} expires in less than ${CERTIFICATE_DAYS} days: renewal failed (check its DNS validation record) or it is imported`,
        metric: metric('AWS/CertificateManager', 'DaysToExpiry', { CertificateArn: arn }, 'Minimum', Duration.days(1)),
        threshold: CERTIFICATE_DAYS,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.notify(alarm);
    }
  }

  /** The alarm on `signal` (e.g. `no-healthy-host`) of `resource`, for drills that stop on it. */
  public alarmOn(resource: IConstruct, signal: AlarmSignal): cloudwatch.Alarm {
    const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
    const alarm = cfn && this.bySignal.get(`${cfn.node.path}#${signal}`);
    if (!alarm) throw new Error(`no ${signal} alarm on ${resource.node.path}`);
    return alarm;
  }

  /** An alarm on `watched`, named for `resource` and `signal`, notifying the topic on alarm and on recovery. */
  public watch(
    resource: CfnResource,
    signal: AlarmSignal,
    description: string,
    watched: cloudwatch.IMetric,
    threshold: number,
    options: { comparison?: cloudwatch.ComparisonOperator; periods?: number; missing?: cloudwatch.TreatMissingData } = {},
  ): void {
    const id = `${Names.nodeUniqueId(resource.node)}-${signal}`;
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric: watched,
      threshold,
      comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.periods ?? 1,
      treatMissingData: options.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    this.bySignal.set(`${resource.node.path}#${signal}`, alarm);
  }

  private notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

function metric(namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic = 'Sum', period = Duration.minutes(1)): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period });
}

/** The sum of several metrics, a missing one counting as zero. */
function sumOf(label: string, metrics: readonly cloudwatch.Metric[], period = Duration.minutes(1)): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: metrics.map((_, i) => `FILL(m${i}, 0)`).join(' + '),
    usingMetrics: Object.fromEntries(metrics.map((m, i) => [`m${i}`, m])),
    period,
    label,
  });
}
