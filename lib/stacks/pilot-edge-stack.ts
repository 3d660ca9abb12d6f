import { Duration } from 'aws-cdk-lib';
import { CfnDeployment } from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { ComponentSpec, DeviceGenerationSpec, PilotEdgeSpec, PlatformEdgeSpec } from '../config/schema';
import { DeviceGeneration, GenerationDeployment } from '../constructs/device-generation';
import { DeviceRetirement } from '../constructs/device-retirement';
import { EdgeNames } from '../constructs/edge-names';
import { FirmwareJobTemplate } from '../constructs/firmware-job-template';
import { GreengrassCoreIdentity } from '../constructs/greengrass-core-identity';
import { GreengrassContainerComponent } from '../constructs/greengrass-container-component';
import { PilotDevicePolicies } from '../constructs/pilot-device-policies';
import { PilotEdgeRole } from '../constructs/pilot-edge-role';
import { PilotProvisioningTemplate } from '../constructs/pilot-provisioning-template';
import { PlatformKey } from '../constructs/platform-key';
import { RegistryNames } from '../constructs/registry-names';
import { RolloutRollback } from '../constructs/rollout-rollback';
import { SensorAssociation } from '../constructs/sensor-association';
import { StagedRollout } from '../constructs/staged-rollout';
import { RollbackDirectory } from '../functions/rollout-rollback';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface PilotEdgeStackProps extends PlatformStackProps {
  /** Pilot name: the stack is `Pilot-<name>-Edge`. */
  readonly pilot: string;
  /** Platform name: its device policies' names start with it. */
  readonly platformName: string;
  /** The pilot's components (edge components refer to them by name). */
  readonly components: readonly ComponentSpec[];
  /** The pilot's edge section: generations, channels, edge components, rollouts. */
  readonly edge: PilotEdgeSpec;
  /** Versions of the AWS-provided components every deployment carries. */
  readonly greengrass: PlatformEdgeSpec['greengrass'];
  /**
   * Recipe digests of component versions already published (`<component>@<version>`), from the
   * config folder's record: a changed recipe of a recorded version fails synth.
   * @default - none recorded
   */
  readonly publishedRecipes?: Readonly<Record<string, string>>;
}

/**
 * One pilot's edge fleet: the IoT policies of its device certificates, its fleet provisioning
 * template and provisioning role, the roles through which the
 * shared retirement and sensor association functions act on its things, its core devices' token
 * exchange role and role alias, Greengrass component versions of its edge components (prod
 * images), per device generation its thing groups, staged deployments and firmware job templates,
 * and the rollback of the devices that updated before a rollout was cancelled.
 */
export class PilotEdgeStack extends PlatformStack {
  public readonly generations: ReadonlyMap<string, DeviceGeneration>;
  public readonly components: readonly GreengrassContainerComponent[];

