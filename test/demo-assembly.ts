/**
 * The demo platform synthesized once (gates on) and shared by every suite that only reads templates:
 * the assembly is kept under node_modules/.cache, keyed by a hash of everything synth reads (bin,
 * lib, k8s, config, cdk.json, package-lock.json), so a second suite, or a second `npm test` with no
 * source change, reuses it instead of synthesizing again. Concurrent workers may both synthesize the
 * first time; the rename into place is atomic, so either result is whole.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { REPO_ROOT, synthesizePlatform } from './fixtures/demo-platform';

const INPUTS = ['bin', 'lib', 'k8s', 'config', 'cdk.json', 'package-lock.json'];
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
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
    const fresh = synthesizePlatform();
    fs.mkdirSync(CACHE, { recursive: true });
    const staging = `${outdir}.${process.pid}`;
    fs.cpSync(fresh.outdir, staging, { recursive: true });
    try {
      fs.renameSync(staging, outdir);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another worker put its copy first
    }
  }
  const assembly = new cxapi.CloudAssembly(outdir);
  loaded = { outdir, templates: new Map(assembly.stacks.map((s) => [s.id, Template.fromJSON(s.template)])) };
  return loaded;
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
