/**
 * The factory test record API behind two IAM-authenticated function URLs: `ingest` (POST one
 * record; never overwrites) and `query` (GET /records/<pilot>/<serial>). Two functions, so each
 * holds only the table permission it needs.
 */
import { deviceVerdict, normalisedInstant, parseRecord, runKey, Serial } from './factory-test-record';
import { FleetDirectory, fleetDirectoryFromEnv, fleetGeneration, fleetOf } from './fleet-directory';
import { decodePathSegment, HttpRequest, HttpResponse, json, jsonBody } from './http';
import { lazy } from './lazy-handler';
import { dynamoDbTestRecordStore, isRetired, TestRecordStore } from './test-record-store';

/** How far a station's clock may run ahead of the platform's before a record counts as dated in the future. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export function ingestRecords(store: TestRecordStore, fleets: FleetDirectory, now: () => Date = () => new Date()): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    if (request.requestContext.http.method !== 'POST') return json(405, { error: 'POST one factory test record as JSON' });
    const body = jsonBody(request);
    if (body === undefined) return json(400, { error: 'the body must be one factory test record as JSON' });
    const parsed = parseRecord(body);
    if ('problems' in parsed) return json(400, { error: 'malformed factory test record', problems: parsed.problems });
    const { record } = parsed;
    const fleet = fleetGeneration(fleets, record.pilot, record.generation);
    if ('problem' in fleet) return json(400, { error: 'malformed factory test record', problems: [`pilot/generation: ${fleet.problem}`] });
    const received = now();
    if (Date.parse(record.testedAt) > received.getTime() + CLOCK_SKEW_MS) {
      const problem = `testedAt: ${record.testedAt} is in the future (platform time ${received.toISOString()}, ${CLOCK_SKEW_MS / 60000} min skew allowed)`;
      return json(400, { error: 'malformed factory test record', problems: [problem] });
    }
    if (!(await store.add(record, received.toISOString()))) {
      return json(409, {
        error: 'this run is already recorded; records are never overwritten (a retest is a new run)',
        pilot: record.pilot,
        serial: record.serial,
        run: runKey(record),
      });
    }
    return json(201, { pilot: record.pilot, serial: record.serial, run: runKey(record), testedAt: normalisedInstant(record.testedAt) });
  };
}

export function queryRecords(store: TestRecordStore, fleets: FleetDirectory): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    const match = /^\/records\/([^/]+)\/([^/]+)$/.exec(request.rawPath);
    if (request.requestContext.http.method !== 'GET' || !match) return json(404, { error: 'GET /records/<pilot>/<serial>' });
    const [pilot, serial] = [decodePathSegment(match[1]), decodePathSegment(match[2])];
    if (pilot === undefined || serial === undefined) return json(400, { error: 'the path has a malformed percent-escape' });
    const fleet = fleetOf(fleets, pilot);
    if (!fleet) return json(400, { error: `pilot must be one of ${Object.keys(fleets).join(', ')}` });
    if (!Serial.safeParse(serial).success) return json(400, { error: `serial "${serial}" must be 3-64 letters, digits, _ or -` });
    const history = await store.history(pilot, serial);
    const verdicts = Object.fromEntries(
      Object.entries(fleet.generations).map(([name, g]) => [name, deviceVerdict(history.records, name, g.requiredTests)]),
    );
    return json(200, { pilot, serial, retired: isRetired(history), verdicts, events: history.events, identitiesIssued: history.identities, records: history.records });
  };
}

const store = () => dynamoDbTestRecordStore(process.env.TABLE_NAME ?? '');
export const ingest = lazy(() => ingestRecords(store(), fleetDirectoryFromEnv(process.env)));
export const query = lazy(() => queryRecords(store(), fleetDirectoryFromEnv(process.env)));
