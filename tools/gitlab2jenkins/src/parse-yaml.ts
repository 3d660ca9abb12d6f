import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import { Diagnostics, PipelineError, type SourcePos } from './diagnostics';
import { referenceTag, REFERENCE_TAG } from './reference-tag';
import { MAX_NODES, type YEntry, type YMap, type YNode } from './yaml-tree';

/**
 * Parses one YAML file; throws PipelineError with line/col for syntax errors or a non-mapping root.
 * A key repeated in one mapping is warned about and its last value kept, as GitLab's parser does.
 */
export function parseYamlFile(raw: string, file: string, diags: Diagnostics): YMap {
  const text = interpolateInputs(raw, file, diags);
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, merge: true, customTags: [referenceTag], prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): SourcePos => ({ file, ...lineCounter.linePos(offset) });
  const docs = Array.isArray(parsed) ? parsed : [];
  const first = docs.flatMap((d) => d.errors)[0];
  if (first) throw new PipelineError(first.message.split('\n')[0], at(first.pos[0]));
  // GitLab accepts a `spec:` header document before the configuration (CI/CD inputs).
  const header = docs.length === 2 && isMap(docs[0].contents) && docs[0].contents.has('spec');
  if (docs.length > 1 && !header) throw new PipelineError('a pipeline file holds one YAML document, or a spec: header and the configuration', at(docs[1].range[0]));
  const doc = docs[header ? 1 : 0] ?? docs[0];
  if (doc === undefined) throw new PipelineError('the pipeline configuration must be a YAML mapping', at(0));
  const root = doc.contents === null ? null : convert({ doc, at, targets: aliasTargets(doc), anchored: new Map(), left: MAX_NODES, diags, duplicates: new Set() }, doc.contents);
  if (root === null || root.kind !== 'map') {
    throw new PipelineError('the pipeline configuration must be a YAML mapping', root?.pos ?? at(0));
  }
  return root;
}

const INPUT = /\$\[\[\s*inputs\.([\w-]+)\s*(?:\|[^\]]*)?\]\]/g;

/**
 * A file with a `spec:` header (CI/CD inputs): `$[[ inputs.x ]]` in the configuration becomes the
 * input's default, as GitLab does when the includer passes no value. Inputs without a default are
 * warned about and stay literal. Returns the text unchanged without such a header.
 */
function interpolateInputs(text: string, file: string, diags: Diagnostics): string {
  const split = /^---[ \t]*$/m.exec(text);
  if (!split || !/^spec:/m.test(text.slice(0, split.index))) return text;
  const lineCounter = new LineCounter();
  const header = parseAllDocuments(text.slice(0, split.index), { lineCounter });
  const spec = Array.isArray(header) ? (header[0]?.toJS() as { spec?: { inputs?: Record<string, { default?: unknown } | null> } } | undefined) : undefined;
  const inputs = spec?.spec?.inputs ?? {};
  const pos = { file, line: 1, col: 1 };
  const body = text.slice(split.index).replace(INPUT, (ref, name: string) => {
    const input = inputs[name];
    if (input && input.default !== undefined && input.default !== null) return String(input.default);
    diags.warn('', 'spec', pos, `input "${name}" has no default here; $[[ inputs.${name} ]] stays literal`);
    return ref;
  });
  // The header stays, so parsing sees the same document layout and lines.
  return text.slice(0, split.index) + body;
}

/** State of one file's conversion. */
interface Conversion {
  readonly doc: Document;
  readonly at: (offset: number) => SourcePos;
  /** What each alias names (see aliasTargets). */
  readonly targets: Map<Alias, YamlNode | undefined>;
  /** Anchored nodes already converted, with their node count: an alias reuses the (immutable) tree. */
  readonly anchored: Map<YamlNode, { readonly tree: YNode; readonly size: number }>;
  /** Nodes left before the file counts as an alias bomb. */
  left: number;
  readonly diags: Diagnostics;
  /** Offsets of duplicate keys already reported. */
  readonly duplicates: Set<number>;
}

/**
 * What each alias of the document names: the last node with that anchor before it, as
 * `Alias.resolve` finds it, in one walk (that method walks the whole document per alias).
 */
function aliasTargets(doc: Document): Map<Alias, YamlNode | undefined> {
  const targets = new Map<Alias, YamlNode | undefined>();
  const anchors = new Map<string, YamlNode>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

function convert(c: Conversion, node: YamlNode): YNode {
  const pos = c.at(node.range?.[0] ?? 0);
  if (--c.left < 0) throw new PipelineError(`the file expands to more than ${MAX_NODES} YAML nodes (nested aliases?)`, pos);
  if (isAlias(node)) {
    const target = c.targets.get(node);
    if (!target) throw new PipelineError(`unknown alias *${node.source}`, pos);
    // Each use still counts all its nodes, so an alias bomb is refused as before.
    const done = c.anchored.get(target);
    if (done) {
      c.left -= done.size;
      if (c.left < 0) throw new PipelineError(`the file expands to more than ${MAX_NODES} YAML nodes (nested aliases?)`, pos);
      return done.tree;
    }
    const before = c.left;
    const tree = convert(c, target);
    c.anchored.set(target, { tree, size: before - c.left });
    return tree;
  }
  if (isScalar(node)) {
    const v = node.value;
    const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
    return { kind: 'scalar', value, pos };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) => convert(c, item as YamlNode));
    if (node.tag === REFERENCE_TAG) {
      return { kind: 'ref', path: items.map((i) => (i.kind === 'scalar' ? String(i.value) : '')), pos };
    }
    return { kind: 'seq', items, pos };
  }
  if (isMap(node)) {
    const entries = new Map<string, YEntry>();
    const merged: YMap[] = [];
    for (const pair of node.items) {
      const key = pair.key as YamlNode;
      const keyPos = c.at(key?.range?.[0] ?? 0);
      if (isScalar(key) && typeof key.value === 'symbol') {
        // `<<: *a` or `<<: [*a, *b]`: earlier sources win, explicit keys win over all of them.
        const src = convert(c, pair.value as YamlNode);
        for (const m of src.kind === 'seq' ? src.items : [src]) {
          if (m.kind !== 'map') throw new PipelineError('merge key << needs a mapping or a list of mappings', m.pos);
          merged.push(m);
        }
        continue;
      }
      if (!isScalar(key)) throw new PipelineError('mapping keys must be scalars', keyPos);
      const value: YNode = pair.value ? convert(c, pair.value as YamlNode) : { kind: 'scalar', value: null, pos: keyPos };
      const name = String(key.value);
      const earlier = entries.get(name);
      // Aliased mappings are converted once per use; warn once per place the key is written.
      if (earlier && !c.duplicates.has(key.range![0])) {
        c.duplicates.add(key.range![0]);
        c.diags.warn('', name, keyPos, `duplicate key "${name}" (first at line ${earlier.keyPos.line}); GitLab keeps this last value`);
      }
      entries.set(name, { keyPos, value });
    }
    for (const m of merged) for (const [k, e] of m.entries) if (!entries.has(k)) entries.set(k, e);
    return { kind: 'map', entries, pos };
  }
  throw new PipelineError('unsupported YAML node', pos);
}

