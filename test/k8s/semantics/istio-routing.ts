/**
 * Where Istio's ingress gateway sends a request, from a rendered VirtualService (Istio docs:
 * reference/config/networking/virtual-service, HTTPRoute, HTTPMatchRequest, HTTPRewrite; Envoy route
 * matching underneath):
 * - `http` routes are tried in order and the first whose `match` list has a matching entry wins (no
 *   `match`: every request); no matching route: the gateway answers 404;
 * - `uri.exact` compares the path without its query string; `uri.prefix` the beginning of the path;
 * - `rewrite.uri` replaces the matched prefix (for a prefix match) or the whole path (exact match);
 *   the query string is kept.
 * Regex matches and other match fields are not used by these charts and are refused.
 */
interface UriMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}
interface HttpRoute {
  readonly name?: string;
  readonly match?: readonly { readonly uri?: UriMatch; readonly [other: string]: unknown }[];
  readonly rewrite?: { readonly uri?: string };
  readonly route: readonly { readonly destination: { readonly host: string; readonly port?: { readonly number: number } } }[];
}
export interface VirtualServiceSpec {
  readonly http: readonly HttpRoute[];
}

export interface Routed {
  readonly route?: string;
  readonly host: string;
  readonly port?: number;
  /** The path the destination receives. */
  readonly path: string;
}

/** The destination and rewritten path of a request path (with query), or undefined for a 404. */
export function routeRequest(spec: VirtualServiceSpec, fullPath: string): Routed | undefined {
  const [path, query] = [fullPath.split('?')[0], fullPath.includes('?') ? fullPath.slice(fullPath.indexOf('?')) : ''];
  for (const route of spec.http) {
    const matched = route.match === undefined ? { prefix: '' } : route.match.map((m) => matchUri(m, path)).find((m) => m !== undefined);
    if (!matched) continue;
    const rewrite = route.rewrite?.uri;
    const newPath = rewrite === undefined ? path : 'exact' in matched ? rewrite : rewrite + path.slice(matched.prefix!.length);
    const [{ destination }] = route.route;
    return { route: route.name, host: destination.host, port: destination.port?.number, path: newPath + query };
  }
  return undefined;
}

function matchUri(m: { readonly uri?: UriMatch; readonly [other: string]: unknown }, path: string): { exact?: string; prefix?: string } | undefined {
  const others = Object.keys(m).filter((k) => k !== 'uri');
  if (others.length > 0 || m.uri?.regex !== undefined) throw new Error(`match fields not evaluated: ${[...others, ...(m.uri?.regex ? ['uri.regex'] : [])].join(', ')}`);
  if (!m.uri) return { prefix: '' };
  if (m.uri.exact !== undefined) return path === m.uri.exact ? { exact: m.uri.exact } : undefined;
  if (m.uri.prefix !== undefined) return path.startsWith(m.uri.prefix) ? { prefix: m.uri.prefix } : undefined;
  return undefined;
}
