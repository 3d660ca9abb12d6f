/**
 * Keeps every pilot's sensors associated with its gateways (Greengrass client device auth admits
 * only client devices associated with the core device, and sensors discover only their cores).
 * Runs on a schedule and reconciles, so the order of provisioning does not matter (a sensor
 * provisioned before its gateway, or the other way round, is associated on the next run), a failed
 * run is finished by the next, and a retired sensor (its thing deleted) is disassociated:
 * - desired: per pilot, the things in its sensor generations' groups named `<pilot>_sensor-*`;
 * - cores: the Greengrass core devices named `<pilot>_*` that are not sensors;
 * - each core gets the missing sensors (batches of 100, the API's limit) and loses every client
 *   device that is not a current sensor of its own pilot (another pilot's sensor never stays).
 * Error entries and failed calls are reported after every core was tried; the run then fails, so
 * the function's error alarm fires.
 */
import { EdgeNames } from '../constructs/edge-names';
import { FleetDirectory, fleetDirectoryFromEnv } from './fleet-directory';
import { lazy } from './lazy-handler';
import { pilotCredentials } from './pilot-credentials';
import { Client, pages, Sdk } from './sdk-pages';

/** The IoT and Greengrass calls association makes (paged listings return every page). */
export interface AssociationRegistry {
  /** Thing names of every Greengrass core device in the account and region. */
  coreDevices(): Promise<string[]>;
  /** Things in the group and its child groups; empty when the group does not exist. */
  thingsIn(group: string): Promise<string[]>;
  /** Client devices associated with the core device. */
  associated(core: string): Promise<string[]>;
  /** Associates up to 100 things; returns the error entries. */
  associate(core: string, things: readonly string[]): Promise<AssociationError[]>;
  /** Disassociates up to 100 things; returns the error entries. */
  disassociate(core: string, things: readonly string[]): Promise<AssociationError[]>;
}

export interface AssociationError {
  readonly thingName?: string;
  readonly code?: string;
  readonly message?: string;
}

export interface AssociationReport {
  /** Per core device: sensors associated and client devices removed in this run. */
  readonly cores: Record<string, { associated: string[]; disassociated: string[] }>;
  readonly problems: string[];
}

/** Largest batch BatchAssociateClientDeviceWithCoreDevice and its Disassociate twin accept. */
const BATCH = 100;

/**
 * `registry` lists the core devices; `forPilot` does everything else for one pilot (in the Lambda,
 * with that pilot's association role: pilot-credentials.ts).
 */
export function associateSensors(
  registry: AssociationRegistry,
  fleets: FleetDirectory,
  forPilot: (pilot: string) => AssociationRegistry = () => registry,
): () => Promise<AssociationReport> {
  return async () => {
    const cores: AssociationReport['cores'] = {};
    const problems: string[] = [];
    const allCores = await registry.coreDevices();
    for (const [pilot, fleet] of Object.entries(fleets)) {
      const pilotRegistry = forPilot(pilot);
      const sensorPrefix = EdgeNames.sensorPrefix(pilot);
      const groups = Object.entries(fleet.generations).filter(([, g]) => g.kind === 'sensor').map(([name]) => EdgeNames.thingGroup(pilot, name));
      const sensors = new Set<string>();
      for (const group of groups) for (const thing of await pilotRegistry.thingsIn(group)) if (thing.startsWith(sensorPrefix)) sensors.add(thing);
      const pilotCores = allCores.filter((c) => c.startsWith(EdgeNames.thingName(pilot, '')) && !c.startsWith(sensorPrefix));
      for (const core of pilotCores) {
        try {
          const current = new Set(await pilotRegistry.associated(core));
          const missing = [...sensors].filter((s) => !current.has(s)).sort();
          const stray = [...current].filter((t) => !sensors.has(t)).sort();
          const report = (cores[core] = { associated: [] as string[], disassociated: [] as string[] });
          for (const [things, call, done] of [
            [stray, pilotRegistry.disassociate, report.disassociated],
            [missing, pilotRegistry.associate, report.associated],
          ] as const) {
            for (let i = 0; i < things.length; i += BATCH) {
              const batch = things.slice(i, i + BATCH);
              const errors = await call.call(pilotRegistry, core, batch);
              const failed = new Set(errors.map((e) => e.thingName));
              done.push(...batch.filter((t) => !failed.has(t)));
              problems.push(...errors.map((e) => `${core}: ${e.thingName} ${e.code ?? ''} ${e.message ?? ''}`.trim()));
            }
          }
        } catch (e) {
          problems.push(`${core}: ${(e as Error).name ?? 'Error'} ${(e as Error).message}`);
        }
      }
    }
    console.log(JSON.stringify({ cores, problems }));
    if (problems.length > 0) throw new Error(`client device association incomplete (the next run retries): ${problems.join('; ')}`);
    return { cores, problems };
  };
}

/** The real registry on the AWS SDK the Lambda runtime ships (`clientConfig` lets tests point it at a local endpoint). */
export function awsAssociationRegistry(clientConfig: { iot?: object; greengrass?: object } = {}): AssociationRegistry {
  const iotSdk = require('@aws-sdk/client-iot') as Sdk;
  const ggSdk = require('@aws-sdk/client-greengrassv2') as Sdk;
  const iot = new iotSdk.IoTClient(clientConfig.iot ?? {}) as Client;
  const gg = new ggSdk.GreengrassV2Client(clientConfig.greengrass ?? {}) as Client;
  const send = (client: Client, sdk: Sdk, name: string, input: object) => client.send(new sdk[`${name}Command`](input));
  const batch = (name: string) => async (coreDeviceThingName: string, things: readonly string[]) =>
    ((await send(gg, ggSdk, name, { coreDeviceThingName, entries: things.map((thingName) => ({ thingName })) })).errorEntries ?? []) as AssociationError[];
  return {
    coreDevices: () => pages((nextToken) => send(gg, ggSdk, 'ListCoreDevices', { nextToken, maxResults: 100 }), (p) => (p.coreDevices ?? []).map((c: { coreDeviceThingName: string }) => c.coreDeviceThingName)),
    thingsIn: async (thingGroupName) => {
      try {
        return await pages((nextToken) => send(iot, iotSdk, 'ListThingsInThingGroup', { thingGroupName, recursive: true, nextToken }), (p) => p.things ?? []);
      } catch (e) {
        if ((e as { name?: string }).name === 'ResourceNotFoundException') return [];
        throw e;
      }
    },
    associated: (coreDeviceThingName) =>
      pages((nextToken) => send(gg, ggSdk, 'ListClientDevicesAssociatedWithCoreDevice', { coreDeviceThingName, nextToken, maxResults: 100 }), (p) => (p.associatedClientDevices ?? []).map((c: { thingName: string }) => c.thingName)),
    associate: batch('BatchAssociateClientDeviceWithCoreDevice'),
    disassociate: batch('BatchDisassociateClientDeviceFromCoreDevice'),
  };
}

export const handler = lazy(() => {
  const credentials = pilotCredentials(process.env.PILOT_ROLES ?? '', process.env.PLATFORM_NAME ?? '', 'association');
  const run = associateSensors(awsAssociationRegistry(), fleetDirectoryFromEnv(process.env), (pilot) => {
    const config = { credentials: credentials(pilot) };
    return awsAssociationRegistry({ iot: config, greengrass: config });
  });
  return async () => run();
});
