/**
 * The relay's Lambda wiring against a local moto_server: the shared secret in Secrets Manager, the
 * delivery ids in DynamoDB, several function instances (each with its own clients and caches), and
 * Jenkins replaced by a recorder that can fail.
 */
import { createHmac } from 'crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsRelayDependencies, RelayEnvironment } from '../../lib/functions/webhook-relay-handler';
import { createRelay } from '../../lib/functions/webhook-relay';
import { bundleFile } from './bundle-file';
import { useMotoServer } from './moto';

useMotoServer();

const SECRET = 'relay-secret-from-secrets-manager';
const REPO = 'git@github.com:acme-industries/line-monitor.git';
const WINDOW = 3 * 24 * 3600;
let table = 0;

/** A table and an environment of their own per test; the secret is created only when asked. */
async function environment(secretName: string): Promise<RelayEnvironment> {
  const name = `deliveries-${++table}`;
  await new DynamoDBClient({}).send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'delivery', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'delivery', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    REPOSITORIES_FILE: bundleFile('repositories.json', [REPO]),
    WEBHOOK_SECRET_ARN: secretName,
    DELIVERY_TABLE: name,
    REPLAY_WINDOW_SECONDS: String(WINDOW),
    JENKINS_HOSTNAME: 'ci.example.com',
    JENKINS_LOAD_BALANCER: 'internal-jenkins.example.com',
    JENKINS_PORT: '8443',
  };
}
const createSecret = (name: string) => new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: name, SecretString: SECRET }));

/** One function instance: the real AWS adapters, Jenkins recorded (failing `jenkinsFails` times first). */
function instance(env: RelayEnvironment, jenkinsFails = 0) {
  const notified: string[] = [];
  let failures = jenkinsFails;
  const relay = createRelay({
    ...awsRelayDependencies(env),
    notifyJenkins: async (url) => {
      if (failures-- > 0) throw new Error('Jenkins did not answer in 5 s');
      notified.push(url);
    },
  });
  return { relay, notified };
}

const body = JSON.stringify({ ref: 'refs/heads/main', repository: { ssh_url: REPO } });
function push(delivery: string, signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`): APIGatewayProxyEventV2 {
  return {
    requestContext: { http: { method: 'POST', path: '/webhook' } },
    headers: { 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}
const stored = async (env: RelayEnvironment, delivery: string) =>
  (await new DynamoDBClient({}).send(new GetItemCommand({ TableName: env.DELIVERY_TABLE, Key: { delivery: { S: `github:${delivery}:push` } }, ConsistentRead: true }))).Item;

describe('webhook relay on Secrets Manager and DynamoDB (moto)', () => {
  test('a good push is notified once and its delivery id is stored with an expiry one window ahead', async () => {
    const env = await environment('relay/good');
    await createSecret('relay/good');
    const { relay, notified } = instance(env);
    const before = Math.floor(Date.now() / 1000);
    expect((await relay(push('0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a01'))).statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
    const item = await stored(env, '0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a01');
    expect(Number(item?.expiresAt.N)).toBeGreaterThanOrEqual(before + WINDOW);
    expect(Number(item?.expiresAt.N)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + WINDOW);
  });

  test('a replay reaching another function instance is refused there too', async () => {
    const env = await environment('relay/replay');
    await createSecret('relay/replay');
    const first = instance(env);
    const second = instance(env);
    const id = '0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a02';
    expect((await first.relay(push(id))).statusCode).toBe(202);
    expect((await second.relay(push(id))).statusCode).toBe(409);
    expect(second.notified).toEqual([]);
  });

  test('a delivery id whose window has passed counts as new (TTL deletes only eventually)', async () => {
    const env = await environment('relay/expired');
    await createSecret('relay/expired');
    const id = '0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a03';
    const past = String(Math.floor(Date.now() / 1000) - 60);
    await new DynamoDBClient({}).send(new PutItemCommand({ TableName: env.DELIVERY_TABLE, Item: { delivery: { S: `github:${id}:push` }, expiresAt: { N: past } } }));
    const { relay, notified } = instance(env);
    expect((await relay(push(id))).statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
  });

  test('a failed secret read is not cached: the same instance succeeds once the secret exists', async () => {
    const env = await environment('relay/late');
    const { relay, notified } = instance(env);
    expect((await relay(push('0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a04'))).statusCode).toBe(503);
    await createSecret('relay/late');
    expect((await relay(push('0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a04'))).statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
  });

  test('a forged signature stores nothing, so it cannot use up a genuine delivery id', async () => {
    const env = await environment('relay/forged');
    await createSecret('relay/forged');
    const { relay, notified } = instance(env);
    const id = '0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a05';
    expect((await relay(push(id, `sha256=${createHmac('sha256', 'guess').update(body).digest('hex')}`))).statusCode).toBe(401);
    expect(await stored(env, id)).toBeUndefined();
    expect((await relay(push(id))).statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
  });

  test('Jenkins failing midway: the claim is deleted, so the Git host redelivery goes through', async () => {
    const env = await environment('relay/midway');
    await createSecret('relay/midway');
    const { relay, notified } = instance(env, 1);
    const id = '0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a06';
    expect((await relay(push(id))).statusCode).toBe(502);
    expect(await stored(env, id)).toBeUndefined();
    expect((await relay(push(id))).statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
  });

  test('a missing table refuses with 503 and notifies nothing', async () => {
    const env = { ...(await environment('relay/no-table')), DELIVERY_TABLE: 'no-such-table' };
    await createSecret('relay/no-table');
    const { relay, notified } = instance(env);
    expect((await relay(push('0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a07'))).statusCode).toBe(503);
    expect(notified).toEqual([]);
  });
});
