/**
 * `npm run cost [-- --config <dir>]`: synthesizes the platform in-process and prints its estimated
 * monthly idle cost per stack and per pilot, each agent fleet's cost per build-hour and every
 * resource type the price table (data/prices-<region>.json) does not know.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assemblyStacks, synthesizeAssembly } from '../tools/ops/src/assembly-stacks';
import { costReport, estimateCost } from '../tools/ops/src/cost-estimate';
import { loadPriceTable } from '../tools/ops/src/price-table';
import { parseFlags, runCommand } from '../lib/command-line';

runCommand('cost', 'usage: npm run cost [-- --config <dir>]', () => {
  const configDir = parseFlags(process.argv.slice(2), ['config']).config ?? 'config';
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-cost-'));
  try {
    const stacks = assemblyStacks(synthesizeAssembly(configDir, outdir));
    const prices = loadPriceTable(stacks[0].region);
    const estimate = estimateCost(stacks, prices);
    console.log(costReport(estimate, prices));
    // Unknown types are not an error (the estimate is still useful) but must not pass unnoticed.
    if (estimate.unknown.length > 0) console.error(`${estimate.unknown.length} resource(s) of unknown type were not priced: see the list above`);
    return 0;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
