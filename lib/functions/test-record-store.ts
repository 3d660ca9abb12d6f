/**
 * Where factory test records and device lifecycle events live: a DynamoDB table keyed by serial
 * (partition) and run (sort). Every sort key starts with the pilot (`acme#...`), so a device's
 * identity is pilot + serial: the same serial in two pilots shares no item and no query. Items are
 * only ever added (conditional puts): records, and the lifecycle events that say whether a device
 * may get an identity (provisioned, retired, reinstated), each with who and why.
 * Handlers take the TestRecordStore interface, so unit tests can pass an in-memory fake.
 */
import { FactoryTestRecord, runKey, StoredRecord } from './factory-test-record';

export type LifecycleKind = 'retired' | 'reinstated';

export interface LifecycleEvent {
  readonly kind: LifecycleKind;
  readonly at: string;
  /** The signed-in operator (IAM ARN). */
  readonly by: string;
  readonly reason: string;
}

export interface DeviceHistory {
  /** Every record of the device, in no particular order. */
  readonly records: readonly StoredRecord[];
  /** Retirements and reinstatements, oldest first. */
  readonly events: readonly LifecycleEvent[];
  /** Certificate ids of the identities issued so far, oldest first (each provisioning takes the next slot). */
  readonly identities: readonly string[];
}

/** Whether the device is retired now: its latest lifecycle event is a retirement. */
export function isRetired(history: DeviceHistory): boolean {
  return history.events.at(-1)?.kind === 'retired';
}

/** Identities a device may hold over its life: one, plus one per reinstatement. */
export function identitySlots(history: DeviceHistory): number {
  return 1 + history.events.filter((e) => e.kind === 'reinstated').length;
}

export interface TestRecordStore {
  /** Adds a record; false when that run (normalised instant, test, station) is already recorded. */
  add(record: FactoryTestRecord, recordedAt: string): Promise<boolean>;
  /** Every record and lifecycle event of one pilot's device. */
  history(pilot: string, serial: string): Promise<DeviceHistory>;
  /**
   * Takes identity slot `slot` (0-based) for a provisioning; false when it is already taken, so
   * two claims for one serial can never both succeed.
   */
  claimIdentity(pilot: string, serial: string, slot: number, at: string, certificateId: string): Promise<boolean>;
  /**
   * Appends the device's lifecycle event number `sequence` (0-based, = events so far); false when
   * that number is taken (another operator acted meanwhile), so events never interleave.
   */
  addEvent(pilot: string, serial: string, sequence: number, event: LifecycleEvent): Promise<boolean>;
}

/** Sort keys: `<pilot>#<instant>#<test>#<station>` for runs; `~` sorts after every run. */
export const StoreKeys = {
  identity: (pilot: string, slot: number) => `${pilot}#~identity#${String(slot).padStart(4, '0')}`,
  event: (pilot: string, sequence: number) => `${pilot}#~event#${String(sequence).padStart(4, '0')}`,
};

/** The slice of @aws-sdk/lib-dynamodb used here; the Lambda runtime provides the SDK. */
interface DocumentClient {
  send(command: unknown): Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>;
}
interface DocumentSdk {
  DynamoDBDocumentClient: { from(client: unknown): DocumentClient };
  PutCommand: new (input: object) => unknown;
  QueryCommand: new (input: object) => unknown;
}

/** The store on the real table, with the AWS SDK the Lambda runtime ships (`client` for tests: an endpoint). */
export function dynamoDbTestRecordStore(tableName: string, clientConfig: object = {}): TestRecordStore {
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as { DynamoDBClient: new (config: object) => unknown };
  const sdk = require('@aws-sdk/lib-dynamodb') as DocumentSdk;
  const client = sdk.DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  const putOnce = async (item: Record<string, unknown>): Promise<boolean> => {
    try {
      await client.send(new sdk.PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(serial)' }));
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  };
  return {
    add: (record, recordedAt) => putOnce({ ...record, recordedAt, run: runKey(record) }),
    async history(pilot, serial) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new sdk.QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'serial = :s AND begins_with(run, :p)',
            ExpressionAttributeValues: { ':s': serial, ':p': `${pilot}#` },
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      const run = (i: Record<string, unknown>) => String(i.run).slice(pilot.length + 1);
      const records = items.filter((i) => !run(i).startsWith('~')).map(({ run: _run, ...record }) => record as unknown as StoredRecord);
      const events = items
        .filter((i) => run(i).startsWith('~event#'))
        .sort((a, b) => String(a.run).localeCompare(String(b.run)))
        .map((i) => ({ kind: i.kind, at: i.at, by: i.by, reason: i.reason }) as LifecycleEvent);
      const identities = items.filter((i) => run(i).startsWith('~identity#')).map((i) => String(i.certificateId));
      return { records, events, identities };
    },
    claimIdentity: (pilot, serial, slot, at, certificateId) => putOnce({ serial, run: StoreKeys.identity(pilot, slot), pilot, provisionedAt: at, certificateId }),
    addEvent: (pilot, serial, sequence, event) => putOnce({ serial, run: StoreKeys.event(pilot, sequence), pilot, ...event }),
  };
}
