/** In-memory stand-ins for the DynamoDB table and the IoT registry, with the same semantics. */
import { FactoryTestRecord, runKey } from '../../lib/functions/factory-test-record';
import { DeviceRegistry } from '../../lib/functions/device-registry';
import { FleetDirectory } from '../../lib/functions/fleet-directory';
import { HttpRequest } from '../../lib/functions/http';
import { DeviceHistory, TestRecordStore } from '../../lib/functions/test-record-store';

export class MemoryStore implements TestRecordStore {
  public readonly items = new Map<string, FactoryTestRecord>();
  public readonly retired = new Map<string, { at: string; by: string }>();
  public async add(record: FactoryTestRecord): Promise<boolean> {
    const key = `${record.serial}|${runKey(record)}`;
    if (this.items.has(key)) return false;
    this.items.set(key, record);
    return true;
  }
  public async history(serial: string): Promise<DeviceHistory> {
    const records = [...this.items.values()].filter((r) => r.serial === serial).sort((a, b) => runKey(a).localeCompare(runKey(b)));
    return { records, retiredAt: this.retired.get(serial)?.at };
  }
  public async markRetired(serial: string, at: string, by: string): Promise<void> {
    if (!this.retired.has(serial)) this.retired.set(serial, { at, by });
  }
}

export const FLEETS: FleetDirectory = {
  acme: { 'press-gw-v1': 'acme_press-gw-v1', 'press-gw-v2': 'acme_press-gw-v2_stable' },
  bravo: { 'cold-logger-v1': 'bravo_cold-logger-v1' },
};

export function record(overrides: Partial<FactoryTestRecord> = {}): FactoryTestRecord {
  return {
    serial: 'SN-0001',
    pilot: 'acme',
    generation: 'press-gw-v1',
    testId: 'supply-voltage',
    specVersion: '2.1',
    result: 'pass',
    value: 24.1,
    unit: 'V',
    range: { min: 23.5, max: 24.5 },
    station: 'eol-3',
    testedAt: '2026-03-01T08:15:00Z',
    ...overrides,
  };
}

export function request(method: string, rawPath: string, body?: unknown): HttpRequest {
  return {
    rawPath,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { http: { method }, authorizer: { iam: { userArn: 'arn:aws:sts::111111111111:assumed-role/operators/alice' } } },
  };
}

/** Records every call; `things` maps thing name to its certificates and groups. */
export class FakeRegistry implements DeviceRegistry {
  public readonly calls: string[] = [];
  constructor(private readonly things: Map<string, { certificates: string[]; groups: string[] }>) {}
  public async certificatesOf(thing: string) {
    return [...(this.things.get(thing)?.certificates ?? [])];
  }
  public async releaseCertificate(thing: string, certificate: string) {
    this.calls.push(`release ${certificate} from ${thing}`);
    const t = this.things.get(thing);
    if (t) t.certificates = t.certificates.filter((c) => c !== certificate);
  }
  public async groupsOf(thing: string) {
    return [...(this.things.get(thing)?.groups ?? [])];
  }
  public async removeFromGroup(thing: string, group: string) {
    this.calls.push(`remove ${thing} from ${group}`);
  }
  public async deleteCoreDevice(thing: string) {
    this.calls.push(`delete core device ${thing}`);
  }
  public async deleteThing(thing: string) {
    this.calls.push(`delete thing ${thing}`);
    this.things.delete(thing);
  }
}
