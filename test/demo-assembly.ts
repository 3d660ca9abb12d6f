/**
 * The demo platform synthesized once (gates on) and shared by every suite that only reads templates:
 * the assembly is kept under node_modules/.cache, keyed by a hash of everything synth reads (bin,
 * lib, k8s, config, cdk.json, package-lock.json, the translator's source), so a second suite, or a second `npm test` with no
 * source change, reuses it instead of synthesizing again. It is made by the app as `cdk synth` runs
 * it (cdk.json's command, outside jest's module loader), with the fixture's context and the gates
 * on. A full jest run starts it in its globalSetup (test/global-setup.ts); otherwise the first worker
 * that needs it synthesizes it. Others wait on its lock file; the rename into place is atomic, so a
 * reader sees a whole assembly or none.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { appInvocation, runCdkApp } from './fixtures/cdk-app';
import { CDK_CONTEXT, DEMO_CONFIG, REPO_ROOT } from './fixtures/demo-paths';

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
  const outdir = assemblyFolder();
  const lock = `${outdir}.lock`;
  while (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
    if (!takeLock(lock)) {
      if (lockHolderGone(lock)) fs.rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      continue;
    }
    const staging = `${outdir}.${process.pid}`;
    const run = runCdkApp(staging, DEMO_CONTEXT);
    settle(outdir, staging, run.status === 0);
    if (run.status !== 0) throw new Error(`demo synth exited ${run.status}: ${run.error ?? ''}${run.stderr}`);
  }
  // Read on first use: a Template checks its template for cycles, and some suites need only the folder.
  let templates: Map<string, Template> | undefined;
  loaded = {
    outdir,
    get templates() {
      return (templates ??= new Map(new cxapi.CloudAssembly(outdir).stacks.map((s) => [s.id, Template.fromJSON(s.template)])));
    },
  };
  return loaded;
}

/**
 * Starts the shared assembly's synth in the background of this process (jest's globalSetup), holding
 * the lock under this process's id: the workers run other suites meanwhile, and only those that read
 * the assembly wait for it. Nothing happens when it is cached or being made. A failed synth only
 * leaves the lock free: the first suite that needs the assembly synthesizes it and reports why.
 */
export function startDemoAssembly(): void {
  const outdir = assemblyFolder();
  if (fs.existsSync(path.join(outdir, 'manifest.json')) || !takeLock(`${outdir}.lock`)) return;
  const staging = `${outdir}.${process.pid}`;
  const { command, args, options } = appInvocation(staging, DEMO_CONTEXT);
  const child = spawn(command, args, { ...options, stdio: 'ignore' });
  child.on('error', () => settle(outdir, staging, false));
  child.on('exit', (code) => settle(outdir, staging, code === 0));
}

/** What the CLI hands the app for the shared assembly; stack traces in metadata are off, as the CLI has them unless --debug. */
export const DEMO_CONTEXT = { ...CDK_CONTEXT, config: DEMO_CONFIG, gates: 'true', [cxapi.DISABLE_METADATA_STACK_TRACE]: true };

/** The folder of the assembly for the current sources. */
function assemblyFolder(): string {
  fs.mkdirSync(CACHE, { recursive: true });
  return path.join(CACHE, inputsHash());
}

/** Creates the lock file with this process's id; false when it exists. */
function takeLock(lock: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch {
    return false;
  }
  fs.writeSync(fd, String(process.pid));
  fs.closeSync(fd);
  return true;
}

/** A whole synth in `staging` becomes the assembly (the rename is atomic); a failed one goes. Then the lock goes. */
function settle(outdir: string, staging: string, succeeded: boolean): void {
  if (succeeded) fs.renameSync(staging, outdir);
  else fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(`${outdir}.lock`, { force: true });
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
