#!/usr/bin/env node
/**
 * `npm run preflight [-- --config <dir>]`: refuses to go on unless the current AWS credentials and
 * region are the config's target environment, and every generation's firmware is in its pilot's
 * prod blobs. Run it before every `cdk deploy`.
 */
import * as path from 'path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseFlags, runCommand } from '../lib/command-line';
import { loadConfig } from '../lib/config/load-config';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { firmwareArtefacts, firmwareProblems, preflightProblems } from '../lib/preflight';

async function main(): Promise<number> {
  const configDir = parseFlags(process.argv.slice(2), ['config']).config ?? 'config';
  const model = loadConfig(configDir);
  const { environment } = model.platform;
  const sts = new STSClient({});
  const region = await sts.config.region().catch(() => undefined);
  let identity;
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch (e) {
    // Missing or expired credentials are the operator's to fix, in one line.
    console.error(`Preflight failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
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

runCommand('preflight', 'usage: npm run preflight [-- --config <dir>]', main);
