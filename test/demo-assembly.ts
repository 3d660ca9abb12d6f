/**
 * The demo platform synthesized once (gates on) and shared by every suite that only reads templates:
 * the assembly is kept under node_modules/.cache, keyed by a hash of everything synth reads (bin,
 * lib, k8s, config, cdk.json, package-lock.json, the translator's source), so a second suite, or a second `npm test` with no
 * source change, reuses it instead of synthesizing again. It is made by the app as `cdk synth` runs
 * it (cdk.json's command, outside jest's module loader), with the fixture's context and the gates
 * on. One worker synthesizes while the others wait on its lock file; the rename into place is
 * atomic, so a reader sees a whole assembly or none.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CDK_CONTEXT, DEMO_CONFIG, REPO_ROOT } from './fixtures/demo-platform';

// tools/gitlab2jenkins/src: the translator service's Lambda bundles it (lib/functions/gitlab2jenkins-service.ts).
const INPUTS = ['bin', 'lib', 'k8s', 'config', 'cdk.json', 'package-lock.json', 'tools/gitlab2jenkins/src'];
const CACHE = path.join(REPO_ROOT, 'node_modules', '.cache', 'iiot-demo-assembly');

export interface DemoAssembly {
  /** The cloud assembly folder (templates, assets, validation report). */
  readonly outdir: string;
  /** Every stack's template, by stack id. */
  readonly templates: ReadonlyMap<string, Template>;
}

let loaded: DemoAssembly | undefined;

export function demoAssembly(): DemoAssembly {
  if (loaded) return loaded;
  const outdir = path.join(CACHE, inputsHash());
  fs.mkdirSync(CACHE, { recursive: true });
  const lock = `${outdir}.lock`;
  while (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
    let fd: number;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch {
      if (lockHolderGone(lock)) fs.rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      synthesizeInto(outdir);
    } finally {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }
  const assembly = new cxapi.CloudAssembly(outdir);
  loaded = { outdir, templates: new Map(assembly.stacks.map((s) => [s.id, Template.fromJSON(s.template)])) };
  return loaded;
}

/** Runs the app as cdk.json says, into a staging folder that is renamed to `outdir` when whole. */
function synthesizeInto(outdir: string): void {
  const staging = `${outdir}.${process.pid}`;
  const [command, ...args] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).app.split(' ');
  // What the CLI hands the app; stack traces in metadata are off, as the CLI has them unless --debug.
  const context = { ...CDK_CONTEXT, config: DEMO_CONFIG, gates: 'true', [cxapi.DISABLE_METADATA_STACK_TRACE]: true };
  const run = spawnSync(command, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: staging, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  if (run.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`demo synth exited ${run.status}: ${run.error ?? ''}${run.stderr}`);
  }
  fs.renameSync(staging, outdir);
}

/** True when the worker that holds the lock has ended without removing it. */
function lockHolderGone(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    if (!pid) return false; // just created, its pid not written yet
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH' || (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** A hash of every file synth reads from the repository. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const add = (p: string) => {
    const full = path.join(REPO_ROOT, p);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isDirectory()) for (const f of fs.readdirSync(full).sort()) add(path.join(p, f));
    else hash.update(p).update(fs.readFileSync(full));
  };
  INPUTS.forEach(add);
  return hash.digest('hex').slice(0, 16);
}
