/** Reads a platform config folder (platform.yaml + pilots/*.yaml), validates it once, returns the model. */
import * as fs from 'fs';
import * as path from 'path';
import { Document, isMap, isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigProblem } from './config-error';
import { fiwareServiceOf, PilotSpec, PlatformConfigSchema, PlatformSpec } from './schema';

/** The validated platform: what bin/ hands to stacks. */
export interface PlatformModel {
  readonly platform: PlatformSpec;
  /** Pilots in file-name order. */
  readonly pilots: readonly PilotSpec[];
}

interface SourceFile {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

const PLATFORM_FILE = 'platform.yaml';
const PILOTS_DIR = 'pilots';

/** Loads and validates `dir`; throws ConfigError listing every problem found. */
export function loadConfig(dir: string): PlatformModel {
  const platformPath = path.join(dir, PLATFORM_FILE);
  if (!fs.existsSync(platformPath)) {
    throw new ConfigError([{ file: platformPath, path: '', message: `not found: a platform config folder holds ${PLATFORM_FILE} and ${PILOTS_DIR}/<pilot>.yaml` }]);
  }
  const pilotsDir = path.join(dir, PILOTS_DIR);
  const pilotPaths = fs.existsSync(pilotsDir)
    ? fs.readdirSync(pilotsDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(pilotsDir, f))
    : [];

  const sources = [platformPath, ...pilotPaths].map(readYaml);
  const syntaxProblems = sources.flatMap(syntaxErrors);
  if (syntaxProblems.length > 0) throw new ConfigError(syntaxProblems);

  const [platformSource, ...pilotSources] = sources;
  const raw = { platform: platformSource.doc.toJS(), pilots: pilotSources.map((s) => s.doc.toJS()) };
  const result = PlatformConfigSchema.safeParse(raw, { error: describeIssue });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => locate(issue, platformSource, pilotSources)));
  }
  return {
    platform: result.data.platform,
    pilots: result.data.pilots.map((p) => ({ ...p, fiwareService: fiwareServiceOf(p) })),
  };
}

function readYaml(file: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  return { file, doc, lines };
}

function syntaxErrors({ file, doc }: SourceFile): ConfigProblem[] {
  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    file,
    line: e.linePos?.[0].line,
    column: e.linePos?.[0].col,
    path: '',
    message: `YAML syntax: ${e.message.split('\n')[0]}`,
  }));
  if (problems.length === 0 && !isMap(doc.contents)) {
    problems.push({ file, path: '', message: 'must be a YAML mapping (key: value pairs) at the top level' });
  }
  return problems;
}

/** Default wording for the generic cases, so every message says what is allowed. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `required field missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${typeName(issue.input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') return `must be at least ${issue.minimum}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `must be at most ${issue.maximum}`;
  return undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : typeof value;
}

function locate(issue: z.core.$ZodIssue, platform: SourceFile, pilots: SourceFile[]): ConfigProblem {
  const [root, ...rest] = issue.path as (string | number)[];
  const source = root === 'platform' ? platform : pilots[rest.shift() as number];
  const unknownKey = issue.code === 'unrecognized_keys';
  // An unknown field is reported at the (first) unknown key itself.
  const fieldPath = unknownKey ? [...rest, issue.keys[0]] : rest;
  const node = nearestNode(source.doc, fieldPath);
  const pos = node?.range ? source.lines.linePos(node.range[0]) : undefined;
  const present = fieldPath.length === 0 || source.doc.hasIn(fieldPath);
  const missing = !present && !issue.message.startsWith('required');
  return {
    file: source.file,
    line: pos?.line,
    column: pos?.col,
    path: formatPath(fieldPath),
    value: unknownKey ? undefined : present ? show(source.doc.getIn(fieldPath)) : '(missing)',
    message: (missing ? `required field missing; ${issue.message}` : issue.message) + alsoAt(issue, platform, pilots),
  };
}

/** ` (also at file:line path)` for a custom issue that names a second place in `params.also`. */
function alsoAt(issue: z.core.$ZodIssue, platform: SourceFile, pilots: SourceFile[]): string {
  const also = issue.code === 'custom' ? (issue.params?.also as (string | number)[] | undefined) : undefined;
  if (!also) return '';
  const other = locate({ ...issue, path: also, params: undefined, message: '' } as z.core.$ZodIssue, platform, pilots);
  return ` (also at ${other.file}:${other.line} ${other.path})`;
}

/** The node at `fieldPath`, or its closest existing ancestor (for a missing field). */
function nearestNode(doc: Document, fieldPath: (string | number)[]) {
  for (let n = fieldPath.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(fieldPath.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

function show(value: unknown): string {
  const js = isNode(value) ? value.toJSON() : value;
  const text = JSON.stringify(js) ?? String(js);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatPath(segments: readonly (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
