/**
 * `npm run bench:synth`: times `cdk synth` as a whole process (median of 5) for the demo platform
 * and for 10, 50 and 200 pilots, with what each pilot added beyond the demo costs (seconds, and as a
 * share of the demo's time: the goal is at most 1%), and reports stacks, resources and template
 * sizes against CloudFormation's limits. A benchmark, not a test: it prints and never fails on
 * timing; a platform that does not synthesize is reported as such.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { platformWithPilots } from '../tools/ops/src/generated-pilots';

const ROOT = path.join(__dirname, '..');
const DEMO = path.join(ROOT, 'config');
const RUNS = 5;
const RESOURCE_LIMIT = 500;
const TEMPLATE_LIMIT = 1024 * 1024;

class SynthFailed extends Error {}

function synthOnce(configDir: string, outdir: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/cdk'), ['synth', '-q', '-c', `config=${configDir}`, '-o', outdir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new SynthFailed(run.stderr.split('\n').find((l) => /^\w*Error: /.test(l)) ?? run.stderr.trim().split('\n')[0]);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface StackFacts {
  readonly stack: string;
  readonly resources: number;
  readonly bytes: number;
}

function stackFacts(outdir: string): StackFacts[] {
  return fs
    .readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(outdir, f), 'utf8');
      return { stack: f.replace('.template.json', ''), resources: Object.keys(JSON.parse(text).Resources ?? {}).length, bytes: Buffer.byteLength(text) };
    });
}

const pct = (value: number, limit: number) => `${((100 * value) / limit).toFixed(1)}%`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const DEMO_PILOTS = 2;
const cases: [number, string][] = [
  [DEMO_PILOTS, DEMO],
  [10, platformWithPilots(DEMO, 10)],
  [50, platformWithPilots(DEMO, 50)],
  [200, platformWithPilots(DEMO, 200)],
];
console.log(`cdk synth, whole process, median of ${RUNS} runs (${os.cpus().length} cores)\n`);
console.log('| pilots | median s | min s | max s | s per added pilot | of the demo\'s time | stacks | resources | largest stack (resources) | largest template |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
let demoFacts: StackFacts[] = [];
let demoMedian = 0;
for (const [pilots, dir] of cases) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-bench-out-'));
  let times: number[];
  try {
    times = Array.from({ length: RUNS }, () => synthOnce(dir, outdir));
  } catch (e) {
    if (!(e instanceof SynthFailed)) throw e;
    console.log(`| ${pilots} | synth fails: ${e.message.replace(/\|/g, '\\|')} |`);
    continue;
  }
  const facts = stackFacts(outdir);
  if (dir === DEMO) {
    demoFacts = facts;
    demoMedian = median(times);
  }
  const perPilot = pilots === DEMO_PILOTS ? undefined : (median(times) - demoMedian) / (pilots - DEMO_PILOTS);
  const largest = facts.reduce((a, b) => (b.resources > a.resources ? b : a));
  const biggest = facts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  console.log(
    `| ${pilots} | ${median(times).toFixed(2)} | ${Math.min(...times).toFixed(2)} | ${Math.max(...times).toFixed(2)} | ` +
      `${perPilot === undefined ? '-' : perPilot.toFixed(3)} | ${perPilot === undefined ? '-' : pct(perPilot, demoMedian)} | ${facts.length} | ` +
      `${facts.reduce((n, f) => n + f.resources, 0)} | ${largest.stack} (${largest.resources}, ${pct(largest.resources, RESOURCE_LIMIT)} of ${RESOURCE_LIMIT}) | ` +
      `${biggest.stack} (${(biggest.bytes / 1024).toFixed(1)} KiB, ${pct(biggest.bytes, TEMPLATE_LIMIT)} of 1 MB) |`,
  );
}
console.log('\nDemo platform per stack:\n');
console.log('| stack | resources | of 500 | template KiB | of 1 MB |');
console.log('|---|---|---|---|---|');
for (const f of demoFacts) {
  console.log(`| ${f.stack} | ${f.resources} | ${pct(f.resources, RESOURCE_LIMIT)} | ${(f.bytes / 1024).toFixed(1)} | ${pct(f.bytes, TEMPLATE_LIMIT)} |`);
}