  constructor(scope: Construct, id: string, props: PilotEdgeStackProps) {
    super(scope, id, props);
    const { pilot, edge } = props;
    new PilotDevicePolicies(this, 'DevicePolicies', { platformName: props.platformName, pilot });
    new PilotProvisioningTemplate(this, 'Provisioning', { platformName: props.platformName, pilot });
    // The shared retirement and sensor association functions (Platform-Edge) act on this pilot's things through these.
    DeviceRetirement.grantPilot(
      new PilotEdgeRole(this, 'RetirementRole', { platformName: props.platformName, pilot, purpose: 'retirement', description: `Retires ${pilot}'s devices for the shared retirement function` }).role,
      pilot,
    );
    SensorAssociation.grantPilot(
      new PilotEdgeRole(this, 'AssociationRole', { platformName: props.platformName, pilot, purpose: 'association', description: `Associates ${pilot}'s sensors with its gateways for the shared sensor association function` }).role,
      pilot,
    );
    new GreengrassCoreIdentity(this, 'CoreIdentity', { platformName: props.platformName, pilot, components: edge.components.map((c) => c.component) });
    const components = new Map(props.components.map((c) => [c.name, c]));
    this.components = edge.components.map((ec) => {
      const pinned = edge.generations.flatMap((g) => g.channels.flatMap((ch) => ch.versions[ec.component] ?? []));
      const versions = new Set([ec.version, ...(ec.mandatoryVersion ? [ec.mandatoryVersion] : []), ...pinned]);
      return new GreengrassContainerComponent(this, `Component-${ec.component}`, {
        componentName: EdgeNames.component(pilot, ec.component),
        versions: [...versions].sort(),
        repositoryName: RegistryNames.imageRepository(pilot, 'prod', ec.component),
        architectures: components.get(ec.component)?.architectures ?? [],
        description: `${ec.component} of pilot ${pilot} (container from its prod registry)`,
        dependencies: props.greengrass,
        localTopics: [`${EdgeNames.telemetryTopicPrefix(pilot)}#`],
        publishedRecipes: props.publishedRecipes,
      });
    });

    const firmware: RollbackDirectory['firmware'][number][] = [];
    this.generations = new Map(
      edge.generations.map((g) => {
        const rollout = stagedRollout(g);
        const generation = new DeviceGeneration(this, `Generation-${g.name}`, {
          pilot,
          generation: g.name,
          deployments: deploymentsOf(pilot, edge, g),
          baseComponents: g.kind === 'gateway' ? microcloudComponents(props.platformName, pilot, props.greengrass, g.offline) : undefined,
          rollout,
          updatePolicy: g.updatePolicy,
          updateNotice: Duration.seconds(g.updateNoticeSeconds),
          after: this.components,
        });
        if (g.firmware) {
          // Optional updates: a non-critical firmware goes to the devices whose owner opted in.
          const targets = g.updatePolicy === 'mandatory' || g.firmware.critical ? [generation.group] : generation.optedInGroups;
          const job = new FirmwareJobTemplate(generation, 'Firmware', { pilot, generation: g.name, architecture: g.architecture, ...g.firmware, rollout, targets });
          if (job.rollbackTemplate) firmware.push({ templateArn: job.template.attrArn, rollbackTemplateArn: job.rollbackTemplate.attrArn, groupName: EdgeNames.thingGroup(pilot, g.name) });
        }
        return [g.name, generation];
      }),
    );
    const deploymentTargets = [...this.generations.values()].flatMap((g) => [...g.deployments.values()].map((d) => d.targetArn));
    if (deploymentTargets.length > 0 || firmware.length > 0) {
      const logKey = new PlatformKey(this, 'FunctionLogKey', { description: `Encrypts the logs of ${pilot}'s edge functions` });
      logKey.allowCloudWatchLogs();
      const rollback = new RolloutRollback(this, 'Rollback', { pilot, directory: { deploymentTargets, firmware }, logKey });
      // Created after and deleted before the deployments: a stack deletion cancels them, which must not read as an aborted rollout.
      for (const generation of this.generations.values()) for (const d of generation.deployments.values()) rollback.node.addDependency(d);
    }
  }
}

/**
 * What runs on a generation: per channel (with its pins) or for the whole group; with optional
 * updates, opted-in devices run each component's `version`, held ones its `mandatoryVersion`.
 */
function deploymentsOf(pilot: string, edge: PilotEdgeSpec, generation: DeviceGenerationSpec): GenerationDeployment[] {
  const running = edge.components.filter((c) => c.generations.includes(generation.name));
  const named = (versions: Record<string, string>) =>
    Object.fromEntries(Object.entries(versions).map(([component, version]) => [EdgeNames.component(pilot, component), version]));
  const latest = Object.fromEntries(running.map((c) => [c.component, c.version]));
  const mandatory = Object.fromEntries(running.map((c) => [c.component, c.mandatoryVersion ?? c.version]));
  const targets: { channel?: string; pins: Record<string, string> }[] = generation.channels.length === 0 ? [{ pins: {} }] : generation.channels.map((c) => ({ channel: c.name, pins: c.versions }));
  return targets.flatMap(({ channel, pins }) =>
    generation.updatePolicy === 'mandatory'
      ? [{ channel, components: named({ ...latest, ...pins }) }]
      : [
          { channel, audience: 'opted-in' as const, components: named({ ...latest, ...pins }) },
          { channel, audience: 'held' as const, components: named(mandatory) },
        ],
  );
}
function stagedRollout(generation: DeviceGenerationSpec): StagedRollout {
  const { inProgressTimeoutMinutes, ...rest } = generation.rollout;
  return { ...rest, inProgressTimeout: Duration.minutes(inProgressTimeoutMinutes) };
}

/**
 * The local "microcloud" on every core device, so it keeps working offline: the pinned nucleus with
 * a disk spool for uplink messages (kept across restarts), client device auth admitting the
 * pilot's sensors (client devices named `<pilot>_sensor-*`, each publishing under its own topic)
 * and trusting known ones while offline, the Moquette broker, the MQTT bridge (telemetry to AWS IoT
 * Core when online, to local publish/subscribe for the pilot's container components always, and
 * the sensors' job topics both ways), and shadows synced when a connection exists.
 */
