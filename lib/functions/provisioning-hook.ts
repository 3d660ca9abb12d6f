/**
 * Pre-provisioning hook of the fleet provisioning template: a device holding the claim certificate
 * gets its own certificate, thing and thing group only when its serial passed the factory tests
 * its pilot's generation requires, it is not retired, and it holds no identity yet. The claim
 * certificate sits on every device of a line and serials are printed on the devices, so the hook
 * takes an identity slot with a conditional write: a serial provisions once, and again only after
 * an operator reinstated it (retire, then reinstate, each recorded with who and why). The hook
 * also names the thing, its group and its pilot's device policy, so a device cannot choose them.
 * Each pilot has its own template (its own provisioning role, scoped to that pilot): a request
 * must come through the template of the pilot it names, so one pilot's template never creates
 * another pilot's devices.
 */
import { EdgeNames } from '../constructs/edge-names';
import { deviceVerdict, Serial } from './factory-test-record';
import { FleetDirectory, fleetDirectoryFromEnv, fleetGeneration } from './fleet-directory';
import { lazy } from './lazy-handler';
import { dynamoDbTestRecordStore, identitySlots, isRetired, TestRecordStore } from './test-record-store';

/** What AWS IoT sends the hook (the fields used here). */
export interface ProvisioningRequest {
  readonly certificateId?: string;
  /** `arn:aws:iot:<region>:<account>:provisioningtemplate/<name>`: the template the device asked for (pre-provisioning hook input). */
  readonly templateArn?: string;
  readonly parameters?: Readonly<Record<string, string | undefined>>;
}

export interface ProvisioningResponse {
  readonly allowProvisioning: boolean;
  readonly parameterOverrides?: Readonly<Record<string, string>>;
}

/** Template parameters the device sends, and the ones the hook sets. */
export const ProvisioningParameters = {
  serial: 'SerialNumber',
  pilot: 'Pilot',
  generation: 'Generation',
  thingName: 'ThingName',
  thingGroup: 'ThingGroup',
  devicePolicy: 'DevicePolicy',
} as const;

export function provisioningHook(
  store: TestRecordStore,
  fleets: FleetDirectory,
  now: () => Date = () => new Date(),
): (request: ProvisioningRequest) => Promise<ProvisioningResponse> {
  const refuse = (reason: string, request: ProvisioningRequest): ProvisioningResponse => {
    console.log(JSON.stringify({ decision: 'refused', reason, parameters: request.parameters, certificateId: request.certificateId, templateArn: request.templateArn }));
    return { allowProvisioning: false };
  };
  return async (request) => {
    const p = request.parameters ?? {};
    const serial = p[ProvisioningParameters.serial] ?? '';
    const pilot = p[ProvisioningParameters.pilot] ?? '';
    const generation = p[ProvisioningParameters.generation] ?? '';
    if (!Serial.safeParse(serial).success) return refuse(`serial "${serial}" is not a valid serial`, request);
    const fleet = fleetGeneration(fleets, pilot, generation);
    if ('problem' in fleet) return refuse(fleet.problem, request);
    const template = templateName(request.templateArn);
    if (template !== fleets[pilot].provisioningTemplate) {
      return refuse(`template ${request.templateArn ?? '(none)'} is not ${pilot}'s; its devices provision through ${fleets[pilot].provisioningTemplate}`, request);
    }
    const sensor = fleet.generation.kind === 'sensor';
    // `<pilot>_sensor-*` names the pilot's sensors, which gateways admit as client devices.
    if (!sensor && EdgeNames.thingName(pilot, serial).startsWith(EdgeNames.sensorPrefix(pilot))) return refuse(`serial "${serial}" reads as a sensor name`, request);
    const history = await store.history(pilot, serial);
    if (isRetired(history)) return refuse(`${pilot} serial ${serial} is retired (${history.events.at(-1)?.at})`, request);
    const verdict = deviceVerdict(history.records, generation, fleet.generation.requiredTests);
    if (!verdict.passed) return refuse(`${pilot} serial ${serial}: ${verdict.reason}`, request);
    const slot = history.identities.length;
    if (slot >= identitySlots(history) || !(await store.claimIdentity(pilot, serial, slot, now().toISOString(), request.certificateId ?? ''))) {
      return refuse(`${pilot} serial ${serial} already holds an identity; an operator must retire and reinstate it first`, request);
    }
    const parameterOverrides = {
      [ProvisioningParameters.thingName]: sensor ? EdgeNames.sensorThingName(pilot, serial) : EdgeNames.thingName(pilot, serial),
      [ProvisioningParameters.thingGroup]: fleet.generation.group,
      [ProvisioningParameters.devicePolicy]: sensor ? fleets[pilot].sensorPolicy : fleets[pilot].devicePolicy,
    };
    console.log(JSON.stringify({ decision: 'allowed', serial, pilot, generation, slot, ...parameterOverrides }));
    return { allowProvisioning: true, parameterOverrides };
  };
}

/** The template's name from its ARN, or undefined when it is not a provisioning template's ARN. */
function templateName(arn: string | undefined): string | undefined {
  return /^arn:[a-z-]+:iot:[a-z0-9-]+:\d{12}:provisioningtemplate\/([0-9A-Za-z_-]+)$/.exec(arn ?? '')?.[1];
}

export const handler = lazy(() => provisioningHook(dynamoDbTestRecordStore(process.env.TABLE_NAME ?? ''), fleetDirectoryFromEnv(process.env)));
