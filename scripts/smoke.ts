/**
 * `npm run smoke -- --endpoint <url> --tenant <t> --token <file>`: the basic-sense scenario
 * against a deployed platform; prints each step and exits non-zero on the first failure.
 */
import * as fs from 'fs';
import { InputError, parseFlags, runCommand, UsageError } from '../lib/command-line';
import { runSmoke } from '../tools/ops/src/smoke-scenario';

runCommand('smoke', 'usage: npm run smoke -- --endpoint <url> --tenant <fiware-service> --token <file with the bearer token>', async () => {
  const flags = parseFlags(process.argv.slice(2), ['endpoint', 'tenant', 'token']);
  const missing = (['endpoint', 'tenant', 'token'] as const).filter((f) => flags[f] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((f) => `--${f}`).join(', ')}`);
  let token: string;
  try {
    token = fs.readFileSync(flags.token!, 'utf8').trim();
  } catch (e) {
    throw new InputError(`--token ${flags.token}: cannot read the token file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const results = await runSmoke({ endpoint: flags.endpoint!, tenant: flags.tenant!, token });
  return results.every((r) => r.ok) ? 0 : 1;
});
