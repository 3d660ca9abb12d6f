/**
 * `npm run edge:lock` / `npm run images:lock` [-- --config <dir>]: records the digest of every
 * version the config deploys for the first time, in `<dir>/greengrass-recipes.lock.json`
 * (Greengrass component recipes) or `<dir>/image-recipes.lock.json` (Image Builder components and
 * recipes of the golden images). Run it after a deploy that published new versions, and commit the
 * file; synth then refuses to change them (both services' versions are immutable).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../lib/config/load-config';
import { mergeRecord, PUBLISHED_IMAGES_FILE, PUBLISHED_RECIPES_FILE, readPublishedImages, readPublishedRecipes } from '../lib/config/published-recipes';
import { definePlatform, PlatformStacks } from '../lib/platform';

const LOCKS = {
  edge: {
    file: PUBLISHED_RECIPES_FILE,
    read: readPublishedRecipes,
    digests: (stacks: PlatformStacks) => [...stacks.pilots.values()].flatMap(({ edge }) => (edge?.components ?? []).flatMap((c) => [...c.recipeDigests])),
  },
  images: {
    file: PUBLISHED_IMAGES_FILE,
    read: readPublishedImages,
    digests: (stacks: PlatformStacks) => stacks.images.pipelines.flatMap((p) => [...p.digests]),
  },
};

const kind = process.argv[2] as keyof typeof LOCKS;
const lock = LOCKS[kind];
if (!lock) throw new Error(`usage: lock-published.ts <${Object.keys(LOCKS).join('|')}> [--config <dir>]`);
const flag = process.argv.indexOf('--config');
const dir = flag >= 0 ? process.argv[flag + 1] : 'config';
const published = { greengrassRecipes: readPublishedRecipes(dir), images: readPublishedImages(dir) };
const recorded = lock.read(dir);
// cdk.json's context (feature flags), as `cdk synth` runs bin/app.ts: digests are of the templates deployed.
const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
const app = new App({ context, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-lock-')) });
// Synth refuses any recorded version whose content changed, so merging never rewrites one.
const record = mergeRecord(recorded, lock.digests(definePlatform(app, loadConfig(dir), published)));
fs.writeFileSync(path.join(dir, lock.file), `${JSON.stringify(record, null, 2)}\n`);
const added = Object.keys(record).filter((k) => !(k in recorded));
console.log(added.length > 0 ? `recorded ${added.join(', ')}` : 'nothing new to record');
