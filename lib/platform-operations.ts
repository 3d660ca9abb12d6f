/**
 * Operating the platform: every stack gets the alarms its resources need and its stateful resources
 * join the backup plan; the game-day drills are declared next to what they break.
 */
import { Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { IConstruct } from 'constructs';
import { ALERTMANAGER_SERVICE_ACCOUNT } from '../k8s/telemetry/alertmanager';
import { TELEMETRY_NAMESPACE } from '../k8s/telemetry/telemetry-chart';
import { FIWARE_NAMESPACE } from '../k8s/fiware/fiware-chart';
import { AlertTopic } from './constructs/alert-topic';
import { FaultDrill } from './constructs/fault-drill';
import { FleetProvisioning } from './constructs/fleet-provisioning';
import { IotJobAlerts } from './constructs/iot-job-alerts';
import { OperatorAlarms } from './constructs/operator-alarms';
import { BACKUP_TAG } from './constructs/backup-tag';
import { StoreCopies, StoreCopiesProps } from './constructs/store-copies';
import { CiStack } from './stacks/ci-stack';
import { ClusterStack } from './stacks/cluster-stack';
import { OperationsStack } from './stacks/operations-stack';

export interface OperatedPlatform {
  /** Names the account-wide IoT job alert rules. */
  readonly platformName: string;
  readonly operations: OperationsStack;
  /** The edge core stack, where IoT job outcomes are watched (absent without edge fleets). */
  readonly edge?: Stack;
  /** Every other stack of the app. */
  readonly stacks: readonly Stack[];
  readonly ci: CiStack;
  readonly cluster: ClusterStack;
  /** Certificates per stack that serves them (alarmed before expiry). */
  readonly certificates: ReadonlyMap<Stack, readonly string[]>;
  /** The FIWARE stores' copies (in the cluster stack): bucket name, retention, the namespaces a restore may run in. */
  readonly storeCopies: Omit<StoreCopiesProps, 'clusterName' | 'copyNamespace'>;
}

/** Adds alarms, backup selection and fault drills to the defined platform. */
export function operatePlatform(platform: OperatedPlatform): void {
  const topicName = platform.operations.alertTopicName;
  const alarms = new Map<Stack, OperatorAlarms>();
  // Before the edge stack's OperatorAlarms, which alarm on the job rules' errors.
  if (platform.edge) {
    const topic = sns.Topic.fromTopicArn(platform.edge, 'AlertTopic', AlertTopic.arn(platform.edge, topicName));
    new IotJobAlerts(platform.edge, 'IotJobAlerts', { namePrefix: platform.platformName.replace(/-/g, '_'), topic });
  }
  for (const stack of platform.stacks) {
    stack.addStackDependency(platform.operations, 'its alarms notify the alert topic');
    selectForBackup(stack);
    alarms.set(stack, new OperatorAlarms(stack, 'OperatorAlarms', { topicArn: AlertTopic.arn(stack, topicName), certificateArns: platform.certificates.get(stack) }));
    provisioningRefusals(stack, alarms.get(stack)!);
  }
  alertmanagerIdentity(platform.cluster, platform.operations);
  new StoreCopies(platform.cluster, 'StoreCopies', { ...platform.storeCopies, clusterName: platform.cluster.platformCluster.cluster.clusterName, copyNamespace: FIWARE_NAMESPACE });
  defineCiDrills(platform.ci, alarms.get(platform.ci)!);
  defineClusterDrills(platform.cluster, alarms.get(platform.cluster)!);
}

/** The cluster's Alertmanager may publish to the alert topic, and to nothing else (EKS Pod Identity). */
function alertmanagerIdentity(cluster: ClusterStack, operations: OperationsStack): void {
  const role = new iam.Role(cluster, 'AlertmanagerRole', {
    assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    description: "Alertmanager in the cluster's telemetry namespace: publishes the cluster's alerts to the operators' topic",
    maxSessionDuration: Duration.hours(1),
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [AlertTopic.arn(cluster, operations.alertTopicName)] }));
  // The topic is encrypted: publishing needs its key, and only through SNS.
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: [operations.alerts.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${cluster.region}.amazonaws.com` } },
    }),
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: 'SNS asks for GenerateDataKey or GenerateDataKeyWithoutPlaintext; bound to one key and to calls through SNS.',
  });
  new eks.CfnPodIdentityAssociation(cluster, 'AlertmanagerPodIdentity', {
    clusterName: cluster.platformCluster.cluster.clusterName,
    namespace: TELEMETRY_NAMESPACE,
    serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
    roleArn: role.roleArn,
  });
}

/**
 * Devices the pre-provisioning hook refuses (no passing factory test record, unknown pilot or
 * generation, another pilot's template, a serial provisioned before): counted from the hook's
 * decision log line (`{"decision":"refused",...}`, lib/functions/provisioning-hook.ts) by a metric
 * filter, and alarmed. One hook serves every pilot's template.
 */
export const REFUSAL_PATTERN = logs.FilterPattern.allTerms('"decision":"refused"');

function provisioningRefusals(stack: Stack, alarms: OperatorAlarms): void {
  for (const provisioning of stack.node.findAll().filter((c): c is FleetProvisioning => c instanceof FleetProvisioning)) {
    const filter = provisioning.hook.logGroup.addMetricFilter(`${provisioning.node.id}Refusals`, {
      filterPattern: REFUSAL_PATTERN,
      metricNamespace: 'IIoTPlatform/Provisioning',
      metricName: `${provisioning.hookName}-refusals`,
      metricValue: '1',
    });
    alarms.watch(provisioning.hook.node.defaultChild as lambda.CfnFunction, 'provisioning-refusals', `${provisioning.node.path}: the pre-provisioning hook refused devices`, filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }), 1);
  }
}

/** EFS file systems and DynamoDB tables carry the backup plan's tag (EBS volumes get it from the StorageClass). */
function selectForBackup(stack: Stack): void {
  for (const c of stack.node.findAll()) {
    if (c instanceof efs.CfnFileSystem || c instanceof dynamodb.CfnTable) Tags.of(c).add(BACKUP_TAG.key, BACKUP_TAG.value);
  }
}

function defineCiDrills(ci: CiStack, alarms: OperatorAlarms): void {
  const { service } = ci.controller;
  // Every CI drill stops when Jenkins has had no healthy target for 10 minutes: it did not come back.
  const jenkinsDown = alarms.alarmOn(only(ci.controller, elbv2.CfnTargetGroup), 'no-healthy-host');
  new FaultDrill(ci, 'DrillStopJenkins', {
    description: 'Stops the Jenkins controller task. Must show: ECS starts a new task, Jenkins is back with its jobs and build history (EFS home) within 10 minutes.',
    actionId: 'aws:ecs:stop-task',
    target: { key: 'Tasks', target: { resourceType: 'aws:ecs:task', selectionMode: 'ALL', parameters: { cluster: service.cluster.clusterName, service: service.serviceName } } },
    stopAlarm: jenkinsDown,
    permissions: [
      new iam.PolicyStatement({
        actions: ['ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:StopTask'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': service.cluster.clusterArn } },
      }),
    ],
    wildcards: { '*': 'Task ARNs are not known before the drill; the ecs:cluster condition limits every call to the Jenkins cluster.' },
  });
  const instances = ci.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  for (const fleet of ci.fleets) {
    const group = fleet.autoScalingGroup.autoScalingGroupName;
    new FaultDrill(ci, `DrillTerminate-${fleet.label}`, {
      description: `Terminates one running ${fleet.label} agent. Must show: the build on it fails and is reported, the fleet replaces the instance, Jenkins keeps running.`,
      actionId: 'aws:ec2:terminate-instances',
      target: {
        key: 'Instances',
        target: {
          resourceType: 'aws:ec2:instance',
          selectionMode: 'COUNT(1)',
          resourceTags: { 'aws:autoscaling:groupName': group },
          filters: [{ path: 'State.Name', values: ['running'] }],
        },
      },
      stopAlarm: jenkinsDown,
      permissions: [
        new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['ec2:TerminateInstances'],
          resources: [instances],
          conditions: { StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': group } },
        }),
      ],
      wildcards: {
        '*': 'ec2:DescribeInstances has no resource-level permissions (Service Authorization Reference).',
        [instances]: "Agents come and go; the tag condition limits termination to this fleet's group.",
      },
    });
  }
  throttleDrill(ci, only(ci.node.findChild('Webhooks'), lambda.Function), jenkinsDown, 'the webhook relay: webhooks sent meanwhile are refused, and the periodic branch scan builds their commits anyway');
}

function defineClusterDrills(cluster: ClusterStack, alarms: OperatorAlarms): void {
  const unschedulable = alarms.alarmOn(cluster.platformCluster.cluster, 'unschedulable-pods');
  const instances = cluster.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  for (const group of cluster.platformCluster.nodeGroups) {
    const id = group.node.id;
    new FaultDrill(cluster, `DrillTerminate-${id}`, {
      description: `Terminates half the nodes of node group ${id}. Must show: pods rescheduled, StatefulSets reattach their volumes, no data lost, the group back to its size.`,
      actionId: 'aws:eks:terminate-nodegroup-instances',
      actionParameters: { instanceTerminationPercentage: '50' },
      target: { key: 'Nodegroups', target: { resourceType: 'aws:eks:nodegroup', selectionMode: 'ALL', resourceArns: [group.nodegroupArn] } },
      stopAlarm: unschedulable,
      permissions: [
        new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: [group.nodegroupArn] }),
        new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['ec2:TerminateInstances'],
          resources: [instances],
          conditions: { StringEquals: { 'aws:ResourceTag/eks:nodegroup-name': group.nodegroupName } },
        }),
      ],
      wildcards: {
        '*': 'ec2:DescribeInstances has no resource-level permissions (Service Authorization Reference).',
        [instances]: "Nodes come and go; the tag condition limits termination to this node group's instances.",
      },
    });
  }
}

/**
 * Sets the function's reserved concurrency to 0 for 10 minutes through an SSM automation, then
 * restores it; the restore also runs when FIS stops the experiment early (onCancel).
 */
function throttleDrill(stack: Stack, fn: lambda.Function, stopAlarm: cloudwatch.IAlarm, what: string): void {
  const restore = (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions;
  if (restore === undefined) throw new Error(`${fn.node.path}: a throttle drill needs the function's reserved concurrency to restore`);
  const automationRole = new iam.Role(stack, 'DrillThrottleAutomationRole', { assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com') });
  automationRole.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:PutFunctionConcurrency', 'lambda:GetFunctionConcurrency'], resources: [fn.functionArn] }));
  const put = (name: string, concurrency: number | string) => ({
    name,
    action: 'aws:executeAwsApi',
    inputs: { Service: 'lambda', Api: 'PutFunctionConcurrency', FunctionName: fn.functionName, ReservedConcurrentExecutions: concurrency },
  });
  const document = new ssm.CfnDocument(stack, 'DrillThrottleDocument', {
    documentType: 'Automation',
    content: {
      schemaVersion: '0.3',
      description: `Throttles ${fn.node.path} to zero for a while, then restores its reserved concurrency (${restore}).`,
      assumeRole: automationRole.roleArn,
      mainSteps: [
        { ...put('Throttle', 0), onFailure: 'step:Restore' },
        { name: 'Wait', action: 'aws:sleep', inputs: { Duration: 'PT10M' }, onFailure: 'step:Restore', onCancel: 'step:Restore' },
        { ...put('Restore', restore), isEnd: true },
      ],
    },
  });
  const executions = stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' });
  const documentArn = stack.formatArn({ service: 'ssm', resource: 'automation-definition', resourceName: `${document.ref}:$DEFAULT` });
  new FaultDrill(stack, 'DrillThrottleRelay', {
    description: `Throttles ${what}. Must show: the throttle alarm reaches the operators; nothing is lost once it is restored.`,
    actionId: 'aws:ssm:start-automation-execution',
    actionParameters: { documentArn, documentParameters: '{}', maxDuration: 'PT15M' },
    stopAlarm,
    permissions: [
      new iam.PolicyStatement({ actions: ['ssm:StartAutomationExecution'], resources: [documentArn] }),
      new iam.PolicyStatement({ actions: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'], resources: [executions] }),
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [automationRole.roleArn] }),
    ],
    wildcards: { [executions]: 'The execution id exists only once FIS has started the automation.' },
  });
}

/** The one construct of `type` under `scope` (the drills' targets are built by other constructs). */
function only<T extends IConstruct>(scope: IConstruct, type: abstract new (...args: never[]) => T): T {
  const found = scope.node.findAll().filter((c): c is T => c instanceof type);
  if (found.length !== 1) throw new Error(`${scope.node.path}: expected one ${type.name}, found ${found.length}`);
  return found[0];
}
