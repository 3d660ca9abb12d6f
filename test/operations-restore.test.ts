/**
 * The restore rehearsal as an operator runs it (`npm run restore:rehearse`) against stub
 * `kubectl` and `aws` that log every call: the order of its steps, what it applies (only into the
 * pilot's staging namespace, the latest dump unless told otherwise), that it stops on a failed step
 * or an empty answer, that it refuses any other namespace before calling anything, and usage errors
 * naming the flag. The restore Job it applies then runs against stub tools like the copy jobs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { InputError, UsageError } from '../lib/command-line';
import { loadConfig } from '../lib/config/load-config';
import { STORE_COPY_PREFIXES, storeCopiesBucketName } from '../lib/store-copies-address';
import { rehearsalFlags, rehearseRestore } from '../tools/ops/src/restore-rehearsal';
import { runCopyPod } from './fixtures/copy-pod';
import { runScript } from './fixtures/run-script';
import { DEMO_CONFIG } from './fixtures/demo-paths';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const model = loadConfig(DEMO_CONFIG);
const BUCKET = storeCopiesBucketName(model.platform.name, model.platform.environment);
const ACME = model.pilots.find((p) => p.name === 'acme')!;

interface Answers {
  /** Keys `aws s3api list-objects-v2` lists. */
  readonly dumps?: string;
  /** What the scratch Orion answers. */
  readonly orion?: string;
  /** A kubectl subcommand that fails. */
  readonly failing?: string;
}

/** Stub `kubectl` and `aws` in a fresh folder, logging every call; what they answer is set by `answers`. */
function stubTools(answers: Answers) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-'));
  const log = path.join(dir, 'calls.log');
  const applied = path.join(dir, 'applied.yaml');
  const stub = (name: string, body: string) =>
    fs.writeFileSync(path.join(dir, name), `#!${process.execPath}\nconst fs = require('fs'); const args = process.argv.slice(2);\nfs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([${JSON.stringify(name)}, ...args]) + '\\n');\n${body}`, { mode: 0o755 });
  stub(
    'kubectl',
    `if (${JSON.stringify(answers.failing ?? null)} === args[0]) { console.error('error: timed out waiting for the condition'); process.exit(1); }
if (args[0] === 'apply') fs.writeFileSync(${JSON.stringify(applied)}, fs.readFileSync(0));
if (args[0] === 'exec' && args.includes('orion')) process.stdout.write(${JSON.stringify(answers.orion ?? '[{"id":"urn:ngsi-ld:Press:1","type":"Press"}]')});
if (args[0] === 'exec' && args.includes('quantumleap')) process.stdout.write('[{"id":"urn:ngsi-ld:Press:1","type":"Press","index":["2026-12-01T10:00:00Z"]}]');`,
  );
  stub('aws', `process.stdout.write(${JSON.stringify(answers.dumps ?? 'mongo/2026-11-30T01-15-00Z.archive.gz\tmongo/2026-12-01T01-15-00Z.archive.gz\tmongo/2026-11-29T01-15-00Z.archive.gz')});`);
  return {
    dir,
    calls: () => (fs.existsSync(log) ? (fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) as string[][]) : []),
    objects: () => (fs.existsSync(applied) ? (parseAllDocuments(fs.readFileSync(applied, 'utf8')).map((d) => d.toJSON()).filter(Boolean) as Json[]) : []),
  };
}

/** The command as the operator runs it (`npm run restore:rehearse`), with the stubs first on the PATH. */
function rehearse(args: string[], answers: Answers = {}) {
  const tools = stubTools(answers);
  const r = runScript('scripts/restore-rehearsal.ts', args, { ...process.env, PATH: `${tools.dir}:${process.env.PATH}` });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls: tools.calls(), objects: tools.objects() };
}

/**
 * The command's flag parsing and rehearsal in-process, running the same stubs as separate processes
 * (a node start each, not a TypeScript loader's); what it throws is returned (the command prints its message).
 */
function rehearseInProcess(args: string[], answers: Answers = {}) {
  const tools = stubTools(answers);
  let error: unknown;
  try {
    const { options, config } = rehearsalFlags(args);
    rehearseRestore(loadConfig(config), options, (command, argv, input) => {
      const r = spawnSync(path.join(tools.dir, command), argv, { input, encoding: 'utf8' });
      return { status: r.error ? 127 : r.status, stdout: r.stdout ?? '', stderr: r.error ? String(r.error.message) : (r.stderr ?? '') };
    }, () => undefined);
  } catch (e) {
    error = e;
  }
  return { error: error as Error | undefined, calls: tools.calls(), objects: tools.objects() };
}

