import { provisioningHook } from '../../lib/functions/provisioning-hook';
import { FLEETS, MemoryStore, record } from './fakes';

const claim = (parameters: Record<string, string>) => ({ certificateId: 'abc', parameters });
const acmeV1 = { SerialNumber: 'SN-0001', Pilot: 'acme', Generation: 'press-gw-v1' };

describe('pre-provisioning hook', () => {
  // Decisions are logged for audit; keep them out of the test output.
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('a serial with a passing record is provisioned; the hook names the thing and picks its group', async () => {
    const store = new MemoryStore();
    await store.add(record());
    expect(await provisioningHook(store, FLEETS)(claim(acmeV1))).toEqual({
      allowProvisioning: true,
      parameterOverrides: { ThingName: 'acme_SN-0001', ThingGroup: 'acme_press-gw-v1' },
    });
  });

  test('a device of a generation with channels joins the first channel\'s group', async () => {
    const store = new MemoryStore();
    await store.add(record({ generation: 'press-gw-v2' }));
    const res = await provisioningHook(store, FLEETS)(claim({ ...acmeV1, Generation: 'press-gw-v2' }));
    expect(res.parameterOverrides?.ThingGroup).toBe('acme_press-gw-v2_stable');
  });

  test.each([
    ['no test record', [], acmeV1],
    ['a failing latest run', [record({ result: 'fail', value: 22 })], acmeV1],
    ['a claim for another pilot than tested', [record()], { ...acmeV1, Pilot: 'bravo', Generation: 'cold-logger-v1' }],
    ['a claim for another generation than tested', [record()], { ...acmeV1, Generation: 'press-gw-v2' }],
    ['an unknown generation', [record()], { ...acmeV1, Generation: 'press-gw-v9' }],
    ['a malformed serial', [record()], { ...acmeV1, SerialNumber: 'x' }],
  ])('refuses %s', async (_what, records, parameters) => {
    const store = new MemoryStore();
    for (const r of records) await store.add(r);
    expect(await provisioningHook(store, FLEETS)(claim(parameters))).toEqual({ allowProvisioning: false });
  });

  test('refuses a retired serial even with passing records', async () => {
    const store = new MemoryStore();
    await store.add(record());
    await store.markRetired('SN-0001', '2026-04-01T00:00:00Z', 'ops');
    expect(await provisioningHook(store, FLEETS)(claim(acmeV1))).toEqual({ allowProvisioning: false });
  });
});
