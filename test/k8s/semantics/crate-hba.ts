/**
 * CrateDB's host-based authentication, evaluated over rendered `-C` settings, following CrateDB 4.6.7
 * (test/k8s/upstream-facts.ts, CRATE_4_6_HBA: HostBasedAuthentication.java, HttpAuthUpstreamHandler.java,
 * docs/admin/auth): entries in the string order of their keys, the first matching user, address,
 * protocol and ssl decides with its method; none matching: refused. No DNS here: a host-name address
 * matches only the same literal IP.
 */
import { CRATE_4_6_HBA } from '../upstream-facts';

/** A login attempt as CrateDB sees it. */
export interface CrateLogin {
  readonly protocol: 'pg' | 'http' | 'transport';
  /** The peer's IP address. */
  readonly address: string;
  /** pg: the startup message's user and password. */
  readonly user?: string;
  readonly password?: string;
  /** http: request headers, lower-case names (`authorization`, `x-real-ip`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly ssl?: boolean;
}

export interface CrateLoginVerdict {
  readonly allowed: boolean;
  /** The deciding entry's key, if any. */
  readonly entry?: string;
  readonly reason: string;
}

const ipv4 = (address: string) => {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
};

function addressMatches(entry: string | undefined, address: string): boolean {
  if (entry === undefined) return true;
  if (entry === '_local_') return (CRATE_4_6_HBA.localAddresses as readonly string[]).includes(address);
  const slash = entry.indexOf('/');
  if (slash < 0) return entry === address;
  const [base, bits] = [ipv4(entry.slice(0, slash)), Number(entry.slice(slash + 1))];
  const value = ipv4(address);
  if (base === undefined || value === undefined) return false;
  const size = 2 ** (32 - bits);
  const min = Math.floor(base / size) * size;
  return min <= value && value < min + size;
}

function sslMatches(entry: string | undefined, ssl: boolean): boolean {
  if (entry === undefined || entry === '') return true;
  const mode = { on: 'required', true: 'required', off: 'never', false: 'never', optional: 'optional' }[entry.toLowerCase()];
  if (mode === undefined) throw new Error(`${entry} is not a valid HBA SSL setting`);
  return mode === 'optional' || (mode === 'required') === ssl;
}

export class CrateHostBasedAuth {
  private readonly enabled: boolean;
  private readonly entries: [string, Record<string, string>][];
  private readonly httpDefaultUser: string;

  /**
   * @param settings the node's settings (`-C` arguments without the `-C`, as key/value)
   * @param users the users that exist, with their passwords (undefined: none); `crate` always exists
   */
  constructor(settings: Readonly<Record<string, string>>, private readonly users: ReadonlyMap<string, string | undefined>) {
    this.enabled = settings[CRATE_4_6_HBA.enabledSetting] === 'true';
    const groups = new Map<string, Record<string, string>>();
    for (const [key, value] of Object.entries(settings)) {
      if (!key.startsWith(CRATE_4_6_HBA.entryPrefix)) continue;
      const [group, field, ...rest] = key.slice(CRATE_4_6_HBA.entryPrefix.length).split('.');
      if (!field || rest.length > 0 || !(CRATE_4_6_HBA.entryFields as readonly string[]).includes(field)) throw new Error(`unknown HBA setting ${key}`);
      groups.set(group, { ...groups.get(group), [field]: value });
    }
    // Java's natural order of String keys: by UTF-16 code units, as JavaScript's default sort.
    this.entries = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.httpDefaultUser = settings['auth.trust.http_default_user'] ?? CRATE_4_6_HBA.httpDefaultUser;
  }

  private exists(user: string) {
    return user === CRATE_4_6_HBA.superuser || this.users.has(user);
  }

  login(attempt: CrateLogin): CrateLoginVerdict {
    let { user, password, address } = attempt;
    if (attempt.protocol === 'http') {
      const auth = attempt.headers?.authorization;
      if (auth?.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice('Basic '.length), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        [user, password] = colon < 0 ? [decoded, undefined] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
      } else {
        [user, password] = [this.httpDefaultUser, undefined];
      }
      address = attempt.headers?.[CRATE_4_6_HBA.realIpHeader] ?? address;
    }
    if (user === undefined) return { allowed: false, reason: 'no user' };
    if (!this.enabled) return this.exists(user) ? { allowed: true, reason: 'authentication disabled: trusted' } : { allowed: false, reason: `no user ${user}` };
    const match = this.entries.find(
      ([, e]) =>
        (e.user === undefined || e.user === user) &&
        addressMatches(e.address, address) &&
        (e.protocol === undefined || e.protocol === attempt.protocol) &&
        sslMatches(e.ssl, attempt.ssl ?? false),
    );
    if (!match) return { allowed: false, reason: `no entry for host ${address}, user ${user}, protocol ${attempt.protocol}` };
    const [entry, fields] = match;
    const method = fields.method ?? CRATE_4_6_HBA.defaultMethod;
    if (method === 'trust') return this.exists(user) ? { allowed: true, entry, reason: 'trust' } : { allowed: false, entry, reason: `trust: no user ${user}` };
    if (method === 'password') {
      const stored = user === CRATE_4_6_HBA.superuser ? undefined : this.users.get(user);
      const ok = this.users.has(user) && stored !== undefined && password === stored;
      return { allowed: ok, entry, reason: ok ? 'password' : 'password authentication failed' };
    }
    return { allowed: false, entry, reason: `${method}: needs a client certificate` };
  }
}

/** The `-C` settings among a container's arguments. */
export const crateSettings = (args: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    args
      .filter((a) => a.startsWith('-C'))
      .map((a) => {
        const eq = a.indexOf('=');
        return [a.slice(2, eq), a.slice(eq + 1)];
      }),
  );