describe('a rehearsal in the staging namespace', () => {
  const staging = `pilot-${ACME.name}-staging`;
  const run = rehearse(['--pilot', ACME.name, '--config', DEMO_CONFIG]);

  test('checks the namespace, picks the latest dump, applies, waits for the restore and the services, then queries the tenant through Orion and QuantumLeap', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.calls.map((c) => c.slice(0, 2).join(' '))).toEqual([
      'kubectl get',
      'aws s3api',
      'kubectl apply',
      'kubectl apply',
      'kubectl wait',
      'kubectl rollout',
      'kubectl rollout',
      'kubectl exec',
      'kubectl exec',
    ]);
    expect(run.calls[1]).toEqual(['aws', 's3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', STORE_COPY_PREFIXES.mongo, '--query', 'Contents[].Key', '--output', 'text']);
    for (const c of run.calls.filter((x) => x[0] === 'kubectl')) expect(c).toContain(staging);
    // Throw-away logins for the scratch CrateDB first, then the chart that reads them.
    expect(run.calls[2]).toEqual(['kubectl', 'apply', '-n', staging, '-f', '-']);
    expect(run.calls[4]).toEqual(['kubectl', 'wait', '-n', staging, '--for=condition=complete', 'job/store-restore', '--timeout=2h']);
    expect(run.calls[7]).toEqual(expect.arrayContaining(['deployment/orion', '-H', `fiware-service: ${ACME.fiwareService}`]));
    expect(run.calls[8]).toEqual(expect.arrayContaining(['deployment/quantumleap', `--header=fiware-service: ${ACME.fiwareService}`]));
    expect(run.stdout).toMatch(/Orion: urn:ngsi-ld:Press:1 \(Press\)/);
    expect(run.stdout).toMatch(/rehearsal passed/);
  });

  test('everything it applies lives in the staging namespace, on fresh claims, and restores the latest dump', () => {
    expect(run.objects.length).toBeGreaterThan(5);
    expect(run.objects.filter((o) => o.metadata.namespace !== staging).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const job = run.objects.find((o) => o.kind === 'Job')!;
    const env = (job.spec.template.spec.initContainers[0].env as Json[]).find((e) => e.name === 'MONGO_DUMP_KEY')!;
    expect(env.value).toBe('mongo/2026-12-01T01-15-00Z.archive.gz');
    expect(run.objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name).sort()).toEqual(['crate', 'mongo']);
    expect(run.objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)).toEqual(['crate-snapshots']);
    // Orion and QuantumLeap point at the scratch stores, not the production ones.
    expect(JSON.stringify(run.objects.filter((o) => o.kind === 'Deployment'))).not.toContain('.fiware.svc');
  });

  test('the restore Job fetches the chosen copies and restores them into the scratch stores', () => {
    const job = run.objects.find((o) => o.kind === 'Job')!;
    const scripts = run.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'store-copy-scripts')!.data;
    const { results, calls, statements } = runCopyPod(job.spec.template.spec, scripts, { listedSnapshots: ['copy_20261201014500'] });
    expect(results.map((r) => [r.name, r.status])).toEqual([['fetch', 0], ['mongo-restore', 0], ['crate-restore', 0]]);
    const tools = calls.map((c) => c.slice(0, 3).join(' '));
    expect(tools).toEqual(expect.arrayContaining(['aws s3 cp', 'aws s3 sync']));
    expect(calls.find((c) => c[0] === 'aws' && c[2] === 'cp')![3]).toBe(`s3://${BUCKET}/mongo/2026-12-01T01-15-00Z.archive.gz`);
    expect(calls.find((c) => c[0] === 'mongorestore')).toEqual(expect.arrayContaining([`--uri=mongodb://mongo.${staging}.svc.cluster.local:27017`, '--gzip', '--drop']));
    expect(statements.slice(1)).toEqual([
      expect.stringMatching(/^CREATE REPOSITORY copies TYPE fs WITH \(location = '.*', readonly = true\)$/),
      "SELECT name FROM sys.snapshots WHERE repository = 'copies' ORDER BY started DESC LIMIT 1",
      'RESTORE SNAPSHOT copies.copy_20261201014500 ALL WITH (wait_for_completion = true)',
    ]);
  });

  test('a chosen dump and snapshot are restored instead of the latest', () => {
    const chosen = rehearseInProcess(['--pilot', ACME.name, '--config', DEMO_CONFIG, '--mongo-dump', 'mongo/2026-11-29T01-15-00Z.archive.gz', '--crate-snapshot', 'copy_20261129014500']);
    expect(chosen.error).toBeUndefined();
    expect(chosen.calls.filter((c) => c[0] === 'aws')).toEqual([]);
    const job = chosen.objects.find((o) => o.kind === 'Job')!.spec.template.spec;
    expect((job.initContainers[0].env as Json[]).find((e) => e.name === 'MONGO_DUMP_KEY')!.value).toBe('mongo/2026-11-29T01-15-00Z.archive.gz');
    expect(job.containers.find((c: Json) => c.name === 'crate-restore').env as Json[]).toContainEqual({ name: 'CRATE_SNAPSHOT', value: 'copy_20261129014500' });
  });

  test('a failed step or an empty answer fails the rehearsal with the step named', () => {
    // Through the command: a failed kubectl is exit 1 with the step on stderr.
    const waitFails = rehearse(['--pilot', ACME.name, '--config', DEMO_CONFIG], { failing: 'wait' });
    expect(waitFails.code).toBe(1);
    expect(waitFails.stderr).toMatch(/restore finished failed \(kubectl exited 1\)/);
    expect(waitFails.calls.filter((c) => c[1] === 'exec')).toEqual([]);
    const empty = rehearseInProcess(['--pilot', ACME.name, '--config', DEMO_CONFIG], { orion: '[]' });
    expect(empty.error).toBeInstanceOf(InputError);
    expect(empty.error!.message).toMatch(/Orion on the restored copy answers no entity for tenant acme/);
    const noDump = rehearseInProcess(['--pilot', ACME.name, '--config', DEMO_CONFIG], { dumps: 'None' });
    expect(noDump.error).toBeInstanceOf(InputError);
    expect(noDump.error!.message).toMatch(/no MongoDB dump under/);
    expect(noDump.calls.filter((c) => c[1] === 'apply')).toEqual([]);
  });
});

