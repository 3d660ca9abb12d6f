/**
 * A factory test record: the result of one hardware test run of one device, as test stations post
 * it. Records are append-only (a retest adds a record; nothing is overwritten), so the history
 * survives a later pass or the device being scrapped. Runtime code: no CDK imports.
 */
import { z } from 'zod';
import { FleetGeneration } from './fleet-directory';

/** Measured values round-trip through JSON and DynamoDB exactly only within the safe integer range. */
const Measurement = z
  .number()
  .refine((x) => Math.abs(x) <= Number.MAX_SAFE_INTEGER, { error: `must be a finite number within ±${Number.MAX_SAFE_INTEGER}` });

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
    value: Measurement.optional(),
    unit: z.string().max(16).optional(),
    range: z.strictObject({ min: Measurement, max: Measurement }).optional(),
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

/** A record as stored: with the time the platform received it (the verdict orders runs by it). */
export interface StoredRecord extends FactoryTestRecord {
  readonly recordedAt: string;
}

/** `+01:00` and `.000Z` spellings of one instant are one instant: the UTC form with milliseconds. */
export function normalisedInstant(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

/**
 * The record's identity within its device (pilot + serial): a rerun of the same test at another
 * instant is another record. Runs sort by pilot first, so one pilot's runs are one key range.
 */
export function runKey(r: Pick<FactoryTestRecord, 'pilot' | 'testedAt' | 'testId' | 'station'>): string {
  return `${r.pilot}#${normalisedInstant(r.testedAt)}#${r.testId}#${r.station}`;
}

/** Parses a posted body into a record, or says what is wrong with each field. */
export function parseRecord(body: unknown): { record: FactoryTestRecord } | { problems: string[] } {
  const parsed = FactoryTestRecordSchema.safeParse(body);
  if (parsed.success) return { record: parsed.data };
  return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`) };
}

/** Whether a device may be provisioned, and why not. */
export type Verdict = { readonly passed: true } | { readonly passed: false; readonly reason: string };

/**
 * A device passes for a generation when, for every test the generation requires, the run recorded
 * last (by the platform's receiving time) passed under the test's current spec version. Runs of
 * other generations do not count: a device tested as one revision never provisions as another.
 */
export function deviceVerdict(records: readonly StoredRecord[], generation: string, required: FleetGeneration['requiredTests']): Verdict {
  const latest = new Map<string, StoredRecord>();
  const byRecording = [...records].filter((r) => r.generation === generation).sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  for (const r of byRecording) latest.set(r.testId, r);
  const problems: string[] = [];
  for (const [testId, specVersion] of Object.entries(required).sort(([a], [b]) => a.localeCompare(b))) {
    const run = latest.get(testId);
    if (!run) problems.push(`${testId}: no run for generation ${generation}`);
    else if (run.result !== 'pass') problems.push(`${testId}: latest run failed`);
    else if (run.specVersion !== specVersion) problems.push(`${testId}: latest run was against spec ${run.specVersion}, the current spec is ${specVersion}`);
  }
  if (Object.keys(required).length === 0) problems.push(`generation ${generation} lists no required factory tests`);
  return problems.length === 0 ? { passed: true } : { passed: false, reason: problems.join('; ') };
}
