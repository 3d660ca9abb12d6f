/**
 * Reads one config file as YAML and refuses what the loader does not support, so every value that
 * reaches the schema is plain data written out in the file: UTF-8 text (a BOM and CRLF line ends are
 * fine), one document, a mapping at the top, plain string keys, no tags, anchors or aliases, and no
 * absurd size or nesting. Every refusal is a located problem; nothing here throws.
 */
import { Document, isAlias, isCollection, isMap, isNode, isPair, isScalar, LineCounter, Node, parseDocument } from 'yaml';
import { ConfigProblem } from './config-error';
import { escapeText } from './escape-text';

export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** Largest config file read: the demo's files are a few kB, a pilot with hundreds of components some hundred kB. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Deepest nesting of mappings and lists; the schema's deepest field is 7 levels down. */
export const MAX_NESTING = 24;

const MAX_PROBLEMS_PER_FILE = 20;

/** The parsed file, or the problems that stop it from being read (never both empty). */
export function readYamlSource(file: string, bytes: Buffer): { source: YamlSource } | { problems: ConfigProblem[] } {
  if (bytes.length > MAX_FILE_BYTES) {
    return { problems: [{ file, path: '', message: `is ${bytes.length} bytes; a config file may hold at most ${MAX_FILE_BYTES} bytes (1 MiB)` }] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { problems: [{ file, path: '', message: `is not UTF-8 text${utf16Hint(bytes)}; save it as UTF-8` }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const syntax = doc.errors.map((e) => ({
    file,
    line: e.linePos?.[0].line,
    column: e.linePos?.[0].col,
    path: '',
    message: e.message.includes('call stack')
      ? `nested too deeply for a config file (at most ${MAX_NESTING} levels of mappings and lists)`
      : `YAML syntax: ${e.message.split('\n')[0]}`,
  }));
  if (syntax.length > 0) return { problems: syntax.filter((p, i) => i === 0 || p.message !== syntax[i - 1].message || p.line !== syntax[i - 1].line) };
  if (!isMap(doc.contents)) return { problems: [{ file, path: '', message: 'must be a YAML mapping (key: value pairs) at the top level' }] };
  const source = { file, doc, lines };
  const problems = unsupportedFeatures(source);
  return problems.length > 0 ? { problems } : { source };
}

function utf16Hint(bytes: Buffer): string {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) ? ' (it starts with a UTF-16 byte-order mark)' : '';
}

/** Tags, anchors, aliases, non-string keys and deep nesting, found without recursion. */
function unsupportedFeatures({ file, doc, lines }: YamlSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (node: Node, message: string) => {
    const pos = node.range ? lines.linePos(node.range[0]) : undefined;
    problems.push({ file, line: pos?.line, column: pos?.col, path: '', message });
  };
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isNode(node)) continue;
    if (isAlias(node)) {
      at(node, `YAML alias *${escapeText(node.source)}: aliases are not supported; write the value out (an alias repeats a value silently and can blow up in size)`);
      continue;
    }
    if (node.anchor) at(node, `YAML anchor &${escapeText(node.anchor)}: anchors are not supported; remove it and write each value out`);
    if (node.tag) {
      at(node, `YAML tag ${escapeText(node.tag)}: tags are not supported (the loader would drop or reinterpret the value); write a plain string, number, true/false, list or mapping`);
    }
    if (!isCollection(node)) continue;
    if (depth > MAX_NESTING) {
      at(node, `nested too deeply for a config file (at most ${MAX_NESTING} levels of mappings and lists)`);
      continue;
    }
    for (const item of node.items) {
      if (!isPair(item)) {
        stack.push({ node: item, depth: depth + 1 });
        continue;
      }
      const key = item.key;
      if (isScalar(key) && key.value === '<<' && !key.type?.includes('QUOTE')) {
        at(key, 'YAML merge keys (<<) are not supported: write the merged fields out');
      } else if (!isScalar(key) || typeof key.value !== 'string') {
        const shown = isScalar(key) ? String(key.value) : isNode(key) ? escapeText(String(key)) : '(empty)';
        const message = `key ${shown}: a key must be a plain name such as displayName`;
        if (isNode(key)) at(key, message);
        else at(isNode(item.value) ? item.value : (doc.contents as Node), message);
      }
      if (isNode(key) && !isScalar(key)) stack.push({ node: key, depth: depth + 1 });
      else if (isNode(key)) stack.push({ node: key, depth });
      stack.push({ node: item.value, depth: depth + 1 });
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return problems.length <= MAX_PROBLEMS_PER_FILE
    ? problems
    : [...problems.slice(0, MAX_PROBLEMS_PER_FILE), { file, path: '', message: `and ${problems.length - MAX_PROBLEMS_PER_FILE} more problems of the same kinds` }];
}
