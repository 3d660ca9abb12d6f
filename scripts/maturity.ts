/** `npm run maturity [-- --config <dir>]`: each component's onboarding level and what the next one needs. */
import { loadConfig } from '../lib/config/load-config';
import { maturityTable } from '../lib/lifecycle/maturity-table';

const flag = process.argv.indexOf('--config');
console.log(maturityTable(loadConfig(flag >= 0 ? process.argv[flag + 1] : 'config')));
