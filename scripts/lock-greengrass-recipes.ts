/**
 * `npm run edge:lock [-- --config <dir>]`: records the recipe digest of every Greengrass component
 * version the config publishes for the first time in `<dir>/greengrass-recipes.lock.json`. Run it
 * after a deploy that published new versions, and commit the file; synth then refuses to change them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../lib/config/load-config';
import { PUBLISHED_RECIPES_FILE, readPublishedRecipes } from '../lib/config/published-recipes';
import { definePlatform, PlatformStacks } from '../lib/platform';

const flag = process.argv.indexOf('--config');
const dir = flag >= 0 ? process.argv[flag + 1] : 'config';
const recorded = readPublishedRecipes(dir);
const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-lock-')) });
const record = updatedRecipeRecord(recorded, definePlatform(app, loadConfig(dir), { greengrassRecipes: recorded }));
fs.writeFileSync(path.join(dir, PUBLISHED_RECIPES_FILE), `${JSON.stringify(record, null, 2)}\n`);
const added = Object.keys(record).filter((k) => !(k in recorded));
console.log(added.length > 0 ? `recorded ${added.join(', ')}` : 'nothing new to record');

/** The record after a synth: recorded entries kept, first-time versions added. */
function updatedRecipeRecord(recorded: Readonly<Record<string, string>>, stacks: PlatformStacks): Record<string, string> {
  const now = new Map<string, string>();
  for (const { edge } of stacks.pilots.values()) {
    for (const component of edge?.components ?? []) for (const [key, digest] of component.recipeDigests) now.set(key, digest);
  }
  // Synth already refused any recorded version whose recipe changed, so merging never rewrites one.
  const merged = { ...Object.fromEntries(now), ...recorded };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}
