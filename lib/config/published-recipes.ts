/**
 * The record of Greengrass component versions already published: `<config dir>/greengrass-recipes.lock.json`,
 * `{"<component>@<version>": "sha256:<hex>"}`, committed with the config. Greengrass versions are
 * immutable, so synth refuses a recorded version whose recipe changed; `npm run edge:lock` adds
 * the versions a synth publishes for the first time (it never rewrites a recorded one).
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { ConfigError } from './config-error';

export const PUBLISHED_RECIPES_FILE = 'greengrass-recipes.lock.json';

const RecordSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+@\d+\.\d+\.\d+$/), z.string().regex(/^sha256:[0-9a-f]{64}$/));

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
  const result = RecordSchema.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ file, path: i.path.join('.'), value: JSON.stringify(i.input), message: 'entries map "<pilot>.<component>@<MAJOR.MINOR.PATCH>" to "sha256:<64 hex digits>"' })),
    );
  }
  return result.data;
}
