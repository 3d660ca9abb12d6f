/**
 * Device lifecycle on an IAM-authenticated function URL, both operator actions recorded with who
 * did it and why:
 * - POST /retire {"pilot", "serial", "reason"}: marks the pilot's device retired first (so it can
 *   never provision meanwhile), then releases everything in an order that survives retries:
 *   certificates detached from the thing, and only once the (asynchronous) detach has completed
 *   their policies detached, deactivated and deleted; shadows and pending job executions removed;
 *   groups, Greengrass core device and thing deleted. A retry after a partial failure finishes the
 *   job: each step treats what is already gone as done, and the certificates to release come from
 *   the thing and from the identities the provisioning hook recorded.
 * - POST /reinstate {"pilot", "serial", "reason"}: undoes a retirement; the device may provision
 *   once more (a new identity: the old certificates are gone).
 * Factory test records always stay. The device calls go through the pilot's own retirement role.
 */
import { EdgeNames } from '../constructs/edge-names';
import { Serial } from './factory-test-record';
import { FleetDirectory, fleetDirectoryFromEnv, fleetGeneration, fleetOf } from './fleet-directory';
import { awsDeviceRegistry, DeviceRegistry } from './device-registry';
import { HttpRequest, HttpResponse, json, jsonBody } from './http';
import { lazy } from './lazy-handler';
import { pilotCredentials } from './pilot-credentials';
import { dynamoDbTestRecordStore, isRetired, LifecycleKind, TestRecordStore } from './test-record-store';

export interface RetirementOptions {
  readonly now?: () => Date;
  /** Waits between checks that a detach has propagated. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Checks before giving up on a detach (the caller retries). @default 10, one second apart */
  readonly detachChecks?: number;
}

const CONCURRENT = 'another operator changed this device meanwhile; read its history and repeat if still needed';
const USAGE = 'POST /retire or /reinstate with {"pilot": "<pilot>", "serial": "<serial>", "reason": "<why>"}';

/** `registryFor` acts for one pilot: in the Lambda, with that pilot's retirement role (pilot-credentials.ts). */
export function retireDevices(
  registryFor: (pilot: string) => DeviceRegistry,
  store: TestRecordStore,
  fleets: FleetDirectory,
  options: RetirementOptions = {},
): (request: HttpRequest) => Promise<HttpResponse> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const detachChecks = options.detachChecks ?? 10;

  return async (request) => {
    const action = ({ '/retire': 'retired', '/reinstate': 'reinstated' } as const)[request.rawPath as '/retire' | '/reinstate'] as LifecycleKind | undefined;
    if (request.requestContext.http.method !== 'POST' || !action) return json(404, { error: USAGE });
    const body = jsonBody(request) as { pilot?: unknown; serial?: unknown; reason?: unknown } | undefined;
    const pilot = typeof body?.pilot === 'string' ? body.pilot : '';
    const serial = typeof body?.serial === 'string' ? body.serial : '';
    const reason = typeof body?.reason === 'string' ? body.reason.trim() : '';
    if (!fleetOf(fleets, pilot)) return json(400, { error: `pilot must be one of ${Object.keys(fleets).join(', ')}` });
    if (!Serial.safeParse(serial).success) return json(400, { error: 'serial must be 3-64 letters, digits, _ or -' });
    if (reason.length === 0 || reason.length > 500) return json(400, { error: 'reason must say why, in 1-500 characters' });

    const history = await store.history(pilot, serial);
    if (history.records.length === 0 && history.identities.length === 0) {
      return json(404, { error: `pilot ${pilot} has no device ${serial} (no factory test record, never provisioned)` });
    }
    const event = { kind: action, at: now().toISOString(), by: request.requestContext.authorizer?.iam?.userArn ?? 'unknown', reason };
    if (action === 'reinstated') {
      if (!isRetired(history)) return json(409, { error: `${pilot} device ${serial} is not retired` });
      if (!(await store.addEvent(pilot, serial, history.events.length, event))) return json(409, { error: CONCURRENT });
      return json(200, { pilot, serial, reinstated: event, mayProvision: 'once more, with a new identity' });
    }
    if (!isRetired(history) && !(await store.addEvent(pilot, serial, history.events.length, event))) return json(409, { error: CONCURRENT });

    const registry = registryFor(pilot);
    // Sensors are named apart from gateways; the device's test records say which it is.
    const sensor = history.records.some((r) => {
      const g = fleetGeneration(fleets, pilot, r.generation);
      return 'generation' in g && g.generation.kind === 'sensor';
    });
    const thingName = sensor ? EdgeNames.sensorThingName(pilot, serial) : EdgeNames.thingName(pilot, serial);
    const attached = await registry.principalsOf(thingName);
    for (const certificate of attached) await registry.detachPrincipal(thingName, certificate);
    for (let check = 0; attached.length > 0; check++) {
      const still = (await registry.principalsOf(thingName)).filter((c) => attached.includes(c));
      if (still.length === 0) break;
      if (check + 1 >= detachChecks) {
        return json(503, { error: `detaching ${still.join(', ')} from ${thingName} is still propagating; repeat the call to finish the retirement`, retired: true });
      }
      await sleep(1000);
    }
    const certificateIds = [...new Set([...attached.map((arn) => arn.split('/').pop() ?? ''), ...history.identities].filter(Boolean))];
    for (const id of certificateIds) await registry.releaseCertificate(id);
    const shadows = await registry.deleteShadows(thingName);
    const jobs = await registry.removePendingJobs(thingName);
    const groups = await registry.groupsOf(thingName);
    for (const group of groups) await registry.removeFromGroup(thingName, group);
    // Sensors are client devices, not cores; their associations go with the thing (client-device-association.ts).
    if (!sensor) await registry.deleteCoreDevice(thingName);
    await registry.deleteThing(thingName);
    return json(200, {
      pilot,
      serial,
      thingName,
      retired: isRetired(history) ? history.events.at(-1) : event,
      certificatesReleased: certificateIds,
      shadowsDeleted: shadows,
      jobExecutionsRemoved: jobs,
      removedFromGroups: groups,
      testRecordsKept: true,
    });
  };
}

export const handler = lazy(() => {
  const credentials = pilotCredentials(process.env.PILOT_ROLES ?? '', process.env.PLATFORM_NAME ?? '', 'retirement');
  return retireDevices((pilot) => awsDeviceRegistry({ credentials: credentials(pilot) }), dynamoDbTestRecordStore(process.env.TABLE_NAME ?? ''), fleetDirectoryFromEnv(process.env));
});
