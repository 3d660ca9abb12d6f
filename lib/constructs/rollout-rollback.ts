import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RollbackDirectory, ROLLBACK_ENV } from '../functions/rollout-rollback';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { PlatformFunction } from './platform-function';

export interface RolloutRollbackProps {
  /** The pilot whose rollouts it watches: it acts on that pilot's things and groups only. */
  readonly pilot: string;
  /** Greengrass deployment targets and firmware templates with a rollback. */
  readonly directory: RollbackDirectory;
  /** Key of the function's log group. */
  readonly logKey: kms.IKey;
  /**
   * How often cancelled rollouts are looked for: the longest updated devices wait for their rollback.
   * @default Duration.minutes(5)
   */
  readonly interval?: Duration;
}

/**
 * When one of the pilot's rollouts is cancelled (abort criteria or an operator), the devices that
 * already updated go back: a Greengrass deployment target gets its last completed revision again,
 * a firmware job's succeeded devices get the generation's rollback job
 * (lib/functions/rollout-rollback.ts). Scheduled; failures raise the function's error alarm.
 */
export class RolloutRollback extends Construct {
  public readonly function: PlatformFunction;

  constructor(scope: Construct, id: string, props: RolloutRollbackProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
    this.function = new PlatformFunction(this, 'Function', {
      logKey: props.logKey,
      module: 'rollout-rollback',
      description: `Rolls back ${props.pilot} devices that updated before a rollout was cancelled`,
      environment: { [ROLLBACK_ENV]: stack.toJsonString(props.directory) },
      timeout: Duration.minutes(2),
      reservedConcurrency: 1,
    });
    const things = arn('iot', `thing/${EdgeNames.thingName(props.pilot, '*')}`);
    const groups = arn('iot', `thinggroup/${EdgeNames.thingGroup(props.pilot, '*')}`);
    grantScoped(
      this.function,
      // ListDeployments and CreateDeployment name no Greengrass v2 resource (the reference's `group` is v1's).
      { actions: ['greengrass:ListDeployments', 'greengrass:CreateDeployment', 'iot:ListJobs', 'iot:ListThingGroups'], resources: ['*'] },
      'ListDeployments, CreateDeployment, iot:ListJobs and iot:ListThingGroups support no Greengrass v2 / IoT resource-level permissions; the IoT calls a deployment makes are scoped below',
    );
    grantScoped(this.function, { actions: ['greengrass:GetDeployment'], resources: [arn('greengrass', 'deployments:*')] }, 'deployment ids are generated per revision');
    // A Greengrass deployment is an IoT job on its target: CreateDeployment also needs these IoT actions
    // (Greengrass developer guide, "Minimal IAM policy for installer to provision resources", DeployDevTools).
    grantScoped(
      this.function,
      { actions: ['iot:DescribeJob', 'iot:ListJobExecutionsForJob', 'iot:CreateJob', 'iot:CancelJob', 'iot:UpdateJob'], resources: [arn('iot', 'job/*')] },
      'job ids are chosen by operators and Greengrass; the targets below bound whose devices',
    );
    grantScoped(
      this.function,
      { actions: ['iot:CreateJob', 'iot:DescribeThingGroup', 'iot:CreateThingGroup', 'iot:AddThingToThingGroup', 'iot:DeleteThingGroup'], resources: [groups] },
      "groups of this pilot's fleet",
    );
    grantScoped(
      this.function,
      { actions: ['iot:CreateJob', 'iot:AddThingToThingGroup', 'iot:DescribeThing', 'iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], resources: [things] },
      "things of this pilot's fleet",
    );
    if (props.directory.firmware.length > 0) {
      grantScoped(this.function, { actions: ['iot:CreateJob'], resources: props.directory.firmware.map((f) => f.rollbackTemplateArn) }, 'the rollback templates');
    }
    new events.Rule(this, 'Schedule', {
      description: `Rolls back cancelled ${props.pilot} rollouts`,
      schedule: events.Schedule.rate(props.interval ?? Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
