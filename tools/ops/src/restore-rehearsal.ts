/**
 * The restore rehearsal an operator runs against a pilot's staging namespace: restore the latest
 * (or a chosen) MongoDB dump and CrateDB snapshot into fresh claims, start a scratch Orion and
 * QuantumLeap on them, and query an entity of the pilot's tenant back through each. It drives
 * `kubectl` and `aws` as the operator is logged in; it refuses any namespace but a staging one.
 */
import { randomBytes } from 'crypto';
import { App } from 'cdk8s';
import { InputError, parseFlags, UsageError } from '../../../lib/command-line';
import { PlatformModel } from '../../../lib/config/load-config';
import { deliveringPilots, stagingNamespace } from '../../../lib/lifecycle/delivery-namespaces';
import { STORE_COPY_PREFIXES, storeCopiesBucketName } from '../../../lib/store-copies-address';
import { CRATE_PASSWORD_KEY } from '../../../k8s/fiware/crate-authentication';
import { CRATE_USER_SECRETS } from '../../../k8s/fiware/fiware-chart';
import { Orion } from '../../../k8s/fiware/orion';
import { QuantumLeap } from '../../../k8s/fiware/quantumleap';
import { RESTORE_JOB, RestoreRehearsalChart } from '../../../k8s/operations/restore-rehearsal-chart';

export interface RehearsalOptions {
  readonly pilot?: string;
  /** @default the pilot's staging namespace (the only one allowed) */
  readonly namespace?: string;
  /** @default the latest dump */
  readonly mongoDump?: string;
  /** @default the latest snapshot */
  readonly crateSnapshot?: string;
}

/** The command line of `npm run restore:rehearse`: the rehearsal's options and the config folder. */
export function rehearsalFlags(argv: readonly string[]): { readonly options: RehearsalOptions; readonly config: string } {
  const flags = parseFlags(argv, ['pilot', 'namespace', 'mongo-dump', 'crate-snapshot', 'config']);
  return { config: flags.config ?? 'config', options: { pilot: flags.pilot, namespace: flags.namespace, mongoDump: flags['mongo-dump'], crateSnapshot: flags['crate-snapshot'] } };
}

/** Runs a command (`kubectl`, `aws`), optionally with standard input. */
export type Runner = (command: string, args: readonly string[], input?: string) => { readonly status: number | null; readonly stdout: string; readonly stderr: string };

/** The namespace, tenant and bucket of a rehearsal; usage errors name the flag at fault. */
export function rehearsalTarget(model: PlatformModel, options: RehearsalOptions) {
  if (!options.pilot) throw new UsageError('--pilot is required');
  const pilot = model.pilots.find((p) => p.name === options.pilot);
  if (!pilot) throw new UsageError(`--pilot ${options.pilot} is not a pilot of this config; pilots: ${model.pilots.map((p) => p.name).join(', ')}`);
  if (!deliveringPilots(model).includes(pilot.name)) {
    throw new UsageError(`--pilot ${pilot.name} has no staging namespace (none of its components is delivered by CD); a rehearsal never runs in a production namespace`);
  }
  const staging = stagingNamespace(pilot.name);
  if (options.namespace !== undefined && options.namespace !== staging) {
    throw new UsageError(`--namespace ${options.namespace} is not ${pilot.name}'s staging namespace (${staging}); a rehearsal runs only there, never in a production or platform namespace`);
  }
  if (options.mongoDump !== undefined && !options.mongoDump.startsWith(STORE_COPY_PREFIXES.mongo)) {
    throw new UsageError(`--mongo-dump ${options.mongoDump} is not a dump key; dumps are under ${STORE_COPY_PREFIXES.mongo}`);
  }
  if (options.crateSnapshot !== undefined && !/^copy_\d{14}$/.test(options.crateSnapshot)) {
    throw new UsageError(`--crate-snapshot ${options.crateSnapshot} is not a snapshot name such as copy_20261202014500`);
  }
  return { namespace: staging, tenant: pilot.fiwareService, bucket: storeCopiesBucketName(model.platform.name, model.platform.environment), region: model.platform.environment.region };
}

