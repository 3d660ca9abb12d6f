#!/usr/bin/env node
/**
 * `npm run preflight [-- --config <dir>]`: refuses to go on unless the current AWS credentials and
 * region are the config's target environment, every generation's firmware is in its pilot's prod
 * blobs, and the account's Lambda concurrency quota holds what the synthesized functions reserve.
 * Run it before every `cdk deploy`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseFlags, runCommand } from '../lib/command-line';
import { loadConfig } from '../lib/config/load-config';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readPublishedRecipes } from '../lib/config/published-recipes';
import { definePlatform } from '../lib/platform';
import { concurrencyProblems, firmwareArtefacts, firmwareProblems, preflightProblems, reservedConcurrency } from '../lib/preflight';

/** The templates `cdk deploy` would deploy, synthesized into a throw-away folder. */
function synthesizedTemplates(configDir: string, model: ReturnType<typeof loadConfig>) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-preflight-')), builtinCloudFormationValidation: false });
  definePlatform(app, model, { greengrassRecipes: readPublishedRecipes(configDir) });
  const assembly = app.synth();
  const templates = assembly.stacks.map((s) => s.template);
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return templates;
}

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
    const { AccountLimit } = await new LambdaClient({}).send(new GetAccountSettingsCommand({}));
    const reserved = reservedConcurrency(synthesizedTemplates(configDir, model));
    problems.push(...concurrencyProblems(environment.region, reserved, { limit: AccountLimit?.ConcurrentExecutions ?? 0, unreserved: AccountLimit?.UnreservedConcurrentExecutions ?? 0 }));
  }
  if (problems.length > 0) {
    console.error(`Preflight refused: do not deploy.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  console.log(`Preflight ok: ${identity.Arn} in ${environment.account} / ${environment.region}.`);
  return 0;
}

runCommand('preflight', 'usage: npm run preflight [-- --config <dir>]', main);
