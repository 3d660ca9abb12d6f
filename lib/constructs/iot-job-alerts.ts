import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface IotJobAlertsProps {
  /** Prefix of the rules' names (IoT rule names allow letters, digits and underscores only). */
  readonly namePrefix: string;
  /** Where the alarms go. */
  readonly topic: sns.ITopic;
}

/** Namespace of the metrics the platform's IoT rules publish: job outcomes, and their own errors. */
export const IOT_RULE_METRICS = 'IIoTPlatform/IoT';

/**
 * IoT job aborts and failed job executions (every pilot's rollouts) as operator alarms. AWS IoT
 * publishes job lifecycle events on reserved MQTT topics once they are enabled for the account
 * (`$aws/events/job/<jobId>/canceled` when a job is canceled, its abort criteria included;
 * `$aws/events/jobExecution/<jobId>/<status>` per device); two topic rules count them as
 * CloudWatch metrics, so a rollout failing on a thousand devices is one alarm, not a thousand
 * messages. Each rule's error action counts its own failures (OperatorAlarms alarms on them).
 */
export class IotJobAlerts extends Construct {
  public readonly rules: iot.CfnTopicRule[] = [];
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: IotJobAlertsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Event configurations have no CloudFormation resource: one API call, idempotent. Not undone on
    // delete: the events cost nothing unless subscribed to, and something else may rely on them.
    const events = new cr.AwsCustomResource(this, 'JobEvents', {
      onUpdate: {
        service: 'IoT',
        action: 'UpdateEventConfigurations',
        parameters: { eventConfigurations: { JOB: { Enabled: true }, JOB_EXECUTION: { Enabled: true } } },
        physicalResourceId: cr.PhysicalResourceId.of(`${stack.account}-iot-job-events`),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['iot:UpdateEventConfigurations'], resources: ['*'] })]),
      installLatestAwsSdk: false,
    });
    Validations.of(events).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'iot:UpdateEventConfigurations is an account setting without resource-level permissions (Service Authorization Reference).',
    });
    // The function CDK runs the call with (one per stack).
    const provider = stack.node.findChild(cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '').replace(/^/, 'AWS'));
    for (const [id, reason] of [
      ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', "CDK's AwsCustomResource provider: the basic execution role lets it write its own logs only."],
      ['cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', 'The provider logs one account-setting call and its empty answer; nothing confidential.'],
      ['cdk-validator-cfnguard::lambda_inside_vpc_check', 'Calls only the regional IoT API with IAM; it reaches nothing inside the VPC.'],
    ]) {
      Validations.of(provider).acknowledge({ id, reason });
    }

    const role = new iam.Role(this, 'RuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'IoT job alert rules: count job outcomes and their own errors as CloudWatch metrics',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': IOT_RULE_METRICS } } }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData has no resource-level permissions; the namespace condition confines it to the platform IoT metrics.',
    });
    const count = (metricName: string) => ({ cloudwatchMetric: { metricNamespace: IOT_RULE_METRICS, metricName, metricValue: '1', metricUnit: 'Count', roleArn: role.roleArn } });
    const alarmAction = new actions.SnsAction(props.topic);

    const watch = (ruleId: string, sql: string, metricName: string, description: string) => {
      const ruleName = `${props.namePrefix}_${metricName.replace(/[A-Z]/g, (c, i) => `${i ? '_' : ''}${c.toLowerCase()}`)}`;
      const rule = new iot.CfnTopicRule(this, ruleId, {
        ruleName,
        topicRulePayload: {
          description,
          sql,
          awsIotSqlVersion: '2016-03-23',
          ruleDisabled: false,
          actions: [count(metricName)],
          errorAction: count(`${ruleName}-errors`),
        },
      });
      this.rules.push(rule);
      const alarm = new cloudwatch.Alarm(this, `${ruleId}Alarm`, {
        alarmDescription: description,
        metric: new cloudwatch.Metric({ namespace: IOT_RULE_METRICS, metricName, statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
      this.alarms.push(alarm);
    };
    watch('JobAborts', "SELECT jobId FROM '$aws/events/job/+/canceled'", 'AbortedJobs', 'An IoT job was canceled: its abort criteria were met (a rollout failing) or an operator canceled it');
    watch(
      'FailedJobExecutions',
      "SELECT jobId, thingArn, topic(5) AS status FROM '$aws/events/jobExecution/+/+' WHERE topic(5) = 'failed' OR topic(5) = 'rejected' OR topic(5) = 'timed_out'",
      'FailedJobExecutions',
      'IoT job executions failed, were rejected or timed out on devices',
    );
  }
}
