/**
 * Runs a pilot's rendered realm import (its Job's script and environment, its ConfigMap's files) against
 * a fake Keycloak admin CLI that behaves as KCADM_24 documents it: each command is checked against the
 * documented options, a session needs the admin's password, `get realms` prints one name a line,
 * `create realms -f` adds the file's realm and fails with 409 Conflict for an existing one. Keycloak can
 * be down for the first sessions, or fail to list. The script finds only the commands the server image
 * is sure to have on its PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeJson } from '../fixtures/demo-charts';
import { KCADM_24 } from './upstream-facts';

export interface RealmImportRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Each CLI call's arguments, `--config <file>` and passwords left out. */
  readonly calls: string[][];
  /** The realms Keycloak ends up with, by name. */
  readonly realms: Map<string, Record<string, unknown>>;
}

export interface FakeKeycloak {
  /** Realms that exist before the run (master is always there). */
  readonly realms?: readonly Record<string, unknown>[];
  /** Sessions refused (Keycloak still starting) before one succeeds. */
  readonly downFor?: number;
  /** Listing the realms fails (e.g. 500). */
  readonly listFails?: boolean;
  /**
   * The admin password Keycloak accepts.
   * @default the one in the admin Secret
   */
  readonly adminPassword?: string;
}

const FAKE_KCADM = `
const fs = require('fs');
const state = process.env.FAKE_KEYCLOAK;
const db = JSON.parse(fs.readFileSync(state + '/db.json', 'utf8'));
const commands = JSON.parse(process.env.FAKE_KCADM_COMMANDS);
const args = process.argv.slice(2);
const fail = (m, code = 1) => { process.stderr.write(m + '\\n'); process.exit(code); };
const command = args.slice(0, 2).join(' ');
const spec = commands.commands[command];
if (!spec) fail('Unknown command: ' + command);
const options = {};
for (let i = 2; i < args.length; i++) {
  const o = args[i];
  if (![...spec.options, ...commands.globalOptions].includes(o)) fail('Invalid option: ' + o);
  options[o] = o === '--noquotes' ? true : args[++i];
}
if (!options['--config']) fail('expected --config');
const logged = args.filter((a, i) => a !== '--config' && args[i - 1] !== '--config' && args[i - 1] !== '--password');
fs.appendFileSync(state + '/calls.jsonl', JSON.stringify(logged) + '\\n');
const save = () => fs.writeFileSync(state + '/db.json', JSON.stringify(db));
if (command === 'config credentials') {
  if (db.downFor > 0) { db.downFor--; save(); fail('Failed to send request - Connect to keycloak:8080 failed: Connection refused'); }
  if (options['--realm'] !== 'master' || options['--user'] !== db.admin.user || options['--password'] !== db.admin.password) fail('HTTP error - 401 Unauthorized');
  fs.writeFileSync(options['--config'], JSON.stringify({ server: options['--server'] }));
} else {
  if (!fs.existsSync(options['--config'])) fail('No server specified. Use --server, or kcadm.sh config credentials');
  if (command === 'get realms') {
    if (db.listFails) fail('HTTP error - 500 Internal Server Error');
    if (options['--fields'] !== 'realm' || options['--format'] !== 'csv' || !options['--noquotes']) fail('fake: unexpected listing ' + JSON.stringify(options));
    process.stdout.write(db.realms.map((r) => r.realm).join('\\n') + '\\n');
  } else {
    const realm = JSON.parse(fs.readFileSync(options['-f'], 'utf8'));
    if (db.realms.some((r) => r.realm === realm.realm)) fail('HTTP error - 409 Conflict');
    db.realms.push(realm);
    save();
  }
}
`;

const which = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();

/** The Job's container and the ConfigMap it mounts, from a pilot's rendered realm chart. */
export function realmImportOf(objects: readonly KubeJson[]) {
  const job = objects.find((o) => o.kind === 'Job')!;
  const pod = job.spec.template.spec;
  const [container] = pod.containers;
  const mounts = new Map<string, string>(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
  const configMapName = pod.volumes.find((v: { name: string }) => v.name === mounts.get('/realm')).configMap.name;
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName)!;
  return { job, pod, container, configMap };
}

/** Runs the import; `options.admin` is what the admin Secret holds. */
export function runRealmImport(
  objects: readonly KubeJson[],
  keycloak: FakeKeycloak,
  options: { admin?: { user: string; password: string }; attempts?: number } = {},
): RealmImportRun {
  const admin = options.admin ?? { user: 'admin', password: 's3cret-admin' };
  const { container, configMap } = realmImportOf(objects);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-import-'));
  const realmDir = path.join(dir, 'realm');
  fs.mkdirSync(realmDir);
  for (const [file, content] of Object.entries(configMap.data as Record<string, string>)) fs.writeFileSync(path.join(realmDir, file), content);
  const kcadm = path.join(dir, 'kcadm.sh');
  fs.writeFileSync(kcadm, `#!${process.execPath}\n${FAKE_KCADM}`, { mode: 0o755 });
  // Only the commands the server image is sure to have besides the admin CLI (KCADM_24.imageCommands).
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const command of KCADM_24.imageCommands) fs.symlinkSync(which(command), path.join(bin, command));
  fs.writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ admin: { ...admin, password: keycloak.adminPassword ?? admin.password }, downFor: keycloak.downFor ?? 0, listFails: keycloak.listFails ?? false, realms: [{ realm: 'master' }, ...(keycloak.realms ?? [])] }));
  // The container's environment with its paths moved under the temporary directory and the Secret resolved.
  const moved = (value: string) => (value === KCADM_24.path ? kcadm : value.replace(/^\/(realm|tmp)\//, (_m, mount) => `${mount === 'realm' ? realmDir : dir}/`));
  const env: Record<string, string> = { PATH: bin, FAKE_KEYCLOAK: dir, FAKE_KCADM_COMMANDS: JSON.stringify(KCADM_24) };
  for (const e of container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[]) {
    env[e.name] = e.value !== undefined ? moved(e.value) : e.valueFrom!.secretKeyRef.key === 'username' ? admin.user : admin.password;
  }
  // No waiting between attempts; fewer attempts where a test wants Keycloak to stay down.
  env.RETRY_SECONDS = '0';
  if (options.attempts !== undefined) env.ATTEMPTS = String(options.attempts);
  const [shell, script] = container.command as string[];
  const result = spawnSync(shell, [moved(script)], { env, encoding: 'utf8', timeout: 60_000 });
  const calls = fs.existsSync(path.join(dir, 'calls.jsonl')) ? fs.readFileSync(path.join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  const db = JSON.parse(fs.readFileSync(path.join(dir, 'db.json'), 'utf8')) as { realms: Record<string, unknown>[] };
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, realms: new Map(db.realms.map((r) => [String(r.realm), r])) };
}
