import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatWarning, translateFile } from '../src/index';

/** One mapping per directory, each with its expected Jenkinsfile and warnings. */
export const GOLDEN = join(__dirname, 'golden');
/** Realistic pipelines in the style of common language templates. */
export const CORPUS = join(__dirname, 'corpus');

/** A sample repository: `dir` holds `.gitlab-ci.yml` (plus its includes) and the expected outputs. */
export interface Sample {
  readonly name: string;
  readonly dir: string;
}

/** What a sample translates to, as committed next to it. */
export interface SampleOutput {
  readonly jenkinsfile: string;
  /** `warnings.txt`: one formatted warning per line, empty when there are none. */
  readonly warnings: string;
  /** `Jenkinsfile.<name>` of each child pipeline, by file name. */
  readonly children: Readonly<Record<string, string>>;
}

/** The samples under `root`, sorted by name so runs are reproducible. */
export function samples(root: string): Sample[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, dir: join(root, d.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function translateSample(s: Sample): SampleOutput {
  const { jenkinsfile, warnings, children } = translateFile(join(s.dir, '.gitlab-ci.yml'), { repoRoot: s.dir });
  return { jenkinsfile, warnings: warnings.map((w) => `${formatWarning(w)}\n`).join(''), children: Object.fromEntries(children.map((c) => [`Jenkinsfile.${c.name}`, c.jenkinsfile])) };
}

/**
 * What a sample's committed files say it translates to. samples.test.ts proves they are what the
 * translator generates, so suites that only use the output read it instead of translating again.
 */
export function committedSample(s: Sample): SampleOutput {
  const read = (file: string) => readFileSync(join(s.dir, file), 'utf8');
  const children = readdirSync(s.dir).filter((f) => f.startsWith('Jenkinsfile.'));
  return { jenkinsfile: read('Jenkinsfile'), warnings: read('warnings.txt'), children: Object.fromEntries(children.map((f) => [f, read(f)])) };
}

/** Expects the committed files to match; UPDATE_GOLDEN=1 rewrites them instead (review the diff). */
export function expectCommitted(s: Sample, out: SampleOutput): void {
  // A committed child Jenkinsfile the translation no longer writes is stale.
  const stale = readdirSync(s.dir).filter((f) => f.startsWith('Jenkinsfile.') && !(f in out.children));
  if (process.env.UPDATE_GOLDEN !== '1') expect(stale).toEqual([]);
  for (const [file, actual] of [['Jenkinsfile', out.jenkinsfile], ['warnings.txt', out.warnings], ...Object.entries(out.children)] as const) {
    const path = join(s.dir, file);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
    else expect(actual).toBe(existsSync(path) ? readFileSync(path, 'utf8') : `<${path} missing: run with UPDATE_GOLDEN=1>`);
  }
}
