/** Lambda entry of the dashboard's status board (CloudWatch custom widget): reads the build records, answers HTML. */
import { DynamoDBClient, QueryCommand, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { BoardComponent, BoardRecord, renderBoard } from './build-status-board';
import { bundledJson } from './bundled-file';
import { lazy } from './lazy-handler';

export interface BoardEnvironment {
  readonly TABLE_NAME?: string;
  /** JSON file (in the bundle): BoardComponent[]. */
  readonly COMPONENTS_FILE?: string;
}

/** Newest records read per component for the commit rows; release branches are read apart. */
const LATEST_RECORDS = 200;
/** Pages (up to 1 MB each) read per component for its release branches. */
const RELEASE_PAGES = 5;

type Item = Record<string, { S?: string; N?: string }>;
const toRecord = (item: Item): BoardRecord => ({
  commit: item.commit.S!,
  ref: item.ref.S!,
  refType: item.refType.S as BoardRecord['refType'],
  architecture: item.architecture.S as BoardRecord['architecture'],
  result: item.result.S as BoardRecord['result'],
  buildNumber: Number(item.buildNumber.N),
  durationSeconds: Number(item.durationSeconds.N),
  finishedAt: item.finishedAt.S!,
});

export function boardHandler(env: BoardEnvironment) {
  const dynamodb = new DynamoDBClient({});
  const components = bundledJson<BoardComponent[]>('COMPONENTS_FILE', env.COMPONENTS_FILE);
  const query = async (input: QueryCommandInput, pages: number): Promise<Item[]> => {
    const items: Item[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    for (let page = 0; page < pages; page++) {
      const out = await dynamodb.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
      if (!start || (input.Limit && items.length >= input.Limit)) break;
    }
    return items;
  };
  return async (event: { describe?: boolean }): Promise<string> => {
    if (event?.describe) return 'Per-commit build status per architecture, and the release branches, from the CI build records.';
    const recordsOf = new Map<string, BoardRecord[]>();
    for (const c of components) {
      const key = { TableName: env.TABLE_NAME, KeyConditionExpression: 'component = :c', ScanIndexForward: false };
      const [latest, releases] = await Promise.all([
        query({ ...key, ExpressionAttributeValues: { ':c': { S: c.key } }, Limit: LATEST_RECORDS }, 1),
        query(
          {
            ...key,
            FilterExpression: 'refType = :branch AND begins_with(#ref, :v)',
            ExpressionAttributeNames: { '#ref': 'ref' },
            ExpressionAttributeValues: { ':c': { S: c.key }, ':branch': { S: 'branch' }, ':v': { S: 'v' } },
          },
          RELEASE_PAGES,
        ),
      ]);
      const unique = new Map([...latest, ...releases].map((item) => [item.build.S!, toRecord(item)]));
      recordsOf.set(c.key, [...unique.values()]);
    }
    return renderBoard(components, recordsOf);
  };
}

export const handler = lazy(() => boardHandler(process.env as BoardEnvironment));
