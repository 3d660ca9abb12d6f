#!/usr/bin/env node
/**
 * `npm run preflight [-- --config <dir>]`: refuses to go on unless the current AWS credentials and
 * region are the config's target environment, and every generation's firmware is in its pilot's
 * prod blobs. Run it before every `cdk deploy`.
 */
import * as path from 'path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigError } from '../lib/config/config-error';
import { loadConfig } from '../lib/config/load-config';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { firmwareArtefacts, firmwareProblems, preflightProblems } from '../lib/preflight';

async function main(): Promise<number> {
  const flag = process.argv.indexOf('--config');
  const configDir = flag >= 0 ? process.argv[flag + 1] : 'config';
  const model = loadConfig(configDir);
  const { environment } = model.platform;
  const sts = new STSClient({});
  const region = await sts.config.region().catch(() => undefined);
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  const problems = preflightProblems(path.join(configDir, 'platform.yaml'), environment, {
    account: identity.Account,
    arn: identity.Arn,
    region,
  });
  if (problems.length === 0) {
    const s3 = new S3Client({});
    const list = async (bucket: string, prefix: string) =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '');
    problems.push(...(await firmwareProblems(firmwareArtefacts(configDir, model), list)));
  }
  if (problems.length > 0) {
    console.error(`Preflight refused: do not deploy.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  console.log(`Preflight ok: ${identity.Arn} in ${environment.account} / ${environment.region}.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : `Preflight failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
