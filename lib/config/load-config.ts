/** Reads a platform config folder (platform.yaml + pilots/*.yaml), validates it once, returns the model. */
import * as path from 'path';
import { Document, isNode } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigProblem } from './config-error';
import { PILOT_FILE_EXTENSION, readConfigFolder } from './config-folder';
import { derivedNameProblems } from './derived-names';
import { escapeText, likelyMeant } from './escape-text';
import { fiwareServiceOf, PilotName, PilotSpec, PlatformConfigSchema, PlatformSpec } from './schema';
import { readYamlSource, YamlSource } from './yaml-source';

/** The validated platform: what bin/ hands to stacks. */
export interface PlatformModel {
  readonly platform: PlatformSpec;
  /** Pilots in file-name order. */
  readonly pilots: readonly PilotSpec[];
}

/** Loads and validates `dir`; throws ConfigError listing every problem found. Never throws anything else for bad input. */
export function loadConfig(dir: string): PlatformModel {
  const folder = readConfigFolder(dir);
  const problems: ConfigProblem[] = [...folder.problems];
  const read = (f: { file: string; bytes: Buffer }) => {
    const result = readYamlSource(f.file, f.bytes);
    if ('problems' in result) problems.push(...result.problems);
    return 'source' in result ? result.source : undefined;
  };
  const platformSource = folder.platform && read(folder.platform);
  const pilotSources = folder.pilots.map(read);
  if (problems.length > 0 || !platformSource) throw new ConfigError(problems);
  const pilots = pilotSources as YamlSource[];

  const raw = { platform: platformSource.doc.toJS(), pilots: pilots.map((s) => s.doc.toJS()) };
  problems.push(...pilots.flatMap(fileNameMismatch));
  const result = PlatformConfigSchema.safeParse(raw, { error: describeIssue });
  if (!result.success) problems.push(...withoutImplicitBounds(result.error.issues).flatMap((issue) => locate(issue, platformSource, pilots)));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  const model = {
    platform: result.data.platform,
    pilots: result.data.pilots.map((p) => ({ ...p, fiwareService: fiwareServiceOf(p) })),
  };
  const nameProblems = derivedNameProblems(model);
  if (nameProblems.length > 0) {
    throw new ConfigError(
      nameProblems.map((n) => {
        const at = locateField(n.at, platformSource, pilots);
        const other = n.alsoAt && locateField(n.alsoAt, platformSource, pilots);
        const clash = other ? ` is also derived from ${other.file}:${other.line}:${other.column} ${other.path} = ${other.value}` : '';
        return { ...at, message: `${n.what} "${escapeText(n.identifier)}"${clash}; ${n.rule}` };
      }),
    );
  }
  return model;
}

/** A pilot file holds the pilot it is named for: `pilots/acme.yaml` holds `name: acme`. */
function fileNameMismatch(source: YamlSource): ConfigProblem[] {
  const expected = path.basename(source.file, PILOT_FILE_EXTENSION);
  const name = source.doc.get('name');
  // An invalid name gets the name rule from the schema instead.
  if (name === expected || !PilotName.safeParse(name).success) return [];
  const node = source.doc.get('name', true);
  const pos = isNode(node) && node.range ? source.lines.linePos(node.range[0]) : undefined;
  return [{
    file: source.file,
    line: pos?.line,
    column: pos?.col,
    path: 'name',
    value: show(name),
    message: `must equal the file name: ${path.basename(source.file)} holds pilot "${escapeText(expected)}" (rename the file or the pilot)`,
  }];
}

/** Default wording for the generic cases, so every message says what is allowed. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `required field missing (expected ${expectedName(issue.expected)})`;
    if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return `must be a finite number (${expectedName(issue.expected)}); .inf and .nan are not numbers here`;
    if (issue.expected === 'int' && typeof issue.input === 'number') return 'must be a whole number';
    if (issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
      return `expected string, got ${typeof issue.input}: write it in quotes (YAML reads an unquoted 1.10 as the number 1.1, true as a boolean)`;
    }
    return `expected ${expectedName(issue.expected)}, got ${typeName(issue.input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') return `must be at least ${issue.minimum}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `must be at most ${issue.maximum}`;
  if (issue.code === 'too_small' && issue.origin === 'string') return `must be at least ${issue.minimum} characters long`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
  return undefined;
}

function expectedName(expected: string): string {
  return expected === 'int' ? 'a whole number' : expected;
}

/** z.int() also checks the safe-integer range; when the field's own bound is broken too, that one is the rule to show. */
function withoutImplicitBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const implicit = (i: z.core.$ZodIssue) =>
    (i.code === 'too_big' && i.maximum === Number.MAX_SAFE_INTEGER) || (i.code === 'too_small' && i.minimum === Number.MIN_SAFE_INTEGER);
  const key = (i: z.core.$ZodIssue) => JSON.stringify(i.path);
  const others = new Set(issues.filter((i) => !implicit(i)).map(key));
  return issues.filter((i) => !implicit(i) || !others.has(key(i)));
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : typeof value;
}

