/**
 * `npm run bench:gitlab2jenkins`: mean translation time per `.gitlab-ci.yml` of the translator's
 * corpus (in-process, after one warm-up pass) and the share of the corpus translated with no
 * warning. A benchmark, not a test: it prints and never fails on timing.
 */
import { join } from 'node:path';
import { translateFile } from '../tools/gitlab2jenkins/src/index';
import { CORPUS, samples } from '../tools/gitlab2jenkins/test/samples';

const RUNS = 20;

const corpus = samples(CORPUS);
const translateAll = (): number[] => corpus.map((s) => translateFile(join(s.dir, '.gitlab-ci.yml'), { repoRoot: s.dir }).warnings.length);

const coldStart = process.hrtime.bigint();
const warnings = translateAll();
const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;
const start = process.hrtime.bigint();
for (let i = 0; i < RUNS; i++) translateAll();
const meanMs = Number(process.hrtime.bigint() - start) / 1e6 / RUNS / corpus.length;

const clean = warnings.filter((n) => n === 0).length;
console.log(`corpus: ${corpus.length} pipelines`);
console.log(`no warning: ${clean}/${corpus.length} (${Math.round((100 * clean) / corpus.length)}%)`);
console.log(`mean translation time per file: ${meanMs.toFixed(2)} ms (warm, mean of ${RUNS} passes); first pass ${(coldMs / corpus.length).toFixed(2)} ms/file`);
for (const [i, s] of corpus.entries()) if (warnings[i] > 0) console.log(`  ${s.name}: ${warnings[i]} warning(s)`);
