import { jenkinsValue } from './ci-variables';
import { str } from '../../../lib/groovy/groovy';

/** A `rules:if` expression translated to Groovy for `when { expression { ... } }`. */
export interface TranslatedExpression {
  readonly groovy: string;
  /** GitLab-only variables the expression reads; Jenkins leaves them unset unless defined. */
  readonly gitlabOnly: readonly string[];
}

type Token =
  | { readonly t: 'var'; readonly name: string }
  | { readonly t: 'str'; readonly value: string }
  | { readonly t: 'regex'; readonly source: string; readonly flags: string }
  | { readonly t: 'null' }
  | { readonly t: 'op'; readonly op: string };

const TOKEN = /\s*(?:(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\/((?:[^/\\]|\\.)*)\/([a-z]*)|(null)\b|(&&|\|\||==|!=|=~|!~|\(|\)))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length && text.slice(TOKEN.lastIndex).trim() !== '') {
    const m = TOKEN.exec(text);
    if (!m) throw new SyntaxError(`unexpected text "${text.slice(TOKEN.lastIndex).trim()}"`);
    if (m[1]) tokens.push({ t: 'var', name: m[1].replace(/[${}]/g, '') });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ t: 'str', value: (m[2] ?? m[3]).replace(/\\(.)/g, '$1') });
    else if (m[4] !== undefined) tokens.push({ t: 'regex', source: m[4].replace(/\\\//g, '/'), flags: m[5] });
    else if (m[6]) tokens.push({ t: 'null' });
    else tokens.push({ t: 'op', op: m[7] });
  }
  return tokens;
}

/**
 * Translates GitLab's CI expression language (`$VAR`, `==`, `!=`, `=~`, `!~`, `&&`, `||`,
 * parentheses, strings, `/regex/flags`, `null`). Throws SyntaxError for anything else.
 */
export function translateExpression(text: string): TranslatedExpression {
  const known = TRANSLATED.get(text);
  if (known) return known;
  const t = translate(text);
  // Jobs share rules through extends and !reference; the translation is a pure function of the text.
  if (TRANSLATED.size > 10_000) TRANSLATED.clear();
  TRANSLATED.set(text, t);
  return t;
}

const TRANSLATED = new Map<string, TranslatedExpression>();

function translate(text: string): TranslatedExpression {
  const tokens = tokenize(text);
  const gitlabOnly = new Set<string>();
  let i = 0;
  const peekOp = (op: string): boolean => {
    const tok = tokens[i];
    return tok?.t === 'op' && tok.op === op;
  };
  const envRef = (name: string): string => {
    const expr = jenkinsValue(name);
    if (expr === undefined) gitlabOnly.add(name);
    return expr ?? `env.${name}`;
  };
  const operand = (): Token => {
    const tok = tokens[i++];
    if (!tok || tok.t === 'op') throw new SyntaxError(`expected a value at token ${i}`);
    return tok;
  };
  const value = (tok: Token): string => {
    if (tok.t === 'var') return envRef(tok.name);
    if (tok.t === 'str') return str(tok.value);
    if (tok.t === 'null') return 'null';
    throw new SyntaxError('a regex can only follow =~ or !~');
  };
  const comparison = (): string => {
    if (peekOp('(')) {
      i++;
      const inner = disjunction();
      if (!peekOp(')')) throw new SyntaxError('missing )');
      i++;
      return `(${inner})`;
    }
    const left = operand();
    const op = tokens[i];
    if (op?.t !== 'op' || !['==', '!=', '=~', '!~'].includes(op.op)) return value(left);
    i++;
    const right = operand();
    if (op.op === '==' || op.op === '!=') return `${value(left)} ${op.op} ${value(right)}`;
    if (right.t !== 'regex') throw new SyntaxError(`${op.op} needs a /regex/ on its right`);
    // GitLab matches anywhere in the string; ==~ (a full match returning boolean) keeps CPS happy.
    const flags = right.flags.replace(/[^ims]/g, '');
    const pattern = `${flags ? `(?${flags})` : ''}[\\s\\S]*(?:${right.source})[\\s\\S]*`;
    const match = `(${value(left)} ?: '') ==~ ${str(pattern)}`;
    return op.op === '=~' ? match : `!(${match})`;
  };
  const chain = (sep: string, next: () => string): string => {
    const parts = [next()];
    while (peekOp(sep)) {
      i++;
      parts.push(next());
    }
    return parts.join(` ${sep} `);
  };
  const conjunction = (): string => chain('&&', comparison);
  const disjunction = (): string => chain('||', conjunction);
  const groovy = disjunction();
  if (i < tokens.length) throw new SyntaxError(`unexpected token ${i + 1}`);
  return { groovy, gitlabOnly: [...gitlabOnly] };
}
