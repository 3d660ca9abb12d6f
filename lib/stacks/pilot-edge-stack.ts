import { Duration } from 'aws-cdk-lib';
import { CfnDeployment } from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { ComponentSpec, DeviceGenerationSpec, PilotEdgeSpec, PlatformEdgeSpec } from '../config/schema';
import { DeviceGeneration, GenerationDeployment } from '../constructs/device-generation';
import { EdgeNames } from '../constructs/edge-names';
import { FirmwareJobTemplate } from '../constructs/firmware-job-template';
import { GreengrassContainerComponent } from '../constructs/greengrass-container-component';
import { RegistryNames } from '../constructs/registry-names';
import { StagedRollout } from '../constructs/staged-rollout';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface PilotEdgeStackProps extends PlatformStackProps {
  /** Pilot name: the stack is `Pilot-<name>-Edge`. */
  readonly pilot: string;
  /** The pilot's components (edge components refer to them by name). */
  readonly components: readonly ComponentSpec[];
  /** The pilot's edge section: generations, channels, edge components, rollouts. */
  readonly edge: PilotEdgeSpec;
  /** Versions of the AWS-provided components every deployment carries. */
  readonly greengrass: PlatformEdgeSpec['greengrass'];
}

/**
 * One pilot's edge fleet: Greengrass component versions of its edge components (prod images), and
 * per device generation its thing groups, staged deployments and firmware job template.
 */
export class PilotEdgeStack extends PlatformStack {
  public readonly generations: ReadonlyMap<string, DeviceGeneration>;

  constructor(scope: Construct, id: string, props: PilotEdgeStackProps) {
    super(scope, id, props);
    const { pilot, edge } = props;
    const components = new Map(props.components.map((c) => [c.name, c]));
    const published = edge.components.map((ec) => {
      const versions = new Set([ec.version, ...edge.generations.flatMap((g) => g.channels.flatMap((ch) => ch.versions[ec.component] ?? []))]);
      return new GreengrassContainerComponent(this, `Component-${ec.component}`, {
        componentName: EdgeNames.component(pilot, ec.component),
        versions: [...versions].sort(),
        repositoryName: RegistryNames.imageRepository(pilot, 'prod', ec.component),
        architectures: components.get(ec.component)?.architectures ?? [],
        description: `${ec.component} of pilot ${pilot} (container from its prod registry)`,
      });
    });
    const baseComponents = microcloudComponents(pilot, props.greengrass);

    this.generations = new Map(
      edge.generations.map((g) => {
        const rollout = stagedRollout(g);
        const generation = new DeviceGeneration(this, `Generation-${g.name}`, {
          pilot,
          generation: g.name,
          deployments: deploymentsOf(pilot, edge, g),
          baseComponents,
          rollout,
          updatePolicy: g.updatePolicy,
          updateNotice: Duration.seconds(g.updateNoticeSeconds),
          after: published,
        });
        if (g.firmware) {
          new FirmwareJobTemplate(generation, 'Firmware', { pilot, generation: g.name, ...g.firmware, rollout });
        }
        return [g.name, generation];
      }),
    );
  }
}

/** What runs on a generation: one deployment per channel (with its pins), or one for the whole group. */
function deploymentsOf(pilot: string, edge: PilotEdgeSpec, generation: DeviceGenerationSpec): GenerationDeployment[] {
  const defaults = Object.fromEntries(
    edge.components.filter((c) => c.generations.includes(generation.name)).map((c) => [c.component, c.version]),
  );
  const named = (versions: Record<string, string>) =>
    Object.fromEntries(Object.entries(versions).map(([component, version]) => [EdgeNames.component(pilot, component), version]));
  if (generation.channels.length === 0) return [{ components: named(defaults) }];
  return generation.channels.map((channel) => ({ channel: channel.name, components: named({ ...defaults, ...channel.versions }) }));
}

function stagedRollout(generation: DeviceGenerationSpec): StagedRollout {
  const { inProgressTimeoutMinutes, ...rest } = generation.rollout;
  return { ...rest, inProgressTimeout: Duration.minutes(inProgressTimeoutMinutes) };
}

/**
 * The local "microcloud" on every core device: an MQTT broker for the pilot's sensors (client
 * devices named `<pilot>_sensor-*`, each publishing under its own topic), the bridge that relays
 * telemetry to AWS IoT Core when online, and local shadows synced when a connection exists.
 */
function microcloudComponents(pilot: string, versions: PlatformEdgeSpec['greengrass']): Record<string, CfnDeployment.ComponentDeploymentSpecificationProperty> {
  const telemetry = EdgeNames.telemetryTopicPrefix(pilot);
  const merge = (configuration: object) => ({ merge: JSON.stringify(configuration) });
  return {
    'aws.greengrass.clientdevices.Auth': {
      componentVersion: versions.clientDeviceAuth,
      configurationUpdate: merge({
        deviceGroups: {
          formatVersion: '2021-03-05',
          definitions: { Sensors: { selectionRule: `thingName: ${EdgeNames.sensorPrefix(pilot)}*`, policyName: 'SensorPolicy' } },
          policies: {
            SensorPolicy: {
              Connect: { statementDescription: 'Sensors connect as themselves', operations: ['mqtt:connect'], resources: ['mqtt:clientId:${iot:Connection.Thing.ThingName}'] },
              Publish: {
                statementDescription: 'Sensors publish telemetry under their own name',
                operations: ['mqtt:publish'],
                resources: [`mqtt:topic:${telemetry}\${iot:Connection.Thing.ThingName}/*`],
              },
            },
          },
        },
      }),
    },
    'aws.greengrass.clientdevices.mqtt.Moquette': { componentVersion: versions.mqttBroker },
    'aws.greengrass.clientdevices.mqtt.Bridge': {
      componentVersion: versions.mqttBridge,
      configurationUpdate: merge({ mqttTopicMapping: { Telemetry: { topic: `${telemetry}#`, source: 'LocalMqtt', target: 'IotCore' } } }),
    },
    'aws.greengrass.ShadowManager': {
      componentVersion: versions.shadowManager,
      configurationUpdate: merge({ strategy: { type: 'realTime' }, synchronize: { coreThing: { classic: true } } }),
    },
  };
}