type FieldPath = readonly (string | number)[];

function sourceOf(fullPath: FieldPath, platform: YamlSource, pilots: readonly YamlSource[]): { source: YamlSource; fieldPath: (string | number)[] } {
  const [root, ...rest] = fullPath;
  const source = root === 'platform' ? platform : pilots[rest.shift() as number];
  return { source, fieldPath: rest };
}

/** File, line and field of a path into the raw config (`['pilots', 1, 'components', 0, 'name']`). */
function locateField(fullPath: FieldPath, platform: YamlSource, pilots: readonly YamlSource[]): ConfigProblem {
  const { source, fieldPath } = sourceOf(fullPath, platform, pilots);
  const node = nearestNode(source.doc, fieldPath);
  const pos = node?.range ? source.lines.linePos(node.range[0]) : undefined;
  const present = fieldPath.length === 0 || source.doc.hasIn(fieldPath);
  return {
    file: source.file,
    line: pos?.line,
    column: pos?.col,
    path: formatPath(fieldPath),
    value: present ? show(source.doc.getIn(fieldPath)) : '(missing)',
    message: '',
  };
}

function locate(issue: z.core.$ZodIssue, platform: YamlSource, pilots: readonly YamlSource[]): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    // Each unknown field is reported at its own key, with the allowed field it most likely means.
    const allowed = issue.message.split('allowed: ')[1] ?? '';
    return issue.keys.map((key) => {
      const meant = likelyMeant(key, allowed.split(', ').filter(Boolean));
      const hint = meant ? ` (did you mean ${meant}?)` : '';
      return atKey([...(issue.path as FieldPath), key], `unknown field ${escapeText(key)}${hint}; allowed: ${allowed}`, platform, pilots);
    });
  }
  if (issue.code === 'invalid_key') {
    // A mapping key that breaks the key rule (record keys such as channel versions), with the rule.
    const key = String(issue.path[issue.path.length - 1]);
    return [atKey(issue.path as FieldPath, `the key ${show(key)} ${issue.issues.map((i) => i.message).join('; ')}`, platform, pilots)];
  }
  const where = locateField(issue.path as FieldPath, platform, pilots);
  const missing = where.value === '(missing)' && !issue.message.startsWith('required');
  return [{ ...where, message: (missing ? `required field missing; ${issue.message}` : issue.message) + alsoAt(issue, platform, pilots) }];
}

/** ` (also at file:line path)` for a custom issue that names a second place in `params.also`. */
function alsoAt(issue: z.core.$ZodIssue, platform: YamlSource, pilots: readonly YamlSource[]): string {
  const also = issue.code === 'custom' ? (issue.params?.also as FieldPath | undefined) : undefined;
  if (!also) return '';
  const other = locateField(also, platform, pilots);
  return ` (also at ${other.file}:${other.line} ${other.path})`;
}

/** A problem located at the key (not the value) that ends `fullPath`. */
function atKey(fullPath: FieldPath, message: string, platform: YamlSource, pilots: readonly YamlSource[]): ConfigProblem {
  const { source, fieldPath } = sourceOf(fullPath, platform, pilots);
  const key = String(fieldPath[fieldPath.length - 1]);
  const keyNode = keyNodeOf(source.doc, fieldPath.slice(0, -1), key);
  const pos = keyNode?.range ? source.lines.linePos(keyNode.range[0]) : undefined;
  return { file: source.file, line: pos?.line, column: pos?.col, path: formatPath(fieldPath), message };
}

/** The key node of `key` in the mapping at `fieldPath`. */
function keyNodeOf(doc: Document, fieldPath: (string | number)[], key: string) {
  const map = fieldPath.length === 0 ? doc.contents : doc.getIn(fieldPath, true);
  const pair = isNode(map) && 'items' in map ? (map.items as { key: unknown }[]).find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key) : undefined;
  return isNode(pair?.key) ? pair.key : nearestNode(doc, fieldPath);
}

/** The node at `fieldPath`, or its closest existing ancestor (for a missing field). */
function nearestNode(doc: Document, fieldPath: (string | number)[]) {
  for (let n = fieldPath.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(fieldPath.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

/** The value as written, JSON-like, with invisible and non-ASCII characters escaped; long values are cut. */
function show(value: unknown): string {
  // A key written without a value (`key:`) is YAML null.
  const js = isNode(value) ? value.toJSON() : (value ?? null);
  const text = escapeText(JSON.stringify(js, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${v}` : v)) ?? String(js));
  const plain = typeof js === 'number' && !Number.isFinite(js) ? String(js) : text;
  return plain.length > 80 ? `${plain.slice(0, 77)}...` : plain;
}

export function formatPath(segments: readonly (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
