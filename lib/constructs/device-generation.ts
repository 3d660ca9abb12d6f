import { CfnOutput, Duration } from 'aws-cdk-lib';
import { CfnDeployment } from 'aws-cdk-lib/aws-greengrassv2';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct, IDependable } from 'constructs';
import { UpdatePolicy } from '../config/schema';
import { EdgeNames } from './edge-names';
import { greengrassJobConfiguration, StagedRollout } from './staged-rollout';

/** What one deployment target (a channel, or the whole generation) runs: component name to version. */
export interface GenerationDeployment {
  /** @default - the generation's own group (no channels) */
  readonly channel?: string;
  /** Greengrass component name to version. */
  readonly components: Readonly<Record<string, string>>;
}

export interface DeviceGenerationProps {
  /** The pilot owning the fleet: group and component names start with it. */
  readonly pilot: string;
  /** Generation name: its thing group is `<pilot>_<generation>`. */
  readonly generation: string;
  /** One deployment each: per channel (child thing groups), or a single one for the generation's group. */
  readonly deployments: readonly GenerationDeployment[];
  /** Components every deployment carries with their configuration (the local broker, bridge, shadows). */
  readonly baseComponents: Readonly<Record<string, CfnDeployment.ComponentDeploymentSpecificationProperty>>;
  /** Staged rollout and abort rules of every deployment. */
  readonly rollout: StagedRollout;
  /** Whether components may defer an update. */
  readonly updatePolicy: UpdatePolicy;
  /**
   * Time components get to acknowledge or defer an `optional` update.
   * @default Duration.seconds(60)
   */
  readonly updateNotice?: Duration;
  /** Resources the deployments need first (the component versions they name). */
  readonly after?: readonly IDependable[];
}

/**
 * One device generation of a pilot: its thing group (plus one child group per channel) and one
 * Greengrass deployment per target group, staged by the generation's rollout, rolling failed
 * devices back, with the update policy the fleet has.
 */
export class DeviceGeneration extends Construct {
  public readonly group: iot.CfnThingGroup;
  /** Deployments by channel name, `''` for the generation's own group. */
  public readonly deployments: ReadonlyMap<string, CfnDeployment>;

  constructor(scope: Construct, id: string, props: DeviceGenerationProps) {
    super(scope, id);
    const groupName = EdgeNames.thingGroup(props.pilot, props.generation);
    this.group = new iot.CfnThingGroup(this, 'Group', {
      thingGroupName: groupName,
      thingGroupProperties: { thingGroupDescription: `${props.pilot} devices of generation ${props.generation}` },
    });
    new CfnOutput(this, 'GroupArn', { value: this.group.attrArn, description: `Thing group of ${props.generation} (firmware job target)` });
    const deployments = new Map<string, CfnDeployment>();
    for (const deployment of props.deployments) {
      const target = deployment.channel ? this.channelGroup(props, deployment.channel) : this.group;
      const components: Record<string, CfnDeployment.ComponentDeploymentSpecificationProperty> = { ...props.baseComponents };
      for (const [name, componentVersion] of Object.entries(deployment.components)) components[name] = { componentVersion };
      const resource = new CfnDeployment(this, deployment.channel ? `Deployment-${deployment.channel}` : 'Deployment', {
        targetArn: target.attrArn,
        deploymentName: target.thingGroupName,
        components,
        deploymentPolicies: {
          failureHandlingPolicy: 'ROLLBACK',
          componentUpdatePolicy: {
            action: props.updatePolicy === 'optional' ? 'NOTIFY_COMPONENTS' : 'SKIP_NOTIFY_COMPONENTS',
            timeoutInSeconds: (props.updateNotice ?? Duration.seconds(60)).toSeconds(),
          },
          configurationValidationPolicy: { timeoutInSeconds: 60 },
        },
        iotJobConfiguration: greengrassJobConfiguration(props.rollout),
      });
      for (const dependency of props.after ?? []) resource.node.addDependency(dependency);
      deployments.set(deployment.channel ?? '', resource);
    }
    this.deployments = deployments;
  }

  private channelGroup(props: DeviceGenerationProps, channel: string): iot.CfnThingGroup {
    const group = new iot.CfnThingGroup(this, `Channel-${channel}`, {
      thingGroupName: EdgeNames.thingGroup(props.pilot, props.generation, channel),
      parentGroupName: this.group.ref,
      thingGroupProperties: { thingGroupDescription: `${props.pilot} ${props.generation} devices on the ${channel} channel` },
    });
    return group;
  }
}
