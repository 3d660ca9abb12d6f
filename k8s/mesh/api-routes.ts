import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';

/** One path prefix of the public API and the service behind it. */
export interface ApiRoute {
  /** The prefix, without a trailing slash: `/orion`. Both `/orion` and `/orion/...` match. */
  readonly prefix: string;
  /** The destination Service's host name. */
  readonly host: string;
  /** The destination Service's port. */
  readonly port: number;
  /**
   * Strip the prefix, so `/orion/v2/entities` reaches the service as `/v2/entities`.
   * @default true
   */
  readonly rewrite?: boolean;
  /**
   * The only paths under the prefix the gateway routes: `/v2/` (ending in `/`) a prefix, `/version` an
   * exact path. Everything else under the prefix (admin, log-level, metrics and health endpoints) has
   * no route: the gateway answers 404 whatever the token.
   * @default the whole prefix
   */
  readonly paths?: readonly string[];
  /**
   * Paths under the prefix reachable without a token (`/version`), or `all` for every routed path.
   * @default none: every request needs a tenant token
   */
  readonly publicPaths?: readonly string[] | 'all';
}

/** The routed paths of a route, as full paths (`/orion/v2/`, `/orion/version`). */
const routedPaths = (route: ApiRoute) => (route.paths ?? ['', '/']).map((p) => `${route.prefix}${p}`);

/** Paths open without a token: exact paths and prefixes (ending in `/`). */
export interface PublicPaths {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
}

/** The public paths the routes declare, for the AuthorizationPolicy and the OPA policy alike. */
export function publicPaths(routes: readonly ApiRoute[]): PublicPaths {
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const route of routes) {
    if (route.publicPaths === 'all') {
      for (const path of routedPaths(route)) (path.endsWith('/') ? prefixes : exact).push(path);
    } else for (const path of route.publicPaths ?? []) exact.push(`${route.prefix}${path}`);
  }
  return { exact, prefixes };
}

export interface ApiRoutesProps {
  /** The routes, first match wins. */
  readonly routes: readonly ApiRoute[];
  /** The Gateway (`namespace/name`) the routes bind to. */
  readonly gateway: string;
  /** Namespace of the VirtualService. */
  readonly namespace: string;
  /**
   * Hosts the routes answer for.
   * @default ['*']
   */
  readonly hosts?: readonly string[];
}

/** The platform API on the ingress gateway: routing by path prefix, with the prefix rewritten away. */
export class ApiRoutes extends Construct {
  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    const prefixes = props.routes.map((r) => r.prefix);
    const invalid = prefixes.filter((p) => !/^\/[a-z0-9-]+$/.test(p));
    if (invalid.length > 0) throw new Error(`route prefixes must look like /name: ${invalid.join(', ')}`);
    if (new Set(prefixes).size !== prefixes.length) throw new Error(`route prefixes repeat: ${prefixes.join(', ')}`);
    const badPaths = props.routes.flatMap((r) => (r.paths ?? []).filter((p) => !/^\/[A-Za-z0-9._~\/-]*$/.test(p) || p.includes('//')).map((p) => `${r.prefix}: ${p}`));
    if (badPaths.length > 0) throw new Error(`routed paths must start with / and hold no wildcards: ${badPaths.join(', ')}`);

    addKubeObject(
      this,
      'VirtualService',
      new VirtualService({
        metadata: { name: 'platform-api', namespace: props.namespace },
        spec: {
          hosts: [...(props.hosts ?? ['*'])],
          gateways: [props.gateway],
          // One entry per routed path: Istio's rewrite replaces the matched prefix (or, for an exact
          // match, the whole path), so each path is rewritten to itself minus the route prefix.
          http: props.routes.flatMap((route) =>
            routedPaths(route).map((path) => {
              const rest = path.slice(route.prefix.length);
              return {
                name: `${route.prefix.slice(1)}${rest.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`,
                // `/orion/` as a prefix, not `/orion`, so `/orionx` does not match; exact paths match only themselves.
                match: [{ uri: path.endsWith('/') ? { prefix: path } : { exact: path } }],
                ...((route.rewrite ?? true) ? { rewrite: { uri: rest === '' ? '/' : rest } } : {}),
                route: [{ destination: { host: route.host, port: { number: route.port } } }],
              };
            }),
          ),
        },
      }),
    );
  }
}
