import { CfnOutput, Duration } from 'aws-cdk-lib';
import { CfnDeployment } from 'aws-cdk-lib/aws-greengrassv2';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct, IDependable } from 'constructs';
import { UpdatePolicy } from '../config/schema';
import { Audience, EdgeNames } from './edge-names';
import { greengrassJobConfiguration, StagedRollout } from './staged-rollout';

/** What one deployment target runs: component name to version. */
export interface GenerationDeployment {
  /** @default - the generation's own group (no channels) */
  readonly channel?: string;
  /**
   * With optional updates, which devices of the channel (or generation) this is for.
   * @default - all of them (mandatory updates)
   */
  readonly audience?: Audience;
  /** Greengrass component name to version. */
  readonly components: Readonly<Record<string, string>>;
}

export interface DeviceGenerationProps {
  /** The pilot owning the fleet: group and component names start with it. */
  readonly pilot: string;
  /** Generation name: its thing group is `<pilot>_<generation>`. */
  readonly generation: string;
  /**
   * One deployment per leaf group: per channel (child groups) or for the generation's group, and
   * with optional updates per audience below that. Devices sit in exactly one leaf, so no two
   * deployments ever ask a device for two versions of a component.
   */
  readonly deployments: readonly GenerationDeployment[];
  /**
   * Components every deployment carries with their configuration (nucleus, local broker, bridge, shadows).
   * @default - no Greengrass deployments: the generation's devices are sensors, which get only firmware jobs
   */
  readonly baseComponents?: Readonly<Record<string, CfnDeployment.ComponentDeploymentSpecificationProperty>>;
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
 * One device generation of a pilot: its thing group, one child group per channel and, with
 * optional updates, per audience (`held` devices stay on the mandatory versions, `opted-in` ones
 * get every release), and one Greengrass deployment per leaf group, staged by the generation's
 * rollout and rolling failed devices back.
 */
export class DeviceGeneration extends Construct {
  public readonly group: iot.CfnThingGroup;
  /** Deployments by leaf group name. */
  public readonly deployments: ReadonlyMap<string, CfnDeployment>;
  /** Leaf groups of devices that accepted non-critical updates (empty with mandatory updates). */
  public readonly optedInGroups: readonly iot.CfnThingGroup[];

  constructor(scope: Construct, id: string, props: DeviceGenerationProps) {
    super(scope, id);
    const groupName = EdgeNames.thingGroup(props.pilot, props.generation);
    this.group = new iot.CfnThingGroup(this, 'Group', {
      thingGroupName: groupName,
      thingGroupProperties: { thingGroupDescription: `${props.pilot} devices of generation ${props.generation}` },
    });
    new CfnOutput(this, 'GroupArn', { value: this.group.attrArn, description: `Thing group of ${props.generation} (target of mandatory firmware jobs)` });
    const channels = new Map<string, iot.CfnThingGroup>();
    const channelGroup = (channel: string) => {
      const existing = channels.get(channel);
      if (existing) return existing;
      const group = new iot.CfnThingGroup(this, `Channel-${channel}`, {
        thingGroupName: EdgeNames.thingGroup(props.pilot, props.generation, channel),
        parentGroupName: this.group.ref,
        thingGroupProperties: { thingGroupDescription: `${props.pilot} ${props.generation} devices on the ${channel} channel` },
      });
      channels.set(channel, group);
      return group;
    };
    const deployments = new Map<string, CfnDeployment>();
    const optedIn: iot.CfnThingGroup[] = [];
    for (const deployment of props.deployments) {
      const parent = deployment.channel ? channelGroup(deployment.channel) : this.group;
      const target = deployment.audience
        ? new iot.CfnThingGroup(this, `Audience-${deployment.channel ?? 'all'}-${deployment.audience}`, {
            thingGroupName: EdgeNames.thingGroup(props.pilot, props.generation, deployment.channel, deployment.audience),
            parentGroupName: parent.ref,
            thingGroupProperties: {
              thingGroupDescription: deployment.audience === 'opted-in' ? 'Devices whose owner accepted non-critical updates' : 'Devices that get mandatory updates only',
            },
          })
        : parent;
      if (deployment.audience === 'opted-in') optedIn.push(target);
      if (!props.baseComponents) continue;
      const components: Record<string, CfnDeployment.ComponentDeploymentSpecificationProperty> = { ...props.baseComponents };
      for (const [name, componentVersion] of Object.entries(deployment.components)) components[name] = { componentVersion };
      const name = target.thingGroupName!;
      const resource = new CfnDeployment(this, ['Deployment', deployment.channel, deployment.audience].filter(Boolean).join('-'), {
        targetArn: target.attrArn,
        deploymentName: name,
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
      deployments.set(name, resource);
    }
    this.deployments = deployments;
    this.optedInGroups = optedIn;
  }
}
