/** Lambda entry of the build statistics ingest: DynamoDB conditional put, metrics through stdout (EMF). */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createIngest } from './build-stats';

const dynamodb = new DynamoDBClient({});
const table = process.env.TABLE_NAME ?? '';

export const handler = createIngest({
  putIfAbsent: async (item) => {
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }])),
          ConditionExpression: 'attribute_not_exists(component)',
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  },
  log: (line) => console.log(line),
});
