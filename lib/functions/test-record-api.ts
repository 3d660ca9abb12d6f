/**
 * The factory test record API behind two IAM-authenticated function URLs: `ingest` (POST one
 * record; never overwrites) and `query` (GET /records/<serial>). Two functions, so each holds only
 * the table permission it needs.
 */
import { deviceVerdict, parseRecord, runKey, Serial } from './factory-test-record';
import { FleetDirectory, fleetDirectoryFromEnv, unknownFleet } from './fleet-directory';
import { decodePathSegment, HttpRequest, HttpResponse, json, jsonBody } from './http';
import { lazy } from './lazy-handler';
import { dynamoDbTestRecordStore, TestRecordStore } from './test-record-store';

export function ingestRecords(store: TestRecordStore, fleets: FleetDirectory): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    if (request.requestContext.http.method !== 'POST') return json(405, { error: 'POST one factory test record as JSON' });
    const body = jsonBody(request);
    if (body === undefined) return json(400, { error: 'the body must be one factory test record as JSON' });
    const parsed = parseRecord(body);
    if ('problems' in parsed) return json(400, { error: 'malformed factory test record', problems: parsed.problems });
    const { record } = parsed;
    const notAFleet = unknownFleet(fleets, record.pilot, record.generation);
    if (notAFleet) return json(400, { error: 'malformed factory test record', problems: [`pilot/generation: ${notAFleet}`] });
    if (!(await store.add(record))) {
      return json(409, { error: 'this run is already recorded; records are never overwritten (a retest is a new run)', serial: record.serial, run: runKey(record) });
    }
    return json(201, { serial: record.serial, run: runKey(record) });
  };
}

export function queryRecords(store: TestRecordStore): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    const match = /^\/records\/([^/]+)$/.exec(request.rawPath);
    if (request.requestContext.http.method !== 'GET' || !match) return json(404, { error: 'GET /records/<serial>' });
    const serial = decodePathSegment(match[1]);
    if (serial === undefined) return json(400, { error: 'the serial in the path has malformed percent-escapes' });
    if (!Serial.safeParse(serial).success) return json(400, { error: `serial "${serial}" must be 3-64 letters, digits, _ or -` });
    const { records, retiredAt } = await store.history(serial);
    return json(200, { serial, verdict: deviceVerdict(records), retiredAt, records });
  };
}

const store = () => dynamoDbTestRecordStore(process.env.TABLE_NAME ?? '');
export const ingest = lazy(() => ingestRecords(store(), fleetDirectoryFromEnv(process.env)));
export const query = lazy(() => queryRecords(store()));
