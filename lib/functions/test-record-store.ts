/**
 * Where factory test records live: a DynamoDB table keyed by serial (partition) and run (sort).
 * Handlers take the TestRecordStore interface, so unit tests pass an in-memory fake.
 */
import { FactoryTestRecord, runKey } from './factory-test-record';

/** Sort key of the marker item a retirement writes beside the device's records. */
export const RETIRED_RUN = 'RETIRED';

export interface DeviceHistory {
  readonly records: readonly FactoryTestRecord[];
  /** When the device was retired; it never provisions again. */
  readonly retiredAt?: string;
}

export interface TestRecordStore {
  /** Adds a record; false when a record with the same serial and run already exists (nothing is overwritten). */
  add(record: FactoryTestRecord): Promise<boolean>;
  /** Every record of a serial, oldest run first, and its retirement if any. */
  history(serial: string): Promise<DeviceHistory>;
  /** Marks a serial retired (once; later calls keep the first time). */
  markRetired(serial: string, at: string, by: string): Promise<void>;
}

/** The slice of @aws-sdk/lib-dynamodb used here; the Lambda runtime provides the SDK. */
interface DocumentClient {
  send(command: unknown): Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>;
}
interface DocumentSdk {
  DynamoDBDocumentClient: { from(client: unknown): DocumentClient };
  PutCommand: new (input: object) => unknown;
  QueryCommand: new (input: object) => unknown;
}

/** The store on the real table, with the AWS SDK the Lambda runtime ships. */
export function dynamoDbTestRecordStore(tableName: string): TestRecordStore {
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as { DynamoDBClient: new () => unknown };
  const sdk = require('@aws-sdk/lib-dynamodb') as DocumentSdk;
  const client = sdk.DynamoDBDocumentClient.from(new DynamoDBClient());
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
    add: (record) => putOnce({ ...record, run: runKey(record) }),
    async history(serial) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new sdk.QueryCommand({ TableName: tableName, KeyConditionExpression: 'serial = :s', ExpressionAttributeValues: { ':s': serial }, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      const retired = items.find((i) => i.run === RETIRED_RUN);
      const records = items.filter((i) => i !== retired).map(({ run: _run, ...record }) => record as FactoryTestRecord);
      return { records, retiredAt: retired?.retiredAt as string | undefined };
    },
    async markRetired(serial, at, by) {
      await putOnce({ serial, run: RETIRED_RUN, retiredAt: at, retiredBy: by });
    },
  };
}
