/**
 * Device retirement (POST /retire {"pilot", "serial"} on an IAM-authenticated function URL):
 * deactivates and deletes the device's certificates, takes it out of its thing groups, deletes its
 * Greengrass core device and thing, and marks the serial retired so it never provisions again.
 * Its factory test records stay. Safe to repeat: parts already gone count as done.
 */
import { EdgeNames } from '../constructs/edge-names';
import { Serial } from './factory-test-record';
import { FleetDirectory, fleetDirectoryFromEnv } from './fleet-directory';
import { awsDeviceRegistry, DeviceRegistry } from './device-registry';
import { HttpRequest, HttpResponse, json, jsonBody, ownEntry } from './http';
import { lazy } from './lazy-handler';
import { dynamoDbTestRecordStore, TestRecordStore } from './test-record-store';

export function retireDevices(
  registry: DeviceRegistry,
  store: TestRecordStore,
  fleets: FleetDirectory,
  now: () => Date = () => new Date(),
): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    if (request.requestContext.http.method !== 'POST' || request.rawPath !== '/retire') {
      return json(404, { error: 'POST /retire with {"pilot": "<pilot>", "serial": "<serial>"}' });
    }
    const body = jsonBody(request) as { pilot?: unknown; serial?: unknown } | undefined;
    const pilot = typeof body?.pilot === 'string' ? body.pilot : '';
    const serial = typeof body?.serial === 'string' ? body.serial : '';
    if (!ownEntry(fleets, pilot)) return json(400, { error: `pilot must be one of ${Object.keys(fleets).join(', ')}` });
    if (!Serial.safeParse(serial).success) return json(400, { error: 'serial must be 3-64 letters, digits, _ or -' });

    const thingName = EdgeNames.thingName(pilot, serial);
    const certificates = await registry.certificatesOf(thingName);
    for (const certificate of certificates) await registry.releaseCertificate(thingName, certificate);
    const groups = await registry.groupsOf(thingName);
    for (const group of groups) await registry.removeFromGroup(thingName, group);
    await registry.deleteCoreDevice(thingName);
    await registry.deleteThing(thingName);
    const retiredAt = now().toISOString();
    await store.markRetired(serial, retiredAt, request.requestContext.authorizer?.iam?.userArn ?? 'unknown');
    return json(200, { thingName, retiredAt, certificatesReleased: certificates, removedFromGroups: groups, testRecordsKept: true });
  };
}

export const handler = lazy(() => retireDevices(awsDeviceRegistry(), dynamoDbTestRecordStore(process.env.TABLE_NAME ?? ''), fleetDirectoryFromEnv(process.env)));
