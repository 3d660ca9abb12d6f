import { provisioningHook } from '../../lib/functions/provisioning-hook';
import { StoreKeys } from '../../lib/functions/test-record-store';
import { addRecords, EdgeBed, FLEETS, OPERATOR, record, startEdgeBed } from './fakes';

// The hook runs against DynamoDB on a local moto_server through the real store adapter.
let bed: EdgeBed;
beforeAll(async () => (bed = await startEdgeBed()), 60_000);
afterAll(() => bed?.stop());

/** The template ARN IoT sends the hook (pre-provisioning hook input, https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html). */
const templateArn = (name: string) => `arn:aws:iot:eu-central-1:111111111111:provisioningtemplate/${name}`;
/** A request as IoT sends it: through the template of the pilot it names, unless told otherwise. */
const claim = (parameters: Record<string, string>, certificateId = 'cert-1', template = FLEETS[parameters.Pilot]?.provisioningTemplate ?? 'demo_acme') => ({
  certificateId,
  templateArn: templateArn(template),
  parameters,
});
const acmeV1 = { SerialNumber: 'SN-0001', Pilot: 'acme', Generation: 'press-gw-v1' };
const now = () => new Date('2026-04-01T00:00:00Z');

describe('pre-provisioning hook', () => {
  // Decisions are logged for audit; keep them out of the test output.
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('a serial that passed its generation\'s tests is provisioned once; the hook names thing, group and device policy', async () => {
    const store = await bed.newStore();
    await addRecords(store, record());
    expect(await provisioningHook(store, FLEETS, now)(claim(acmeV1))).toEqual({
      allowProvisioning: true,
      parameterOverrides: { ThingName: 'acme_SN-0001', ThingGroup: 'acme_press-gw-v1', DevicePolicy: 'acme-device-policy' },
    });
    expect((await store.history('acme', 'SN-0001')).identities).toEqual(['cert-1']);
  });

  test('anyone holding the claim certificate asking again for a provisioned serial is refused', async () => {
    const store = await bed.newStore();
    await addRecords(store, record());
    const hook = provisioningHook(store, FLEETS, now);
    expect((await hook(claim(acmeV1, 'cert-1'))).allowProvisioning).toBe(true);
    expect(await hook(claim(acmeV1, 'cert-2'))).toEqual({ allowProvisioning: false });
    expect((await store.history('acme', 'SN-0001')).identities).toEqual(['cert-1']);
  });

  test('two claims racing for one serial: exactly one identity is issued', async () => {
    const store = await bed.newStore();
    await addRecords(store, record());
    const hook = provisioningHook(store, FLEETS, now);
    const answers = await Promise.all(['cert-a', 'cert-b', 'cert-c'].map((c) => hook(claim(acmeV1, c))));
    expect(answers.filter((a) => a.allowProvisioning)).toHaveLength(1);
    expect((await store.history('acme', 'SN-0001')).identities).toHaveLength(1);
  });

  test('after an operator retired and reinstated it, the serial provisions exactly once more', async () => {
    const store = await bed.newStore();
    await addRecords(store, record());
    const hook = provisioningHook(store, FLEETS, now);
    await hook(claim(acmeV1, 'cert-1'));
    await store.addEvent('acme', 'SN-0001', 0, { kind: 'retired', at: '2026-05-01T00:00:00.000Z', by: OPERATOR, reason: 'board swapped' });
    expect((await hook(claim(acmeV1, 'cert-2'))).allowProvisioning).toBe(false);
    await store.addEvent('acme', 'SN-0001', 1, { kind: 'reinstated', at: '2026-05-02T00:00:00.000Z', by: OPERATOR, reason: 'repaired' });
    expect((await hook(claim(acmeV1, 'cert-2'))).allowProvisioning).toBe(true);
    expect((await hook(claim(acmeV1, 'cert-3'))).allowProvisioning).toBe(false);
  });

  test('a sensor is registered as a thing of its pilot and generation, named as the gateways\' client device auth admits it, with the sensor policy', async () => {
    const store = await bed.newStore();
    await addRecords(store, record({ serial: 'TH-0042', generation: 'press-sensor-v1' }));
    expect(await provisioningHook(store, FLEETS, now)(claim({ SerialNumber: 'TH-0042', Pilot: 'acme', Generation: 'press-sensor-v1' }))).toEqual({
      allowProvisioning: true,
      parameterOverrides: { ThingName: 'acme_sensor-TH-0042', ThingGroup: 'acme_press-sensor-v1', DevicePolicy: 'acme-sensor-policy' },
    });
  });

  test('a device of a generation with channels joins the first channel\'s group', async () => {
    const store = await bed.newStore();
    await addRecords(store, record({ generation: 'press-gw-v2' }), record({ generation: 'press-gw-v2', testId: 'rf-power', specVersion: '1.0', range: undefined, value: undefined }));
    const res = await provisioningHook(store, FLEETS, now)(claim({ ...acmeV1, Generation: 'press-gw-v2' }));
    expect(res.parameterOverrides?.ThingGroup).toBe('acme_press-gw-v2_stable');
  });

  test.each([
    ['no test record', [], acmeV1],
    ['a failing latest run', [record(), record({ testedAt: '2026-03-01T09:00:00Z', result: 'fail', value: 22 })], acmeV1],
    ['a pass under an outdated spec version', [record({ specVersion: '2.0' })], acmeV1],
    ['a required test never run', [record({ generation: 'press-gw-v2' })], { ...acmeV1, Generation: 'press-gw-v2' }],
    ['a claim for another pilot than tested', [record()], { ...acmeV1, Pilot: 'bravo', Generation: 'cold-logger-v1' }],
    ['a claim for another generation than tested', [record()], { ...acmeV1, Generation: 'press-gw-v2' }],
    ['an unknown generation', [record()], { ...acmeV1, Generation: 'press-gw-v9' }],
    ['a prototype-key pilot', [record()], { ...acmeV1, Pilot: 'constructor' }],
    ['a prototype-key generation', [record()], { ...acmeV1, Generation: 'constructor' }],
    ['a malformed serial', [record()], { ...acmeV1, SerialNumber: 'x' }],
    ['a serial that reads as a sensor name', [record({ serial: 'sensor-7' })], { ...acmeV1, SerialNumber: 'sensor-7' }],
  ])('refuses %s, and issues no identity', async (_what, records, parameters) => {
    const store = await bed.newStore();
    await addRecords(store, ...records);
    expect(await provisioningHook(store, FLEETS, now)(claim(parameters))).toEqual({ allowProvisioning: false });
    expect((await store.history(parameters.Pilot, parameters.SerialNumber)).identities).toEqual([]);
  });

  // Tenant boundary: each pilot's template runs as a role scoped to that pilot, so the hook must
  // not let one pilot's template create another pilot's devices, nor a device use another's template.
  test.each([
    ["an acme device asking bravo's template", acmeV1, 'demo_bravo'],
    ["a bravo device asking acme's template", { SerialNumber: 'SN-0001', Pilot: 'bravo', Generation: 'cold-logger-v1' }, 'demo_acme'],
    ["a template of this platform's naming that is no pilot's", acmeV1, 'demo_zulu'],
    ["another platform's template for the same pilot", acmeV1, 'other_acme'],
  ])('refuses %s, though its serial passed, and issues no identity', async (_what, parameters, template) => {
    const store = await bed.newStore();
    await addRecords(store, record(), record({ pilot: 'bravo', generation: 'cold-logger-v1' }));
    const hook = provisioningHook(store, FLEETS, now);
    expect(await hook(claim(parameters, 'cert-1', template))).toEqual({ allowProvisioning: false });
    expect((await store.history(parameters.Pilot, parameters.SerialNumber)).identities).toEqual([]);
    // The same device through its own pilot's template is admitted.
    expect((await hook(claim(parameters, 'cert-2'))).allowProvisioning).toBe(true);
  });

  test.each([
    ['no template ARN', undefined],
    ['a template ARN that is not one', 'arn:aws:iot:eu-central-1:111111111111:thing/demo_acme'],
    ['a template name with a trailing path', `${templateArn('demo_acme')}/x`],
  ])('refuses a request with %s', async (_what, arn) => {
    const store = await bed.newStore();
    await addRecords(store, record());
    expect(await provisioningHook(store, FLEETS, now)({ certificateId: 'cert-1', templateArn: arn, parameters: acmeV1 })).toEqual({ allowProvisioning: false });
    expect((await store.history('acme', 'SN-0001')).identities).toEqual([]);
  });

  test('a retirement in one pilot does not block the same serial in another', async () => {
    const store = await bed.newStore();
    await addRecords(store, record(), record({ pilot: 'bravo', generation: 'cold-logger-v1' }));
    await store.addEvent('acme', 'SN-0001', 0, { kind: 'retired', at: '2026-05-01T00:00:00.000Z', by: OPERATOR, reason: 'scrapped' });
    const hook = provisioningHook(store, FLEETS, now);
    expect((await hook(claim(acmeV1))).allowProvisioning).toBe(false);
    expect((await hook(claim({ ...acmeV1, Pilot: 'bravo', Generation: 'cold-logger-v1' }))).allowProvisioning).toBe(true);
  });

  test('identity slots sort after every run of the pilot', () => {
    expect(StoreKeys.identity('acme', 0) > 'acme#9999-12-31T23:59:59.999Z#z#z').toBe(true);
  });
});
