/**
 * `npm run bench:synth`: times `cdk synth` as a whole process (median of 5; wall clock and CPU time)
 * for the demo platform and for 10, 50 and 200 pilots, with what each pilot added beyond the demo
 * costs (seconds, and as a share of the demo's time: the goal is at most 1%), and reports stacks, resources and template
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

interface Timing {
  /** Seconds of wall-clock time. */
  readonly wall: number;
  /** Seconds of CPU time (user + sys, the CLI and the app it runs): what other load on the machine distorts least. */
  readonly cpu: number;
}

/** `cdk synth` as the CLI runs it; bash's `times` reports the CPU time of its children (Node has no API for it). */
function synthOnce(configDir: string, outdir: string): Timing {
  const start = process.hrtime.bigint();
  const run = spawnSync('bash', ['-c', '"$@" >/dev/null; status=$?; times; exit $status', 'synth', path.join(ROOT, 'node_modules/.bin/cdk'), 'synth', '-q', '-c', `config=${configDir}`, '-o', outdir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new SynthFailed(run.stderr.split('\n').find((l) => /^\w*Error: /.test(l)) ?? run.stderr.trim().split('\n')[0]);
  // `times` prints the shell's user and sys time, then its children's: "0m5.120s 0m0.610s".
  const children = run.stdout.trim().split('\n').pop()!.split(' ').map((t) => {
    const [, minutes, seconds] = /^(\d+)m([\d.]+)s$/.exec(t)!;
    return Number(minutes) * 60 + Number(seconds);
  });
  return { wall, cpu: children[0] + children[1] };
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
console.log(`cdk synth, whole process, median of ${RUNS} runs (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at start)\n`);
console.log(
  '| pilots | median s | min s | max s | CPU s (user + sys) | s per added pilot | of the demo\'s time | CPU s per added pilot | of the demo\'s CPU | stacks | resources | largest stack (resources) | largest template |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
let demoFacts: StackFacts[] = [];
let demo: Timing = { wall: 0, cpu: 0 };
for (const [pilots, dir] of cases) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-bench-out-'));
  let runs: Timing[];
  try {
    runs = Array.from({ length: RUNS }, () => synthOnce(dir, outdir));
  } catch (e) {
    if (!(e instanceof SynthFailed)) throw e;
    console.log(`| ${pilots} | synth fails: ${e.message.replace(/\|/g, '\\|')} |`);
    continue;
  }
  const facts = stackFacts(outdir);
  const times = runs.map((r) => r.wall);
  const timing = { wall: median(times), cpu: median(runs.map((r) => r.cpu)) };
  if (dir === DEMO) {
    demoFacts = facts;
    demo = timing;
  }
  const perPilot = (of: keyof Timing) => (pilots === DEMO_PILOTS ? '-' : ((timing[of] - demo[of]) / (pilots - DEMO_PILOTS)).toFixed(3));
  const share = (of: keyof Timing) => (pilots === DEMO_PILOTS ? '-' : pct((timing[of] - demo[of]) / (pilots - DEMO_PILOTS), demo[of]));
  const largest = facts.reduce((a, b) => (b.resources > a.resources ? b : a));
  const biggest = facts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  console.log(
    `| ${pilots} | ${timing.wall.toFixed(2)} | ${Math.min(...times).toFixed(2)} | ${Math.max(...times).toFixed(2)} | ${timing.cpu.toFixed(2)} | ` +
      `${perPilot('wall')} | ${share('wall')} | ${perPilot('cpu')} | ${share('cpu')} | ${facts.length} | ` +
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
