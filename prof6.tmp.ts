import { readFileSync } from 'node:fs';
import { parseAllDocuments, parseDocument, LineCounter } from 'yaml';
const text = readFileSync('tools/gitlab2jenkins/test/corpus/real-omnibus-gitlab/gitlab-ci-config/gitlab-com.yml', 'utf8');
const time = (name: string, f: () => void) => { for (let i = 0; i < 5; i++) f(); const t0 = process.hrtime.bigint(); for (let i = 0; i < 10; i++) f(); console.log(name, Number(process.hrtime.bigint() - t0) / 1e7); };
time('plain', () => parseDocument(text));
time('merge', () => parseDocument(text, { merge: true }));
time('lc', () => parseDocument(text, { lineCounter: new LineCounter() }));
time('unique false', () => parseDocument(text, { uniqueKeys: false }));
time('keepSourceTokens false,strict false', () => parseDocument(text, { strict: false }));
