import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateJobCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  IoTClient,
  ListJobExecutionsForThingCommand,
} from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsDeviceRegistry, DeviceRegistry } from '../../lib/functions/device-registry';
import { retireDevices } from '../../lib/functions/device-retirement';
import { pilotCredentials } from '../../lib/functions/pilot-credentials';
import { isRetired, TestRecordStore } from '../../lib/functions/test-record-store';
import { ACCOUNT, addRecords, EdgeBed, FLEETS, OPERATOR, record, request, startEdgeBed } from './fakes';

// Retirement runs against IoT, IoT data and DynamoDB on a local moto_server and Greengrass v2 on
// the bed's fake (moto has only v1), all through the real adapters.
let bed: EdgeBed;
let iot: IoTClient;
let data: IoTDataPlaneClient;
beforeAll(async () => {
  bed = await startEdgeBed();
  iot = new IoTClient(bed.clientConfig);
  data = new IoTDataPlaneClient(bed.clientConfig);
}, 60_000);
afterAll(() => bed?.stop());

const now = () => new Date('2026-05-01T10:00:00Z');
const retire = (pilot: string, serial: string, reason = 'board swapped') => request('POST', '/retire', { pilot, serial, reason });
let devices = 0;

/**
 * A provisioned device as fleet provisioning leaves it, plus a shadow and a queued firmware job; a
 * gateway also as the Greengrass core device its first run registers, a sensor as the client device
 * of a gateway.
 */
async function provisionedDevice(store: TestRecordStore, kind: 'gateway' | 'sensor' = 'gateway') {
  const serial = `SN-${String(++devices).padStart(4, '0')}`;
  const thingName = kind === 'sensor' ? `acme_sensor-${serial}` : `acme_${serial}`;
  const group = kind === 'sensor' ? 'acme_press-sensor-v1' : 'acme_press-gw-v1';
  await addRecords(store, record({ serial, generation: kind === 'sensor' ? 'press-sensor-v1' : 'press-gw-v1' }));
  if (kind === 'gateway') bed.greengrass.coreDevices.set(thingName, new Map());
  else bed.greengrass.coreDevices.get('acme_GW-HOST')?.set(thingName, 1);
  await iot.send(new CreateThingCommand({ thingName }));
  const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  await store.claimIdentity('acme', serial, 0, '2026-04-01T00:00:00.000Z', cert.certificateId!);
  await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn! }));
  await iot.send(new CreatePolicyCommand({ policyName: `device-${serial}`, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] }) }));
  await iot.send(new AttachPolicyCommand({ policyName: `device-${serial}`, target: cert.certificateArn! }));
  await iot.send(new CreateThingGroupCommand({ thingGroupName: group })).catch(() => undefined);
  await iot.send(new AddThingToThingGroupCommand({ thingName, thingGroupName: group }));
  await data.send(new UpdateThingShadowCommand({ thingName, payload: Buffer.from(JSON.stringify({ state: { reported: { fw: '3.1.4' } } })) }));
  const thingArn = (await iot.send(new DescribeThingCommand({ thingName }))).thingArn!;
  await iot.send(new CreateJobCommand({ jobId: `fw-${serial}`, targets: [thingArn], document: '{"operation":"firmware-update"}' }));
  return { serial, thingName, group, certificateId: cert.certificateId!, certificateArn: cert.certificateArn! };
}

const gone = (call: Promise<unknown>) => call.then(() => false, (e: { name?: string }) => e.name === 'ResourceNotFoundException');

async function expectReleased(device: Awaited<ReturnType<typeof provisionedDevice>>) {
  expect(await gone(iot.send(new DescribeCertificateCommand({ certificateId: device.certificateId })))).toBe(true);
  expect(await gone(iot.send(new DescribeThingCommand({ thingName: device.thingName })))).toBe(true);
  expect(await gone(data.send(new GetThingShadowCommand({ thingName: device.thingName })))).toBe(true);
  const executions = await iot.send(new ListJobExecutionsForThingCommand({ thingName: device.thingName })).catch(() => ({ executionSummaries: [] }));
  expect(executions.executionSummaries ?? []).toEqual([]);
}

