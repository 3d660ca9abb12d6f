/**
 * The config change a deploy rehearsal updates the stacks with: one more component in the first
 * pilot, cloned from that pilot's first component. It touches the pilot's registries (a new
 * repository) and CI (a new job), the stacks an operator updates most often.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, YAMLMap, YAMLSeq } from 'yaml';

/** What was changed, for the report, and the name of the added component. */
export interface RehearsalChange {
  readonly description: string;
  readonly component: string;
}

/** Copies `configDir` to `outDir` with the change applied. */
export function writeChangedConfig(configDir: string, outDir: string): RehearsalChange {
  fs.cpSync(configDir, outDir, { recursive: true });
  const pilotsDir = path.join(outDir, 'pilots');
  const first = fs.readdirSync(pilotsDir).filter((f) => /\.ya?ml$/.test(f)).sort()[0];
  if (first === undefined) throw new Error(`${pilotsDir}: no pilot to change (the rehearsal adds a component to the first pilot)`);
  const file = path.join(pilotsDir, first);
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const components = doc.get('components') as YAMLSeq<YAMLMap> | undefined;
  const template = components?.items[0];
  if (!template) throw new Error(`${file}: the first pilot has no component to clone`);
  const clone = template.clone() as YAMLMap;
  const name = 'rehearsal-probe';
  clone.set('name', name);
  clone.set('repository', String(template.get('repository')).replace(/[^/:]+\.git$/, `${name}.git`));
  components!.items.push(clone);
  fs.writeFileSync(file, doc.toString());
  return { description: `${path.relative(outDir, file)}: component ${name} added (a clone of ${template.get('name')})`, component: name };
}
