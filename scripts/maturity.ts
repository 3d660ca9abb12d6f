/** `npm run maturity [-- --config <dir>]`: each component's onboarding level and what the next one needs. */
import { parseFlags, runCommand } from '../lib/command-line';
import { loadConfig } from '../lib/config/load-config';
import { maturityTable } from '../lib/lifecycle/maturity-table';

runCommand('maturity', 'usage: npm run maturity [-- --config <dir>]', () => {
  console.log(maturityTable(loadConfig(parseFlags(process.argv.slice(2), ['config']).config ?? 'config')));
  return 0;
});
