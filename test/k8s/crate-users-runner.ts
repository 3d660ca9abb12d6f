/**
 * Runs the rendered `crate-users` container script against a fake `psql` that keeps CrateDB's users
 * (sys.users, CREATE/ALTER USER, GRANT as CrateDB 4.6 documents them: CREATE fails for an existing
 * user, ALTER for a missing one) and logs each connection, and a fake `sleep` that ends the run after
 * the given number of rounds. Secrets are files at the container's mount paths, moved under a
 * temporary directory.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CRATE_USERS_APPLIED_FILE, CRATE_USERS_SECRETS_DIR } from '../../k8s/fiware/crate-authentication';
import { KubeJson } from '../fixtures/demo-charts';
import { CrateHostBasedAuth, crateSettings } from './semantics/crate-hba';

export interface CrateUsersRun {
  readonly status: number | null;
  readonly stderr: string;
  /** Each psql call: its arguments and the SQL it was given (`-c` or stdin). */
  readonly calls: { readonly args: string[]; readonly sql: string }[];
  /** The users CrateDB ends up with, and their passwords. */
  readonly users: Map<string, string | undefined>;
  readonly grants: Map<string, string[]>;
  /** Whether the script marked the users applied (what its probes check). */
  readonly applied: boolean;
}

const FAKE_PSQL = `
const fs = require('fs');
const state = process.env.FAKE_CRATE_STATE;
const args = process.argv.slice(2);
const sqlArg = args.indexOf('-c') >= 0 ? args[args.indexOf('-c') + 1] : undefined;
const sql = sqlArg ?? fs.readFileSync(0, 'utf8');
fs.appendFileSync(state + '/calls.jsonl', JSON.stringify({ args, sql }) + '\\n');
if (fs.existsSync(state + '/down')) { process.stderr.write('psql: error: connection to server at "127.0.0.1", port 5432 failed: Connection refused\\n'); process.exit(2); }
const db = JSON.parse(fs.readFileSync(state + '/db.json', 'utf8'));
const fail = (m) => { process.stderr.write('ERROR:  ' + m + '\\n'); process.exit(3); };
let m;
const s = sql.trim().replace(/;$/, '');
if ((m = /^SELECT count\\(\\*\\) FROM sys\\.users WHERE name = '([a-z0-9_]+)'$/.exec(s))) process.stdout.write((db.users[m[1]] !== undefined ? '1' : '0') + '\\n');
else if ((m = /^CREATE USER ([a-z0-9_]+) WITH \\(password = '([^'\\\\]*)'\\)$/.exec(s))) { if (db.users[m[1]] !== undefined) fail("UserAlreadyExistsException[User '" + m[1] + "' already exists]"); db.users[m[1]] = m[2]; }
else if ((m = /^ALTER USER ([a-z0-9_]+) SET \\(password = '([^'\\\\]*)'\\)$/.exec(s))) { if (db.users[m[1]] === undefined) fail("UserUnknownException[User '" + m[1] + "' does not exist]"); db.users[m[1]] = m[2]; }
else if ((m = /^GRANT ((?:DQL|DML|DDL|AL)(?:, (?:DQL|DML|DDL|AL))*) TO ([a-z0-9_]+)$/.exec(s))) { if (db.users[m[2]] === undefined) fail('unknown user'); db.grants[m[2]] = [...new Set([...(db.grants[m[2]] || []), ...m[1].split(', ')])]; }
else fail('fake CrateDB does not know: ' + s);
fs.writeFileSync(state + '/db.json', JSON.stringify(db));
`;

/**
 * @param script the container's `sh -c` script as rendered
 * @param options.rounds rounds of the script's loop (each ends at its `sleep`); before each round
 *   after the first, `between` may change a Secret or bring CrateDB up
 */
