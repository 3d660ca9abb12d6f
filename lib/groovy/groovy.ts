/**
 * Groovy string literals. Shell text always goes into single-quoted literals, where `$` is not
 * interpolated, so GitLab's `$VAR` reaches `sh` unchanged and the shell expands it.
 */
import { BASH_PROLOGUE, usesBashSyntax } from './script-needs';

/** Body of a single- or triple-single-quoted literal: only `\` and `'` need escaping. */
function escapeSingle(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r');
}

/** A single-quoted Groovy literal; switches to `'''...'''` when the text spans lines. */
export function str(text: string): string {
  return text.includes('\n') ? `'''${escapeSingle(text)}'''` : `'${escapeSingle(text)}'`;
}

/**
 * `sh` step for a script; several lines run in one shell so `cd` and `export` carry over, as in
 * GitLab. Bash-only scripts start with a shebang, which must then be the literal's first line.
 */
export function shStep(lines: readonly string[]): string {
  if (usesBashSyntax(lines.join('\n'))) return `sh '''${escapeSingle([...BASH_PROLOGUE, ...lines].join('\n'))}\n'''`;
  const text = lines.join('\n');
  // A leading newline keeps the script flush-left in the Jenkinsfile; sh ignores the empty line.
  return text.includes('\n') ? `sh '''\n${escapeSingle(text)}\n'''` : `sh ${str(text)}`;
}

/**
 * A Groovy expression for a value GitLab expands itself (variables, image names, environment):
 * `$X`/`${X}` become `${...}` in a GString, `$$` is a literal dollar. `value` gives the Groovy
 * expression for a GitLab variable (undefined keeps the reference literal).
 */
export function expanded(text: string, value: (name: string) => string | undefined): string {
  if (!text.includes('$')) return str(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    out += escapeDouble(text.slice(last, m.index));
    const name = m[1] ?? m[2];
    const expr = name === undefined ? undefined : value(name);
    out += expr === undefined ? escapeDouble(m[0] === '$$' ? '$' : m[0]) : `\${${expr}}`;
    last = m.index + m[0].length;
  }
  out += escapeDouble(text.slice(last));
  return `"${out}"`;
}

function escapeDouble(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A Groovy identifier usable as an `environment {}` key. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** `header { body }` with the body indented one level (four spaces, as Jenkins examples do). */
export function block(header: string, body: readonly string[]): string[] {
  return chain([[header, body]]);
}

/** Blocks joined on the brace line, like `try { ... } catch (err) { ... }`. */
export function chain(parts: readonly (readonly [string, readonly string[]])[]): string[] {
  // A loop, not spreads: large generated pipelines nest thousands of lines.
  const out: string[] = [];
  parts.forEach(([header, body], i) => {
    out.push(`${i === 0 ? '' : '} '}${header} {`);
    for (const l of body) out.push(l === '' ? l : `    ${l}`);
  });
  out.push('}');
  return out;
}
