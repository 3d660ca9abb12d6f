import * as kplus from 'cdk8s-plus-28';

/**
 * Cluster-wide CrateDB privileges a user may hold. AL (administration: repositories, snapshots,
 * cluster settings, users) only for the snapshot job's login, which CREATE REPOSITORY and
 * CREATE SNAPSHOT require (CrateDB 4.6, "Privileges").
 */
export type CratePrivilege = 'DQL' | 'DML' | 'DDL' | 'AL';

/** The key of a user's Secret that holds its password. */
export const CRATE_PASSWORD_KEY = 'password';

/** A CrateDB login of one client. */
export interface CrateUser {
  /** Login name: lower-case letters, digits and `_`. */
  readonly name: string;
  /** Existing Secret whose `password` key holds the password (created by the operator, never rendered here). */
  readonly secret: kplus.ISecret;
  /** Cluster-wide privileges (schemas are created per tenant, so not grantable ahead by schema). */
  readonly privileges: readonly CratePrivilege[];
  /** The one protocol the user logs in with: `http` (port 4200) or `pg` (PostgreSQL wire protocol, 5432). */
  readonly protocol: 'http' | 'pg';
}

/** Where the users container finds each user's Secret, as files. */
export const CRATE_USERS_SECRETS_DIR = '/run/crate-users';

/** Written by the users container once every user is in place; its readiness and liveness check it. */
export const CRATE_USERS_APPLIED_FILE = '/tmp/crate-users-applied';

/** Passwords the users script accepts: they are written into SQL literals, so no quote or backslash. */
const PASSWORD_CHARACTERS = 'A-Za-z0-9._~+/=-';

function checkUsers(users: readonly CrateUser[]) {
  const names = new Set<string>();
  for (const user of users) {
    if (!/^[a-z][a-z0-9_]*$/.test(user.name)) throw new Error(`CrateDB user "${user.name}": a name is lower-case letters, digits and _, starting with a letter`);
    if (user.name === 'crate') throw new Error('CrateDB user "crate" is the superuser: it cannot have a password and logs in only from inside its pod');
    if (names.has(user.name)) throw new Error(`CrateDB user "${user.name}" is declared twice`);
    if (user.privileges.length === 0) throw new Error(`CrateDB user "${user.name}" has no privileges`);
    names.add(user.name);
  }
  if (users.length > 99) throw new Error('at most 99 CrateDB users');
}

/**
 * CrateDB's host-based authentication (CrateDB 4.6 `auth.host_based.*`), as `-C` settings: the first
 * entry (in the string order of their keys) matching user, address and protocol decides, and nothing
 * else gets in. The superuser `crate`, which cannot have a password, only over the PostgreSQL protocol
 * from 127.0.0.1 (`_local_`): that is the users container of CrateDB's own pod. Mesh traffic arrives
 * from the sidecar's 127.0.0.6, and HTTP is left out because an HTTP client chooses its address with
 * `X-Real-Ip`. Each user with its password, over its one protocol.
 */
export function crateHostBasedAuthSettings(users: readonly CrateUser[]): Record<string, string> {
  checkUsers(users);
  const entries: [string, Record<string, string>][] = [
    ['00', { user: 'crate', address: '_local_', protocol: 'pg', method: 'trust' }],
    ...users.map((u, i): [string, Record<string, string>] => [String(i + 1).padStart(2, '0'), { user: u.name, protocol: u.protocol, method: 'password' }]),
  ];
  return {
    'auth.host_based.enabled': 'true',
    ...Object.fromEntries(entries.flatMap(([key, fields]) => Object.entries(fields).map(([field, value]) => [`auth.host_based.config.${key}.${field}`, value]))),
  };
}

/**
 * The users container's script: as `crate` over the PostgreSQL protocol on 127.0.0.1, it creates each
 * user that does not exist, sets its password from its Secret (mounted under CRATE_USERS_SECRETS_DIR,
 * so a rotated Secret is picked up), grants its privileges, and repeats every `intervalSeconds`.
 * Statements go to psql on stdin, not its command line; statements of the superuser stay out of other
 * users' view of sys.jobs_log.
 */
export function crateUsersScript(users: readonly CrateUser[], intervalSeconds = 60): string {
  checkUsers(users);
  const ensure = users.map((u) => `ensure_user ${u.name} '${CRATE_USERS_SECRETS_DIR}/${u.name}/${CRATE_PASSWORD_KEY}' '${u.privileges.join(', ')}'`).join(' &&\n    ');
  return `#!/bin/sh
# CrateDB's users from their Secrets (k8s/fiware/crate-authentication.ts).
set -u
export PGSSLMODE=disable PGGSSENCMODE=disable
sql() { psql -h 127.0.0.1 -p 5432 -U crate -d doc -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
password_in() {
  password=$(cat "$1") || return 1
  case "$password" in
    '' | *[!${PASSWORD_CHARACTERS}]*) echo "crate-users: $1 must hold a password of the characters ${PASSWORD_CHARACTERS}" >&2; return 1 ;;
  esac
  printf '%s' "$password"
}
ensure_user() {
  password=$(password_in "$2") || return 1
  found=$(sql -c "SELECT count(*) FROM sys.users WHERE name = '$1'") || return 1
  if [ "$found" = 0 ]; then statement="CREATE USER $1 WITH"; else statement="ALTER USER $1 SET"; fi
  printf "%s (password = '%s');\\n" "$statement" "$password" | sql -f - || return 1
  sql -c "GRANT $3 TO $1" || return 1
}
while :; do
  if ${ensure}; then
    touch ${CRATE_USERS_APPLIED_FILE}
  else
    echo "crate-users: could not set the users (CrateDB not up yet?); retrying in ${intervalSeconds} s" >&2
  fi
  sleep ${intervalSeconds}
done
`;
}