describe('refusals and usage', () => {
  const cases: [string[], RegExp][] = [
    [['--pilot', 'acme', '--namespace', 'pilot-acme'], /^--namespace pilot-acme is not acme's staging namespace \(pilot-acme-staging\)/],
    [['--pilot', 'acme', '--namespace', 'fiware'], /^--namespace fiware is not acme's staging namespace/],
    [['--pilot', 'acme', '--namespace', 'pilot-bravo-staging'], /^--namespace pilot-bravo-staging is not acme's staging namespace/],
    [['--pilot', 'nobody'], /^--pilot nobody is not a pilot of this config/],
    [[], /^--pilot is required/],
    [['--pilot'], /^--pilot needs a value/],
    [['--pilot', 'acme', '--mongo-dump', 'crate/index-5'], /^--mongo-dump crate\/index-5 is not a dump key/],
    [['--pilot', 'acme', '--crate-snapshot', 'latest'], /^--crate-snapshot latest is not a snapshot name/],
    [['--pilot', 'acme', '--bogus', 'x'], /^unknown flag --bogus/],
  ];
  // Each rule in-process, through the command's own flag parsing and rehearsal.
  test.each(cases)('%j is a usage error naming the flag, before any kubectl or aws call', (args, message) => {
    const r = rehearseInProcess([...args, '--config', DEMO_CONFIG]);
    expect(r.error).toBeInstanceOf(UsageError);
    expect(r.error!.message).toMatch(message);
    expect(r.calls).toEqual([]);
  });

  // As the operator meets them: a bad flag and a refused namespace, through the command.
  test.each([cases[8], cases[0]])('%j through the command exits 2 with the message and the usage, before any kubectl or aws call', (args, message) => {
    const r = rehearse([...args, '--config', DEMO_CONFIG]);
    expect(r.stderr).toMatch(new RegExp(`^restore:rehearse: ${message.source.slice(1)}`));
    expect(r.stderr).toMatch(/usage: npm run restore:rehearse/);
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
  });
});