/** Runs the rehearsal; returns the exit code. Every step's failure stops it with the step named. */
export function rehearseRestore(model: PlatformModel, options: RehearsalOptions, run: Runner, say: (line: string) => void): number {
  const { namespace, tenant, bucket, region } = rehearsalTarget(model, options);
  const step = (what: string, command: string, args: readonly string[], input?: string) => {
    say(`- ${what}`);
    const result = run(command, args, input);
    if (result.status !== 0) throw new InputError(`${what} failed (${command} exited ${result.status}): ${result.stderr.trim()}`);
    return result.stdout;
  };

  step(`${namespace} exists`, 'kubectl', ['get', 'namespace', namespace, '-o', 'name']);
  let mongoDump = options.mongoDump;
  if (!mongoDump) {
    const keys = step(`latest MongoDB dump in s3://${bucket}/${STORE_COPY_PREFIXES.mongo}`, 'aws', [
      's3api', 'list-objects-v2', '--bucket', bucket, '--prefix', STORE_COPY_PREFIXES.mongo, '--query', 'Contents[].Key', '--output', 'text',
    ])
      .split(/\s+/)
      .filter((k) => k.startsWith(STORE_COPY_PREFIXES.mongo) && k.endsWith('.archive.gz'));
    // Keys carry their UTC time, so the latest sorts last.
    mongoDump = keys.sort().at(-1);
    if (!mongoDump) throw new InputError(`no MongoDB dump under s3://${bucket}/${STORE_COPY_PREFIXES.mongo}: has the mongo-dump CronJob run?`);
  }
  // The scratch CrateDB requires logins like production's; throw-away passwords, on stdin only.
  const logins = Object.values(CRATE_USER_SECRETS).map((name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { [CRATE_PASSWORD_KEY]: randomBytes(24).toString('hex') } }));
  step(`scratch CrateDB logins (${Object.values(CRATE_USER_SECRETS).join(', ')})`, 'kubectl', ['apply', '-n', namespace, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: logins }));
  const app = new App();
  new RestoreRehearsalChart(app, 'restore-rehearsal', { namespace, bucket, region, mongoDump, crateSnapshot: options.crateSnapshot });
  step(`scratch stores, Orion, QuantumLeap and the restore of ${mongoDump} and ${options.crateSnapshot ?? 'the latest CrateDB snapshot'} applied`, 'kubectl', ['apply', '-n', namespace, '-f', '-'], app.synthYaml());
  step('restore finished', 'kubectl', ['wait', '-n', namespace, '--for=condition=complete', `job/${RESTORE_JOB}`, '--timeout=2h']);
  for (const name of ['orion', 'quantumleap']) step(`${name} available`, 'kubectl', ['rollout', 'status', '-n', namespace, `deployment/${name}`, '--timeout=10m']);

  const headers = { 'fiware-service': tenant, 'fiware-servicepath': '/#' };
  const orion = step(`an entity of tenant ${tenant} from the scratch Orion`, 'kubectl', [
    'exec', '-n', namespace, 'deployment/orion', '-c', 'orion', '--',
    'curl', '-fsS', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), `http://localhost:${Orion.PORT}/v2/entities?limit=1`,
  ]);
  const series = step(`the entity's history from the scratch QuantumLeap`, 'kubectl', [
    'exec', '-n', namespace, 'deployment/quantumleap', '-c', 'quantumleap', '--',
    'wget', '-qO-', ...Object.entries(headers).map(([k, v]) => `--header=${k}: ${v}`), `http://localhost:${QuantumLeap.PORT}/v2/entities?limit=1`,
  ]);
  for (const [service, answer] of [['Orion', orion], ['QuantumLeap', series]]) {
    const entities = parseEntities(answer);
    if (entities.length === 0) throw new InputError(`${service} on the restored copy answers no entity for tenant ${tenant}: the copy is empty or not restored`);
    say(`  ${service}: ${entities[0].id} (${entities[0].type})`);
  }
  say(`rehearsal passed. Remove it with: kubectl delete -n ${namespace} job/${RESTORE_JOB} statefulset/mongo statefulset/crate deployment/orion deployment/quantumleap pvc -l app=mongo pvc -l app=crate pvc/crate-snapshots`);
  return 0;
}

function parseEntities(answer: string): { id: string; type: string }[] {
  try {
    const parsed = JSON.parse(answer);
    return Array.isArray(parsed) ? parsed.filter((e) => typeof e?.id === 'string') : [];
  } catch {
    return [];
  }
}
