/**
 * `npm run bench:gitlab2jenkins`: over the translator's corpus, the share of pipelines translated
 * and translated without warnings, the mean and worst translation time per file (in-process,
 * after one warm-up pass), the time for pipelines of several shapes at the service's 1 MiB cap, and which GitLab
 * keys each golden fixture uses. A benchmark, not a test: it prints and never fails on timing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { TRANSLATOR_MEMORY_MB, TRANSLATOR_TIMEOUT } from '../lib/constructs/translator-service';
import { translateFile, translateText } from '../tools/gitlab2jenkins/src/index';
import { MAX_BODY_BYTES } from '../tools/gitlab2jenkins/src/service-handler';
import { CORPUS, GOLDEN, samples } from '../tools/gitlab2jenkins/test/samples';

const RUNS = 10;
const FACTS = JSON.parse(readFileSync(join(__dirname, '..', 'tools', 'gitlab2jenkins', 'test', 'lambda-facts.json'), 'utf8')) as { megabytesPerVcpu: number };
const corpus = samples(CORPUS);

/** Warnings of each entry, or the error it fails with, and its wall and CPU time in ms. */
function pass(): { warnings: number | Error; ms: number; cpu: number }[] {
  return corpus.map((s) => {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let warnings: number | Error;
    try {
      warnings = translateFile(join(s.dir, '.gitlab-ci.yml'), { repoRoot: s.dir }).warnings.length;
    } catch (e) {
      warnings = e as Error;
    }
    const used = process.cpuUsage(cpu);
    return { warnings, ms: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1000 };
  });
}

const first = pass();
const times = corpus.map(() => 0);
const cpuTimes = corpus.map(() => 0);
for (let i = 0; i < RUNS; i++) {
  pass().forEach((r, j) => {
    times[j] += r.ms / RUNS;
    cpuTimes[j] += r.cpu / RUNS;
  });
}
const translated = first.filter((r) => typeof r.warnings === 'number');
const clean = translated.filter((r) => r.warnings === 0);
const pct = (n: number): string => `${((100 * n) / corpus.length).toFixed(1)} %`;
const worst = times.reduce((w, t, i) => (t > times[w] ? i : w), 0);
const real = corpus.filter((s) => s.name.startsWith('real-') || s.name.startsWith('gcl-')).length;
console.log(`corpus: ${corpus.length} pipelines (${real} copied from public repositories, see each SOURCE.json)`);
console.log(`translated: ${translated.length}/${corpus.length} (${pct(translated.length)}); without warnings: ${clean.length}/${corpus.length} (${pct(clean.length)})`);
const worstCpu = cpuTimes.reduce((w, t, i) => (t > cpuTimes[w] ? i : w), 0);
console.log(`time per file: mean ${(times.reduce((a, b) => a + b, 0) / corpus.length).toFixed(2)} ms, worst ${times[worst].toFixed(1)} ms (${corpus[worst].name}); warm, mean of ${RUNS} passes`);
console.log(`CPU per file: mean ${(cpuTimes.reduce((a, b) => a + b, 0) / corpus.length).toFixed(2)} ms, worst ${cpuTimes[worstCpu].toFixed(1)} ms (${corpus[worstCpu].name})`);
for (const [i, r] of first.entries()) if (r.warnings instanceof Error) console.log(`  not translated: ${corpus[i].name}: ${r.warnings.message}`);

// Pipelines as large as the service accepts, one per shape that costs the most per byte: jobs
// with artifacts in three stages, the smallest jobs, jobs with rules (a stage per outcome), one
// stage per job, a chain of needs.
const SHAPES: Record<string, { head: string; job: (i: number) => string }> = {
  artifacts: { head: 'stages: [build, test, deploy]\n', job: (i) => `job${i}:\n  stage: ${['build', 'test', 'deploy'][i % 3]}\n  script: echo ${i}\n  artifacts: {paths: [out${i}/]}\n` },
  minimal: { head: '', job: (i) => `j${i}: {script: x}\n` },
  rules: { head: '', job: (i) => `j${i}: {script: x, rules: [{if: '$A == "b"', when: manual}, {when: always}]}\n` },
  'stage per job': { head: `stages: [${Array.from({ length: 30_000 }, (_, k) => `s${k}`).join(', ')}]\n`, job: (i) => `j${i}: {stage: s${i}, script: x}\n` },
  'needs chain': { head: '', job: (i) => `j${i}: {script: x${i > 0 ? `, needs: [j${i - 1}]` : ''}}\n` },
};
for (const [shape, { head, job }] of Object.entries(SHAPES)) {
  const jobs: string[] = [];
  let size = head.length;
  for (let i = 0; ; i++) {
    const text = job(i);
    if (size + text.length > MAX_BODY_BYTES) break;
    jobs.push(text);
    size += text.length;
  }
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const big = translateText(head + jobs.join(''));
  const used = process.cpuUsage(cpu);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuMs = (used.user + used.system) / 1000;
  // Lambda gives CPU in proportion to memory (lambda-facts.json), so CPU time scales to its share.
  const lambdaMs = cpuMs / Math.min(1, TRANSLATOR_MEMORY_MB / FACTS.megabytesPerVcpu);
  console.log(
    `1 MiB (the service's cap), ${shape}: ${jobs.length} jobs in ${(size / 1024).toFixed(0)} KiB: ${wall.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms, on the ${TRANSLATOR_MEMORY_MB} MB Lambda about ${(lambdaMs / 1000).toFixed(1)} s of ${TRANSLATOR_TIMEOUT.toSeconds()} s), Jenkinsfile ${(big.jenkinsfile.length / 1024 / 1024).toFixed(1)} MiB`,
  );
}

// The GitLab keys each golden fixture uses (job keys, their sub-keys and `when:` values).
console.log('golden fixtures and the GitLab keys they use:');
for (const g of samples(GOLDEN)) {
  const docs = parseAllDocuments(readFileSync(join(g.dir, '.gitlab-ci.yml'), 'utf8'), { customTags: [{ tag: '!reference', collection: 'seq', resolve: (s) => s }], uniqueKeys: false });
  const root = (Array.isArray(docs) ? docs[docs.length - 1]?.toJS({ maxAliasCount: -1 }) : {}) as Record<string, unknown>;
  const keys = new Set<string>();
  const walk = (value: unknown, path: string, depth: number): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, path, depth));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const key = path ? `${path}:${k}` : k;
        keys.add(key);
        if (k === 'when' && typeof v === 'string') keys.add(`${key}=${v}`);
        if (depth < 2 && !['variables', 'matrix'].includes(k)) walk(v, key, depth + 1);
      }
    }
  };
  for (const [name, value] of Object.entries(root ?? {})) {
    if (['stages', 'default', 'include', 'workflow'].includes(name) || (name === 'variables' && value && typeof value === 'object')) keys.add(name);
    else walk(value, '', 0);
  }
  console.log(`  ${g.name}: ${[...keys].sort().join(', ')}`);
}
