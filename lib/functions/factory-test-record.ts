/**
 * A factory test record: the result of one hardware test run of one device, as test stations post
 * it. Records are append-only (a retest adds a record; nothing is overwritten), so the history
 * survives a later pass or the device being scrapped. Runtime code: no CDK imports.
 */
import { z } from 'zod';
import { DynamoDbNumber } from './dynamodb-number';

/** Device serials double as IoT thing-name suffixes, so they use the thing-name alphabet. */
export const SERIAL_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
export const Serial = z.string().regex(SERIAL_PATTERN, { error: 'must be 3-64 letters, digits, _ or -' });

export const FactoryTestRecordSchema = z
  .strictObject({
    serial: Serial,
    /** Pilot the device is built for and its hardware revision: provisioning must match both. */
    pilot: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/, { error: 'must be a pilot name' }),
    generation: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/, { error: 'must be a device generation name' }),
    /** Which test, and which version of its specification it was run against. */
    testId: z.string().regex(/^[\w.-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ . or -' }),
    specVersion: z.string().regex(/^[\w.-]{1,32}$/, { error: 'must be 1-32 letters, digits, _ . or -' }),
    result: z.enum(['pass', 'fail'], { error: 'must be "pass" or "fail"' }),
    /** Measured value of a ranged test, with the range it had to fall in. */
    value: DynamoDbNumber.optional(),
    unit: z.string().max(16).optional(),
    range: z.strictObject({ min: DynamoDbNumber, max: DynamoDbNumber }).optional(),
    station: z.string().regex(/^[\w.-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ . or -' }),
    /** When the test ran, ISO 8601 with zone. */
    testedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with zone, e.g. 2026-03-01T08:15:00Z' }),
  })
  .superRefine((r, ctx) => {
    if (!r.range) return;
    if (r.range.min > r.range.max) ctx.addIssue({ code: 'custom', path: ['range'], message: 'min must not exceed max' });
    if (r.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a ranged test keeps its measured value' });
    } else if ((r.value >= r.range.min && r.value <= r.range.max) !== (r.result === 'pass')) {
      ctx.addIssue({ code: 'custom', path: ['result'], message: `"${r.result}" contradicts value ${r.value} against range [${r.range.min}, ${r.range.max}]` });
    }
  });

export type FactoryTestRecord = z.infer<typeof FactoryTestRecordSchema>;

/** The record's identity within its device: a rerun of the same test at another time is another record. */
export function runKey(r: Pick<FactoryTestRecord, 'testedAt' | 'testId' | 'station'>): string {
  return `${r.testedAt}#${r.testId}#${r.station}`;
}

/** Parses a posted body into a record, or says what is wrong with each field. */
export function parseRecord(body: unknown): { record: FactoryTestRecord } | { problems: string[] } {
  const parsed = FactoryTestRecordSchema.safeParse(body);
  if (parsed.success) return { record: parsed.data };
  return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`) };
}

/** Whether a device may be provisioned, and why not. */
export type Verdict = { readonly passed: true; readonly pilot: string; readonly generation: string } | { readonly passed: false; readonly reason: string };

/**
 * A device passes when it has records and the latest run of every test it took passed. The latest
 * record names the pilot and generation it was built for.
 */
export function deviceVerdict(records: readonly FactoryTestRecord[]): Verdict {
  if (records.length === 0) return { passed: false, reason: 'no factory test record' };
  const latest = new Map<string, FactoryTestRecord>();
  for (const r of [...records].sort((a, b) => Date.parse(a.testedAt) - Date.parse(b.testedAt))) latest.set(r.testId, r);
  const failed = [...latest.values()].filter((r) => r.result !== 'pass').map((r) => r.testId);
  if (failed.length > 0) return { passed: false, reason: `latest run failed: ${failed.sort().join(', ')}` };
  const newest = [...latest.values()].reduce((a, b) => (Date.parse(a.testedAt) >= Date.parse(b.testedAt) ? a : b));
  return { passed: true, pilot: newest.pilot, generation: newest.generation };
}