export function runCrateUsers(
  script: string,
  secrets: Record<string, string>,
  options: { rounds?: number; down?: boolean; existing?: Record<string, string>; between?: (round: number, files: { secret: (user: string, value: string) => void; up: () => void }) => void } = {},
): CrateUsersRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crate-users-'));
  const bin = path.join(dir, 'bin');
  const secretsDir = path.join(dir, 'secrets');
  fs.mkdirSync(bin);
  const secret = (user: string, value: string) => {
    fs.mkdirSync(path.join(secretsDir, user), { recursive: true });
    fs.writeFileSync(path.join(secretsDir, user, 'password'), value);
  };
  for (const [user, value] of Object.entries(secrets)) secret(user, value);
  fs.writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ users: options.existing ?? {}, grants: {} }));
  if (options.down) fs.writeFileSync(path.join(dir, 'down'), '');
  fs.writeFileSync(path.join(bin, 'psql'), `#!${process.execPath}\n${FAKE_PSQL}`, { mode: 0o755 });
  // The fake sleep ends the script (its parent): one run is one round of its loop.
  fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/sh\nkill -TERM $PPID\n', { mode: 0o755 });
  const applied = path.join(dir, 'applied');
  const relocated = script.split(CRATE_USERS_SECRETS_DIR).join(secretsDir).split(CRATE_USERS_APPLIED_FILE).join(applied);
  if (!script.includes(CRATE_USERS_SECRETS_DIR) || relocated.includes(CRATE_USERS_SECRETS_DIR)) throw new Error('the users script no longer reads its Secrets where the runner expects them');
  const world = { secret, up: () => fs.rmSync(path.join(dir, 'down'), { force: true }) };
  let stderr = '';
  let status: number | null = null;
  for (let round = 1; round <= (options.rounds ?? 1); round++) {
    if (round > 1) options.between?.(round, world);
    const result = spawnSync('sh', ['-c', relocated], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, FAKE_CRATE_STATE: dir } });
    stderr += result.stderr;
    status = result.status;
  }
  const db = JSON.parse(fs.readFileSync(path.join(dir, 'db.json'), 'utf8'));
  const calls = fs.existsSync(path.join(dir, 'calls.jsonl'))
    ? fs.readFileSync(path.join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
  return { status, stderr, calls, users: new Map(Object.entries(db.users)), grants: new Map(Object.entries(db.grants)), applied: fs.existsSync(applied) };
}

/** The rendered CrateDB pod: its `-C` settings, the users script, and which Secret each user's password file comes from. */
export function renderedCrate(fiware: readonly KubeJson[]) {
  const pod = fiware.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'crate')!.spec.template.spec;
  const [crate, users] = ['crate', 'crate-users'].map((n) => pod.containers.find((c: KubeJson) => c.name === n));
  const secretOfUser: Record<string, string> = Object.fromEntries(
    users.volumeMounts
      .filter((m: KubeJson) => m.mountPath.startsWith(`${CRATE_USERS_SECRETS_DIR}/`))
      .map((m: KubeJson) => [m.mountPath.split('/').pop(), pod.volumes.find((v: KubeJson) => v.name === m.name).secret.secretName]),
  );
  return { settings: crateSettings(crate.args), script: users.command[2] as string, secretOfUser, usersContainer: users };
}

/** Runs the rendered users script with the given Secret values (by Secret name); returns CrateDB's authentication afterwards. */
export function crateAfterUsersRan(fiware: readonly KubeJson[], secretValues: Readonly<Record<string, string>>) {
  const { settings, script, secretOfUser } = renderedCrate(fiware);
  const run = runCrateUsers(script, Object.fromEntries(Object.entries(secretOfUser).map(([user, secret]) => [user, secretValues[secret]])));
  return { run, hba: new CrateHostBasedAuth(settings, run.users) };
}

/** A container's environment with Secret references resolved from the given values (by Secret name). */
export const resolvedEnv = (container: KubeJson, secretValues: Readonly<Record<string, string>>): Record<string, string | undefined> =>
  Object.fromEntries(container.env.map((e: KubeJson) => [e.name, e.value ?? (e.valueFrom?.secretKeyRef ? secretValues[e.valueFrom.secretKeyRef.name] : undefined)]));
