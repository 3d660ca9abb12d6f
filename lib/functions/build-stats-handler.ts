/**
 * Lambda entry of the build statistics ingest: DynamoDB conditional put, metrics through stdout
 * (EMF), commit statuses to the Git hosts with tokens read from Secrets Manager.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { repositoryParts } from '../git-repository';
import { BuildStatsDependencies, componentKey, createIngest } from './build-stats';
import { bundledJson } from './bundled-file';
import { cacheSuccess } from './cached-read';
import { GitHostApi, sendStatus, statusRequest } from './commit-status';
import { lazy } from './lazy-handler';

/** A Git host as the BuildStatistics construct passes it: its API and the secret holding its token. */
export interface GitHostConfig extends GitHostApi {
  readonly tokenSecret: string;
}

/** The function's environment, as the BuildStatistics construct sets it. */
export interface BuildStatsEnvironment {
  /** The platform's name: whose reporter roles may sign records. */
  readonly PLATFORM_NAME?: string;
  readonly TABLE_NAME?: string;
  /** JSON file (in the bundle): `<pilot>/<component>` to its repository URL. */
  readonly COMPONENTS_FILE?: string;
  /** JSON: GitHostConfig[]. */
  readonly GIT_HOSTS?: string;
}

function required(env: BuildStatsEnvironment, name: keyof BuildStatsEnvironment): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function awsBuildStatsDependencies(env: BuildStatsEnvironment, log: (line: string) => void = (line) => console.log(line)): BuildStatsDependencies {
  const dynamodb = new DynamoDBClient({});
  const secrets = new SecretsManagerClient({});
  const table = required(env, 'TABLE_NAME');
  const repositories = new Map(Object.entries(bundledJson<Record<string, string>>('COMPONENTS_FILE', env.COMPONENTS_FILE)));
  const hosts = new Map((JSON.parse(required(env, 'GIT_HOSTS')) as GitHostConfig[]).map((h) => [h.host, h]));
  const tokens = new Map(
    [...hosts.values()].map((h) => [
      h.host,
      cacheSuccess(async () => {
        const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: h.tokenSecret }));
        if (!SecretString) throw new Error(`secret ${h.tokenSecret} has no string value`);
        return SecretString.trim();
      }),
    ]),
  );
  return {
    platform: required(env, 'PLATFORM_NAME'),
    components: new Set(repositories.keys()),
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
        if ((e as Error).name === 'ConditionalCheckFailedException') return false;
        throw e;
      }
    },
    reportStatus: async (record) => {
      const { host, project } = repositoryParts(repositories.get(componentKey(record))!);
      const api = hosts.get(host);
      if (!api) throw new Error(`no commit status API configured for ${host}`);
      await sendStatus(statusRequest(api, project, record, await tokens.get(host)!()));
    },
    log,
  };
}

export const handler = lazy(() => createIngest(awsBuildStatsDependencies(process.env as BuildStatsEnvironment)));
