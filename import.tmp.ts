// One-off: copies real public pipelines (entry + local includes) from fetched mirrors into the corpus.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { globToRegExp, isGlob } from './tools/gitlab2jenkins/src/glob';

const CORPUS = 'tools/gitlab2jenkins/test/corpus';
interface Src { name: string; repo: string; mirror: string; root?: string; entry?: string }
const git = (mirror: string, args: string[]): string => execFileSync('git', ['--git-dir', mirror, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const refTag = { tag: '!reference', collection: 'seq' as const, resolve: (s: unknown) => s };

function localIncludes(text: string): string[] {
  let doc;
  try { const docs = parseAllDocuments(text, { customTags: [refTag], uniqueKeys: false }) as unknown as { toJS: (o: object) => unknown }[]; doc = docs[docs.length - 1].toJS({ maxAliasCount: -1 }) as Record<string, any>; } catch { return []; }
  const out: string[] = [];
  const inc = doc?.include;
  for (const item of inc === undefined ? [] : Array.isArray(inc) ? inc : [inc]) {
    if (typeof item === 'string' && !/^https?:/.test(item)) out.push(item);
    else if (item && typeof item === 'object' && typeof item.local === 'string') out.push(item.local);
  }
  // Local child pipelines.
  for (const job of Object.values(doc ?? {})) {
    const t = (job as { trigger?: { include?: unknown } } | null)?.trigger?.include;
    for (const i of t === undefined ? [] : Array.isArray(t) ? t : [t]) {
      if (typeof i === 'string') out.push(i);
      else if (i && typeof i === 'object' && typeof (i as { local?: unknown }).local === 'string') out.push((i as { local: string }).local);
    }
  }
  return out;
}

export function importPipeline(s: Src): void {
  const commit = git(s.mirror, ['rev-parse', 'HEAD']).trim();
  const root = s.root ?? '';
  const all = git(s.mirror, ['ls-tree', '-r', '--name-only', 'HEAD', ...(root ? [root] : [])]).split('\n').filter(Boolean).map((p) => (root ? p.slice(root.length + 1) : p));
  const entry = s.entry ?? '.gitlab-ci.yml';
  const files: string[] = [];
  const visit = (rel: string): void => {
    const norm = posix.normalize(rel.replace(/^\/+/, ''));
    const matches = isGlob(norm) ? all.filter((p) => globToRegExp(norm).test(p)) : [norm];
    for (const m of matches) {
      if (files.includes(m) || !all.includes(m)) continue;
      files.push(m);
      visit2(m);
    }
  };
  const visit2 = (m: string): void => {
    const text = git(s.mirror, ['show', `HEAD:${root ? `${root}/` : ''}${m}`]);
    for (const i of localIncludes(text)) visit(i);
  };
  visit(entry);
  if (files.length === 0) return;
  const dir = join(CORPUS, s.name);
  for (const f of files) {
    const text = git(s.mirror, ['show', `HEAD:${root ? `${root}/` : ''}${f}`]);
    mkdirSync(dirname(join(dir, f === entry ? '.gitlab-ci.yml' : f)), { recursive: true });
    writeFileSync(join(dir, f === entry ? '.gitlab-ci.yml' : f), text);
  }
  const source = { repository: `https://github.com/${s.repo}`, commit, files: files.map((f) => (root ? `${root}/${f}` : f)) };
  writeFileSync(join(dir, 'SOURCE.json'), `${JSON.stringify(source, null, 2)}\n`);
}

const M = '/work/.mirror';
const list: Src[] = [
  { name: 'real-gitlab-runner', repo: 'gitlabhq/gitlab-runner', mirror: `${M}/gitlabhq+gitlab-runner/repo` },
  { name: 'real-omnibus-gitlab', repo: 'gitlabhq/omnibus-gitlab', mirror: `${M}/gitlabhq+omnibus-gitlab/repo` },
  { name: 'real-gitlab-shell', repo: 'gitlabhq/gitlab-shell', mirror: `${M}/gitlabhq+gitlab-shell/repo` },
  { name: 'real-gitlab-cli', repo: 'gitlabhq/cli', mirror: `${M}/gitlabhq+cli/repo` },
  { name: 'real-terraform-provider-gitlab', repo: 'gitlabhq/terraform-provider-gitlab', mirror: `${M}/gitlabhq+terraform-provider-gitlab/repo` },
  { name: 'real-gitlab-pages', repo: 'tachyons/gitlab-pages', mirror: `${M}/tachyons+gitlab-pages/repo` },
];
const gcl = `${M}/firecow+gitlab-ci-local/repo`;
const cases = git(gcl, ['ls-tree', '-d', '--name-only', 'HEAD', 'tests/test-cases/']).split('\n').filter(Boolean);
for (const c of cases) {
  let test = '';
  try { test = git(gcl, ['show', `HEAD:${c}/integration.test.ts`]); } catch { continue; }
  if (/rejects|toThrow|AssertionError|catch \(e/.test(test)) continue; // cases expecting an error
  try { git(gcl, ['cat-file', '-e', `HEAD:${c}/.gitlab-ci.yml`]); } catch { continue; }
  list.push({ name: `gcl-${c.split('/').pop()}`, repo: 'firecow/gitlab-ci-local', mirror: gcl, root: c });
}
for (const s of list) importPipeline(s);
console.log(list.length);
