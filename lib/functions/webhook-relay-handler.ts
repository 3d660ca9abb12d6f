/**
 * Lambda entry of the webhook relay: wires the relay to Secrets Manager (the shared secret),
 * DynamoDB (delivery ids seen, expiring after the replay window) and the internal Jenkins.
 */
import { request } from 'https';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { bundledJson } from './bundled-file';
import { cacheSuccess } from './cached-read';
import { lazy } from './lazy-handler';
import { createRelay, RelayDependencies } from './webhook-relay';

/** The function's environment, as the WebhookRelay construct sets it. */
export interface RelayEnvironment {
  /** JSON file (in the bundle) with the repository URLs of the components. */
  readonly REPOSITORIES_FILE?: string;
  readonly WEBHOOK_SECRET_ARN?: string;
  readonly DELIVERY_TABLE?: string;
  /** Seconds a delivery id is remembered. */
  readonly REPLAY_WINDOW_SECONDS?: string;
  readonly JENKINS_HOSTNAME?: string;
  readonly JENKINS_LOAD_BALANCER?: string;
  /** The load balancer port only the relay may reach. */
  readonly JENKINS_PORT?: string;
}

function required(env: RelayEnvironment, name: keyof RelayEnvironment): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** GET notifyCommit on the relay's own load balancer listener, TLS-verified against the Jenkins host name. */
function notifyJenkins(env: RelayEnvironment, repositoryUrl: string): Promise<void> {
  const hostname = required(env, 'JENKINS_HOSTNAME');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: required(env, 'JENKINS_LOAD_BALANCER'),
        port: Number(required(env, 'JENKINS_PORT')),
        servername: hostname,
        headers: { host: hostname },
        path: `/git/notifyCommit?url=${encodeURIComponent(repositoryUrl)}`,
        method: 'GET',
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`Jenkins answered ${res.statusCode}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('Jenkins did not answer in 5 s')));
    req.on('error', reject);
    req.end();
  });
}

/** The relay's dependencies on AWS and Jenkins, from the function's environment. */
export function awsRelayDependencies(env: RelayEnvironment): RelayDependencies {
  const secrets = new SecretsManagerClient({});
  const dynamodb = new DynamoDBClient({});
  const table = required(env, 'DELIVERY_TABLE');
  const window = Number(required(env, 'REPLAY_WINDOW_SECONDS'));
  return {
    repositories: bundledJson<string[]>('REPOSITORIES_FILE', env.REPOSITORIES_FILE),
    secret: cacheSuccess(async () => {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: required(env, 'WEBHOOK_SECRET_ARN') }));
      if (!SecretString) throw new Error('the webhook secret has no string value');
      return SecretString;
    }),
    claimDelivery: async (delivery) => {
      const now = Math.floor(Date.now() / 1000);
      try {
        await dynamodb.send(
          new PutItemCommand({
            TableName: table,
            Item: { delivery: { S: delivery }, expiresAt: { N: String(now + window) } },
            // TTL deletes expired items only eventually: an expired one counts as absent.
            ConditionExpression: 'attribute_not_exists(delivery) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': { N: String(now) } },
          }),
        );
        return true;
      } catch (e) {
        if ((e as Error).name === 'ConditionalCheckFailedException') return false;
        throw e;
      }
    },
    releaseDelivery: async (delivery) => {
      await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { delivery: { S: delivery } } }));
    },
    notifyJenkins: (url) => notifyJenkins(env, url),
  };
}

export const handler = lazy(() => createRelay(awsRelayDependencies(process.env as RelayEnvironment)));
