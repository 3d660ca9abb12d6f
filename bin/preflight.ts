#!/usr/bin/env node
/**
 * `npm run preflight [-- --config <dir>]`: refuses to go on unless the current AWS credentials and
 * region are the config's target environment. Run it before every `cdk deploy`.
 */
import * as path from 'path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigError } from '../lib/config/config-error';
import { loadConfig } from '../lib/config/load-config';
import { preflightProblems } from '../lib/preflight';

async function main(): Promise<number> {
  const flag = process.argv.indexOf('--config');
  const configDir = flag >= 0 ? process.argv[flag + 1] : 'config';
  const { environment } = loadConfig(configDir).platform;
  const sts = new STSClient({});
  const region = await sts.config.region().catch(() => undefined);
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  const problems = preflightProblems(path.join(configDir, 'platform.yaml'), environment, {
    account: identity.Account,
    arn: identity.Arn,
    region,
  });
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
