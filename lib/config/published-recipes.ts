/**
 * Records of versions already published, committed with the config; both services' versions are
 * immutable, so synth refuses a recorded version whose content changed, naming the version to bump.
 * - `<config dir>/greengrass-recipes.lock.json`: `{"<pilot>.<component>@<version>": "sha256:<hex>"}`,
 *   Greengrass component recipes; `npm run edge:lock` adds the versions a synth publishes first.
 * - `<config dir>/image-recipes.lock.json`: `{"<name>@<version>": "sha256:<hex>"}`, Image Builder
 *   components and recipes of the golden images; `npm run images:lock` adds them.
 * A lock never rewrites a recorded entry.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './config-error';

export const PUBLISHED_RECIPES_FILE = 'greengrass-recipes.lock.json';
export const PUBLISHED_IMAGES_FILE = 'image-recipes.lock.json';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The record `file` in `dir`, or an empty one when the folder has none yet. */
function readRecord(dir: string, fileName: string, key: RegExp, keyForm: string): Readonly<Record<string, string>> {
  const file = path.join(dir, fileName);
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError([{ file, path: '', message: `not JSON (${(e as Error).message}); it maps "<component>@<version>" to "sha256:<hex>"` }]);
  }
  const allowed = `entries map "${keyForm}" to "sha256:<64 hex digits>"`;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([{ file, path: '', message: `must be a JSON object; ${allowed}` }]);
  const entries = Object.entries(parsed as Record<string, unknown>);
  const problems = entries
    .filter(([k, digest]) => !key.test(k) || typeof digest !== 'string' || !DIGEST.test(digest))
    .map(([k, digest]) => ({ file, path: k, value: JSON.stringify(digest), message: allowed }));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.fromEntries(entries as [string, string][]);
}

/** Published Greengrass component versions. */
export function readPublishedRecipes(dir: string): Readonly<Record<string, string>> {
  return readRecord(dir, PUBLISHED_RECIPES_FILE, /^[a-z][a-z0-9-]*\.[a-z0-9-]+@\d+\.\d+\.\d+$/, '<pilot>.<component>@<MAJOR.MINOR.PATCH>');
}

/** Deployed Image Builder component and recipe versions. */
export function readPublishedImages(dir: string): Readonly<Record<string, string>> {
  return readRecord(dir, PUBLISHED_IMAGES_FILE, /^[a-z][a-z0-9-]*@\d+\.\d+\.\d+$/, '<name>@<MAJOR.MINOR.PATCH>');
}

/**
 * The record after a synth: recorded entries kept, first-time versions added, sorted. Synth already
 * refused any recorded version whose content changed, so merging never rewrites one.
 */
export function mergeRecord(recorded: Readonly<Record<string, string>>, now: Iterable<readonly [string, string]>): Record<string, string> {
  const merged = { ...Object.fromEntries(now), ...recorded };
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}
