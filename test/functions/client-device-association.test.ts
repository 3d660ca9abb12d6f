import { AddThingToThingGroupCommand, CreateThingCommand, CreateThingGroupCommand, DeleteThingCommand, IoTClient, RemoveThingFromThingGroupCommand } from '@aws-sdk/client-iot';
import { associateSensors, awsAssociationRegistry } from '../../lib/functions/client-device-association';
import { pilotCredentials } from '../../lib/functions/pilot-credentials';
import { FakeGreengrass } from './fake-greengrass';
import { ACCOUNT, EdgeBed, FLEETS, startEdgeBed } from './fakes';

// Things and groups live in IoT on a local moto_server; core devices and their client device
// associations in the Greengrass v2 fake, which admits only things moto knows. Both through the real adapter.
let bed: EdgeBed;
let greengrass: FakeGreengrass;
let iot: IoTClient;
beforeAll(async () => {
  bed = await startEdgeBed();
  iot = new IoTClient(bed.clientConfig);
  greengrass = bed.greengrass;
}, 60_000);
beforeEach(() => void jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterAll(() => bed?.stop());

const registry = () => awsAssociationRegistry({ iot: bed.clientConfig, greengrass: bed.greengrassConfig });
const associated = (core: string) => [...(greengrass.coreDevices.get(core)?.keys() ?? [])].sort();

const groups = new Set<string>();
async function sensor(thingName: string, group = 'acme_press-sensor-v1') {
  if (!groups.has(group)) await iot.send(new CreateThingGroupCommand({ thingGroupName: group }));
  groups.add(group);
  await iot.send(new CreateThingCommand({ thingName }));
  await iot.send(new AddThingToThingGroupCommand({ thingName, thingGroupName: group }));
}
const core = (name: string) => greengrass.coreDevices.set(name, new Map());

describe('sensors are associated with their pilot\'s gateways', () => {
  test('every sensor of a pilot\'s sensor generations with every core of that pilot, whichever was provisioned first; never across pilots', async () => {
    core('acme_GW-1');
    await sensor('acme_sensor-0001');
    core('bravo_GW-1');
    const run = associateSensors(registry(), FLEETS);
    const first = await run();
    expect(first.cores['acme_GW-1'].associated).toEqual(['acme_sensor-0001']);
    // A gateway provisioned after its sensors gets them on the next run; so does a new sensor.
    core('acme_GW-2');
    await sensor('acme_sensor-0002');
    await run();
    expect(associated('acme_GW-1')).toEqual(['acme_sensor-0001', 'acme_sensor-0002']);
    expect(associated('acme_GW-2')).toEqual(['acme_sensor-0001', 'acme_sensor-0002']);
    expect(associated('bravo_GW-1')).toEqual([]);
    // A run with nothing to do changes nothing.
    const calls = greengrass.calls.length;
    const idle = await run();
    expect(Object.values(idle.cores).flatMap((c) => [...c.associated, ...c.disassociated])).toEqual([]);
    expect(greengrass.calls.slice(calls).filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  test('a retired sensor (thing deleted) and a foreign pilot\'s client device are disassociated; gateways are never associated as sensors', async () => {
    core('acme_GW-3');
    await sensor('acme_sensor-0003');
    await iot.send(new CreateThingCommand({ thingName: 'acme_GW-3' }));
    await iot.send(new AddThingToThingGroupCommand({ thingName: 'acme_GW-3', thingGroupName: 'acme_press-sensor-v1' }));
    await sensor('bravo_sensor-0001', 'acme_press-sensor-v1');
    const run = associateSensors(registry(), FLEETS);
    await run();
    expect(associated('acme_GW-3')).toContain('acme_sensor-0003');
    expect(associated('acme_GW-3')).not.toContain('acme_GW-3');
    expect(associated('acme_GW-3')).not.toContain('bravo_sensor-0001');
    // Someone associated a bravo sensor with an acme gateway by hand: the next run removes it.
    greengrass.coreDevices.get('acme_GW-3')!.set('bravo_sensor-0001', 1);
    await iot.send(new RemoveThingFromThingGroupCommand({ thingName: 'acme_sensor-0003', thingGroupName: 'acme_press-sensor-v1' }));
    await iot.send(new DeleteThingCommand({ thingName: 'acme_sensor-0003' }));
    const report = await run();
    expect(report.cores['acme_GW-3'].disassociated).toEqual(['acme_sensor-0003', 'bravo_sensor-0001']);
    expect(associated('acme_GW-3')).not.toContain('acme_sensor-0003');
  });

  test('the Lambda\'s way: each pilot\'s groups and cores through that pilot\'s association role, the listing of cores with the function\'s own', async () => {
    core('acme_GW-4');
    await sensor('acme_sensor-0004');
    const credentials = pilotCredentials(`arn:aws:iam::${ACCOUNT}:role/iiot/demo/edge-pilot/`, 'demo', 'association', bed.clientConfig);
    const asPilot: string[] = [];
    const forPilot = (pilot: string) => {
      asPilot.push(pilot);
      return awsAssociationRegistry({ iot: { ...bed.clientConfig, credentials: credentials(pilot) }, greengrass: { ...bed.greengrassConfig, credentials: credentials(pilot) } });
    };
    const shared = registry();
    const report = await associateSensors({ ...shared, thingsIn: () => Promise.reject(new Error('not with the shared role')) }, FLEETS, forPilot)();
    expect(report.cores['acme_GW-4'].associated).toContain('acme_sensor-0004');
    expect(asPilot).toEqual(Object.keys(FLEETS));
  });

  test('a failure midway is reported (the run fails, so the alarm fires) after every other core was tried; the next run finishes', async () => {
    core('acme_GW-5');
    core('acme_GW-6');
    await sensor('acme_sensor-0005');
    // Three times: the SDK's standard retry makes three attempts before the call fails.
    greengrass.failNext(/^POST \/greengrass\/v2\/coreDevices\/acme_GW-5\/associateClientDevices$/, 3);
    const run = associateSensors(registry(), FLEETS);
    await expect(run()).rejects.toThrow(/acme_GW-5: InternalServerException/);
    expect(associated('acme_GW-6')).toContain('acme_sensor-0005');
    expect(associated('acme_GW-5')).not.toContain('acme_sensor-0005');
    await run();
    expect(associated('acme_GW-5')).toContain('acme_sensor-0005');
  });

  test('an error entry (a thing IoT does not know) fails the run and names it; the others are associated', async () => {
    const fake = registry();
    const report = associateSensors({ ...fake, thingsIn: async (g) => (g === 'acme_press-sensor-v1' ? ['acme_sensor-ghost', ...(await fake.thingsIn(g))] : fake.thingsIn(g)) }, FLEETS);
    await expect(report()).rejects.toThrow(/acme_GW-1: acme_sensor-ghost ResourceNotFoundException/);
    expect(associated('acme_GW-1')).toContain('acme_sensor-0005');
  });

  test('more than 100 sensors go in batches of 100 (the API\'s limit)', async () => {
    // Batches are per core: the cores of the tests above would only check the same 100 things again.
    greengrass.coreDevices.clear();
    for (let i = 0; i < 100; i++) await sensor(`acme_sensor-B${String(i).padStart(3, '0')}`);
    core('acme_GW-7');
    const route = 'POST /greengrass/v2/coreDevices/acme_GW-7/associateClientDevices';
    await associateSensors(registry(), FLEETS)().catch(() => undefined); // the ghost of the test above is gone; nothing fails here
    const sensors = associated('acme_GW-7');
    expect(sensors.length).toBeGreaterThan(100);
    expect(greengrass.calls.filter((c) => c === route)).toHaveLength(Math.ceil(sensors.length / 100));
  }, 60_000);
});