describe('device retirement', () => {
  test('marks the device retired, releases certificate, shadow, job execution, group, core device and thing; keeps its records', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    const registry = bed.registry();
    const res = await retireDevices(() => registry, store, FLEETS, { now })(retire('acme', device.serial));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      thingName: device.thingName,
      certificatesReleased: [device.certificateId],
      jobExecutionsRemoved: [`fw-${device.serial}`],
      removedFromGroups: ['acme_press-gw-v1'],
      retired: { kind: 'retired', by: OPERATOR, reason: 'board swapped' },
    });
    await expectReleased(device);
    expect(bed.greengrass.coreDevices.has(device.thingName)).toBe(false);
    const history = await store.history('acme', device.serial);
    expect(isRetired(history)).toBe(true);
    expect(history.records).toHaveLength(1);
  });

  test('the Lambda\'s way: the device calls run as the pilot\'s own retirement role, assumed once per pilot', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    const credentials = pilotCredentials(`arn:aws:iam::${ACCOUNT}:role/iiot/demo/edge-pilot/`, 'demo', 'retirement', bed.clientConfig);
    const asPilot: string[] = [];
    const registryFor = (pilot: string) => {
      asPilot.push(pilot);
      return awsDeviceRegistry({ ...bed.clientConfig, credentials: credentials(pilot) }, { ...bed.greengrassConfig, credentials: credentials(pilot) });
    };
    const res = await retireDevices(registryFor, store, FLEETS, { now })(retire('acme', device.serial));
    expect(res.statusCode).toBe(200);
    await expectReleased(device);
    expect(asPilot).toEqual(['acme']);
    // Whose credentials they are (STS as moto answers it), and the same ones while they are valid.
    const acme = await credentials('acme')();
    const caller = await new STSClient({ ...bed.clientConfig, credentials: acme }).send(new GetCallerIdentityCommand({}));
    expect(caller.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/demo_acme_retirement/retirement-acme`);
    expect((await credentials('acme')()).accessKeyId).toBe(acme.accessKeyId);
    expect((await credentials('bravo')()).accessKeyId).not.toBe(acme.accessKeyId);
  });

  test('a certificate is deleted only once its asynchronous detach has completed; a retry finishes the job', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    const real = bed.registry();
    // AWS IoT answers DetachThingPrincipal before the detach propagates: the thing still lists it.
    let lagging = 3;
    const registry: DeviceRegistry = {
      ...real,
      principalsOf: async (thing) => (lagging-- > 0 ? [device.certificateArn] : real.principalsOf(thing)),
      releaseCertificate: async (id) => {
        expect(await real.principalsOf(device.thingName)).toEqual([]);
        return real.releaseCertificate(id);
      },
    };
    const sleeps: number[] = [];
    const handler = retireDevices(() => registry, store, FLEETS, { now, sleep: async (ms) => void sleeps.push(ms), detachChecks: 2 });
    const first = await handler(retire('acme', device.serial));
    expect(first.statusCode).toBe(503);
    expect(JSON.parse(first.body).error).toMatch(/still propagating; repeat the call/);
    expect(await gone(iot.send(new DescribeCertificateCommand({ certificateId: device.certificateId })))).toBe(false);
    expect(isRetired(await store.history('acme', device.serial))).toBe(true);
    expect((await handler(retire('acme', device.serial))).statusCode).toBe(200);
    await expectReleased(device);
  });

  test('a failure midway (after the certificate is gone) is finished by a retry, which finds the certificate from the recorded identity', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    const real = bed.registry();
    let failures = 1;
    const flaky: DeviceRegistry = {
      ...real,
      deleteShadows: async (thing) => {
        if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return real.deleteShadows(thing);
      },
    };
    const handler = retireDevices(() => flaky, store, FLEETS, { now });
    await expect(handler(retire('acme', device.serial))).rejects.toThrow('Rate exceeded');
    expect(await gone(iot.send(new DescribeCertificateCommand({ certificateId: device.certificateId })))).toBe(true);
    const retry = await handler(retire('acme', device.serial));
    expect(retry.statusCode).toBe(200);
    expect(JSON.parse(retry.body).certificatesReleased).toEqual([device.certificateId]);
    await expectReleased(device);
    expect((await store.history('acme', device.serial)).events.map((e) => e.kind)).toEqual(['retired']);
  });

  test('a sensor: its certificate, shadow, job execution, group and thing are released; no core device is touched; its records stay', async () => {
    const store = await bed.newStore();
    bed.greengrass.coreDevices.set('acme_GW-HOST', new Map());
    const device = await provisionedDevice(store, 'sensor');
    const calls = bed.greengrass.calls.length;
    const res = await retireDevices(() => bed.registry(), store, FLEETS, { now })(retire('acme', device.serial, 'vibration sensor cracked'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      thingName: `acme_sensor-${device.serial}`,
      certificatesReleased: [device.certificateId],
      jobExecutionsRemoved: [`fw-${device.serial}`],
      removedFromGroups: ['acme_press-sensor-v1'],
    });
    await expectReleased(device);
    expect(bed.greengrass.calls.slice(calls).filter((c) => c.startsWith('DELETE'))).toEqual([]);
    expect(bed.greengrass.coreDevices.has('acme_GW-HOST')).toBe(true);
    const history = await store.history('acme', device.serial);
    expect([isRetired(history), history.records.length]).toEqual([true, 1]);
  });

  test('a sensor whose retirement failed midway (the thing could not be deleted) is finished by a retry', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store, 'sensor');
    const real = bed.registry();
    let failures = 1;
    const flaky: DeviceRegistry = {
      ...real,
      deleteThing: async (thing) => {
        if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return real.deleteThing(thing);
      },
    };
    const handler = retireDevices(() => flaky, store, FLEETS, { now });
    await expect(handler(retire('acme', device.serial))).rejects.toThrow('Rate exceeded');
    expect(await gone(iot.send(new DescribeThingCommand({ thingName: device.thingName })))).toBe(false);
    expect((await handler(retire('acme', device.serial))).statusCode).toBe(200);
    await expectReleased(device);
  });

  test('a gateway whose core device could not be deleted (Greengrass failing) is finished by a retry through the real adapter', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    // Three failures: the SDK's standard retry makes three attempts before the call fails.
    bed.greengrass.failNext(new RegExp(`^DELETE /greengrass/v2/coreDevices/${device.thingName}$`), 3);
    const handler = retireDevices(() => bed.registry(), store, FLEETS, { now });
    await expect(handler(retire('acme', device.serial))).rejects.toThrow();
    expect(bed.greengrass.coreDevices.has(device.thingName)).toBe(true);
    expect(await gone(iot.send(new DescribeCertificateCommand({ certificateId: device.certificateId })))).toBe(true);
    const retry = await handler(retire('acme', device.serial));
    expect(retry.statusCode).toBe(200);
    expect(bed.greengrass.coreDevices.has(device.thingName)).toBe(false);
    await expectReleased(device);
  });

  test('retiring requires the device to exist in that pilot: the same serial in another pilot is a 404 and untouched', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    const res = await retireDevices(() => bed.registry(), store, FLEETS, { now })(retire('bravo', device.serial));
    expect(res.statusCode).toBe(404);
    expect(await gone(iot.send(new DescribeThingCommand({ thingName: device.thingName })))).toBe(false);
    expect(isRetired(await store.history('acme', device.serial))).toBe(false);
  });

  test('an operator undoes a retirement with a reason; reinstating a device that is not retired is a 409', async () => {
    const store = await bed.newStore();
    const device = await provisionedDevice(store);
    const handler = retireDevices(() => bed.registry(), store, FLEETS, { now });
    const reinstate = (reason: string) => handler(request('POST', '/reinstate', { pilot: 'acme', serial: device.serial, reason }));
    expect((await reinstate('oops')).statusCode).toBe(409);
    await handler(retire('acme', device.serial, 'suspected clone'));
    const res = await reinstate('clone report was wrong');
    expect(res.statusCode).toBe(200);
    const history = await store.history('acme', device.serial);
    expect(isRetired(history)).toBe(false);
    expect(history.events.map((e) => [e.kind, e.by, e.reason])).toEqual([
      ['retired', OPERATOR, 'suspected clone'],
      ['reinstated', OPERATOR, 'clone report was wrong'],
    ]);
  });

  test.each([
    [{ pilot: 'zulu', serial: 'SN-0001', reason: 'x' }, /pilot must be one of acme, bravo/],
    [{ pilot: 'constructor', serial: 'SN-0001', reason: 'x' }, /pilot must be one of acme, bravo/],
    [{ pilot: 'acme', serial: '../x', reason: 'x' }, /serial must be/],
    [{ pilot: 'acme', serial: 'SN-0001' }, /reason must say why/],
  ])('rejects %j with a 400', async (body, expected) => {
    const res = await retireDevices(() => bed.registry(), await bed.newStore(), FLEETS, { now })(request('POST', '/retire', body));
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(expected);
  });
});
