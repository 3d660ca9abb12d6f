/**
 * `npm run smoke -- --endpoint <url> --tenant <t> --token <file>`: the basic-sense scenario
 * against a deployed platform; prints each step and exits non-zero on the first failure.
 */
import * as fs from 'fs';
import { runSmoke } from '../tools/ops/src/smoke-scenario';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (!value) {
    console.error('usage: npm run smoke -- --endpoint <url> --tenant <fiware-service> --token <file with the bearer token>');
    process.exit(2);
  }
  return value;
}

const endpoint = arg('endpoint');
const tenant = arg('tenant');
const token = fs.readFileSync(arg('token'), 'utf8').trim();
runSmoke({ endpoint, tenant, token }).then(
  (results) => process.exit(results.every((r) => r.ok) ? 0 : 1),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
