/**
 * The record of Greengrass component versions already published: `<config dir>/greengrass-recipes.lock.json`,
 * `{"<component>@<version>": "sha256:<hex>"}`, committed with the config. Greengrass versions are
 * immutable, so synth refuses a recorded version whose recipe changed; `npm run edge:lock` adds
 * the versions a synth publishes for the first time (it never rewrites a recorded one).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './config-error';

export const PUBLISHED_RECIPES_FILE = 'greengrass-recipes.lock.json';

const KEY = /^[a-z][a-z0-9-]*\.[a-z0-9-]+@\d+\.\d+\.\d+$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The record in `dir`, or an empty one when the folder has none yet. */
export function readPublishedRecipes(dir: string): Readonly<Record<string, string>> {
  const file = path.join(dir, PUBLISHED_RECIPES_FILE);
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError([{ file, path: '', message: `not JSON (${(e as Error).message}); it maps "<component>@<version>" to "sha256:<hex>"` }]);
  }
  const allowed = 'entries map "<pilot>.<component>@<MAJOR.MINOR.PATCH>" to "sha256:<64 hex digits>"';
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([{ file, path: '', message: `must be a JSON object; ${allowed}` }]);
  const entries = Object.entries(parsed as Record<string, unknown>);
  const problems = entries
    .filter(([key, digest]) => !KEY.test(key) || typeof digest !== 'string' || !DIGEST.test(digest))
    .map(([key, digest]) => ({ file, path: key, value: JSON.stringify(digest), message: allowed }));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.fromEntries(entries as [string, string][]);
}