/**
 * Pre-provisioning hook of the fleet provisioning template: a device holding the claim certificate
 * gets its own certificate, thing and thing group only when its serial has a passing factory test
 * record for the pilot and generation it claims, and it was never retired. The hook also names the
 * thing and picks its group, so a device cannot choose them.
 */
import { EdgeNames } from '../constructs/edge-names';
import { deviceVerdict, Serial } from './factory-test-record';
import { FleetDirectory, fleetDirectoryFromEnv, thingGroupOf, unknownFleet } from './fleet-directory';
import { lazy } from './lazy-handler';
import { dynamoDbTestRecordStore, TestRecordStore } from './test-record-store';

/** What AWS IoT sends the hook (the fields used here). */
export interface ProvisioningRequest {
  readonly certificateId?: string;
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
} as const;

export function provisioningHook(store: TestRecordStore, fleets: FleetDirectory): (request: ProvisioningRequest) => Promise<ProvisioningResponse> {
  const refuse = (reason: string, request: ProvisioningRequest): ProvisioningResponse => {
    console.log(JSON.stringify({ decision: 'refused', reason, parameters: request.parameters, certificateId: request.certificateId }));
    return { allowProvisioning: false };
  };
  return async (request) => {
    const p = request.parameters ?? {};
    const serial = p[ProvisioningParameters.serial] ?? '';
    const pilot = p[ProvisioningParameters.pilot] ?? '';
    const generation = p[ProvisioningParameters.generation] ?? '';
    if (!Serial.safeParse(serial).success) return refuse(`serial "${serial}" is not a valid serial`, request);
    const notAFleet = unknownFleet(fleets, pilot, generation);
    if (notAFleet) return refuse(notAFleet, request);
    const { records, retiredAt } = await store.history(serial);
    if (retiredAt) return refuse(`serial ${serial} was retired at ${retiredAt}`, request);
    const verdict = deviceVerdict(records);
    if (!verdict.passed) return refuse(`serial ${serial}: ${verdict.reason}`, request);
    if (verdict.pilot !== pilot || verdict.generation !== generation) {
      return refuse(`serial ${serial} was tested as ${verdict.pilot}/${verdict.generation}, claims ${pilot}/${generation}`, request);
    }
    const parameterOverrides = {
      [ProvisioningParameters.thingName]: EdgeNames.thingName(pilot, serial),
      [ProvisioningParameters.thingGroup]: thingGroupOf(fleets, pilot, generation)!,
    };
    console.log(JSON.stringify({ decision: 'allowed', serial, pilot, generation, ...parameterOverrides }));
    return { allowProvisioning: true, parameterOverrides };
  };
}

export const handler = lazy(() => provisioningHook(dynamoDbTestRecordStore(process.env.TABLE_NAME ?? ''), fleetDirectoryFromEnv(process.env)));