function microcloudComponents(
  platformName: string,
  pilot: string,
  versions: PlatformEdgeSpec['greengrass'],
  offline: DeviceGenerationSpec['offline'],
): Record<string, CfnDeployment.ComponentDeploymentSpecificationProperty> {
  const telemetry = EdgeNames.telemetryTopicPrefix(pilot);
  const merge = (configuration: object) => ({ merge: JSON.stringify(configuration) });
  const thing = '${iot:Connection.Thing.ThingName}';
  return {
    'aws.greengrass.Nucleus': {
      componentVersion: versions.nucleus,
      configurationUpdate: merge({
        // The pilot's own role alias (the installer sets it on a new device; this moves existing ones:
        // the token exchange service follows the nucleus' `iotRoleAlias`, aws-greengrass-nucleus DeviceConfiguration).
        iotRoleAlias: EdgeNames.roleAlias(platformName, pilot),
        mqtt: { spooler: { storageType: 'Disk', pluginName: 'aws.greengrass.DiskSpooler', maxSizeInBytes: offline.spoolMebibytes * 1024 * 1024, keepQos0WhenOffline: true } },
      }),
    },
    'aws.greengrass.DiskSpooler': { componentVersion: versions.diskSpooler },
    'aws.greengrass.DockerApplicationManager': { componentVersion: versions.dockerApplicationManager },
    'aws.greengrass.TokenExchangeService': { componentVersion: versions.tokenExchangeService },
    'aws.greengrass.clientdevices.Auth': {
      componentVersion: versions.clientDeviceAuth,
      configurationUpdate: merge({
        deviceGroups: {
          formatVersion: '2021-03-05',
          definitions: { Sensors: { selectionRule: `thingName: ${EdgeNames.sensorPrefix(pilot)}*`, policyName: 'SensorPolicy' } },
          policies: {
            SensorPolicy: {
              Connect: { statementDescription: 'Sensors connect as themselves', operations: ['mqtt:connect'], resources: [`mqtt:clientId:${thing}`] },
              Publish: {
                statementDescription: 'Sensors publish telemetry under their own name, and their job requests',
                operations: ['mqtt:publish'],
                resources: [`mqtt:topic:${telemetry}${thing}/*`, ...SENSOR_JOB_REQUESTS.map((t) => `mqtt:topic:$aws/things/${thing}/jobs/${t}`)],
              },
              Subscribe: {
                statementDescription: 'Sensors receive their own job notifications and answers',
                operations: ['mqtt:subscribe'],
                resources: [`mqtt:topicfilter:$aws/things/${thing}/jobs/*`],
              },
            },
          },
        },
        // Known sensors stay trusted while the gateway cannot reach AWS (default: one minute).
        security: { clientDeviceTrustDurationMinutes: offline.sensorTrustHours * 60 },
      }),
    },
    'aws.greengrass.clientdevices.mqtt.Moquette': { componentVersion: versions.mqttBroker },
    'aws.greengrass.clientdevices.mqtt.Bridge': {
      componentVersion: versions.mqttBridge,
      configurationUpdate: merge({ mqttTopicMapping: bridgeRoutes(pilot) }),
    },
    'aws.greengrass.ShadowManager': {
      componentVersion: versions.shadowManager,
      configurationUpdate: merge({ strategy: { type: 'realTime' }, synchronize: { coreThing: { classic: true } } }),
    },
  };
}

/** Job topics a device publishes to (requests); the answers and notifications come back under `jobs/`. */
const SENSOR_JOB_REQUESTS = ['get', 'start-next', '+/get', '+/update'];
const SENSOR_JOB_ANSWERS = ['notify', 'notify-next', 'get/+', 'start-next/+', '+/get/+', '+/update/+'];

/**
 * The MQTT bridge's routes. Job topics are split by direction (requests up, answers down) so no
 * message is bridged back where it came from; IoT Core delivers only what the core's IoT policy
 * lets it receive, i.e. its own pilot's things.
 */
export function bridgeRoutes(pilot: string): Record<string, { topic: string; source: string; target: string }> {
  const telemetry = `${EdgeNames.telemetryTopicPrefix(pilot)}#`;
  return {
    Telemetry: { topic: telemetry, source: 'LocalMqtt', target: 'IotCore' },
    TelemetryToComponents: { topic: telemetry, source: 'LocalMqtt', target: 'Pubsub' },
    ...Object.fromEntries(SENSOR_JOB_REQUESTS.map((t, i) => [`SensorJobRequests${i}`, { topic: `$aws/things/+/jobs/${t}`, source: 'LocalMqtt', target: 'IotCore' }])),
    ...Object.fromEntries(SENSOR_JOB_ANSWERS.map((t, i) => [`SensorJobAnswers${i}`, { topic: `$aws/things/+/jobs/${t}`, source: 'IotCore', target: 'LocalMqtt' }])),
  };
}
