/**
 * What JCasC makes of the scalars of a document before any configurator sees them: the real
 * commons-text StringSubstitutor, set up as configuration-as-code's SecretSourceResolver is
 * (casc-resolver.groovy), over the controller's environment.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJar, runGroovy } from './jvm';

const SCRIPT = join(__dirname, 'casc-resolver.groovy');

export function cascResolverClasspath(): string[] | undefined {
  const text = findJar('commons-text', 'org/apache/commons/commons-text');
  const lang = findJar('commons-lang3', 'org/apache/commons/commons-lang3');
  return text && lang ? [text, lang] : undefined;
}

/** Resolves every value as JCasC would with `env` as its secret source. */
export function resolveCasc(values: readonly string[], env: Readonly<Record<string, string>>): string[] {
  const classpath = cascResolverClasspath();
  if (!classpath) throw new Error('commons-text and commons-lang3 jars are missing (apt-get install libcommons-text-java)');
  const file = join(mkdtempSync(join(tmpdir(), 'casc-')), 'input.json');
  writeFileSync(file, JSON.stringify({ env, values }));
  return JSON.parse(runGroovy(SCRIPT, [file], classpath));
}

/** Every string scalar of a parsed YAML document, depth first. */
export function scalarsOf(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(scalarsOf);
  if (node && typeof node === 'object') return Object.values(node).flatMap(scalarsOf);
  return [];
}

/** The document with every string scalar resolved as JCasC would (one JVM for all). */
export function resolvedDocument<T>(doc: T, env: Readonly<Record<string, string>>): T {
  const resolved = resolveCasc(scalarsOf(doc), env);
  let next = 0;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return resolved[next++];
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(doc) as T;
}
