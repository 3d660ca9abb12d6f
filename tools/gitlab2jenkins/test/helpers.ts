import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatWarning, translateFile, type Translation } from '../src/index';

/** Writes `files` (path -> YAML) into a fresh repo and translates `.gitlab-ci.yml` from it. */
export function translateYaml(main: string, files: Readonly<Record<string, string>> = {}): Translation & { repo: string; lines: string[] } {
  const repo = mkdtempSync(join(tmpdir(), 'g2j-'));
  for (const [path, text] of Object.entries({ '.gitlab-ci.yml': main, ...files })) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  const t = translateFile(join(repo, '.gitlab-ci.yml'), { repoRoot: repo });
  return { ...t, repo, lines: t.warnings.map(formatWarning) };
}

/** The error a translation throws (fails the test if none is thrown). */
export function translateError(main: string, files: Readonly<Record<string, string>> = {}): Error {
  try {
    translateYaml(main, files);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the translation to fail');
}

export const FIXTURES = join(__dirname, 'fixtures');
