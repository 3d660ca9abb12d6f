import { Chart, Testing } from 'cdk8s';
import { ApiRoutes, publicPaths } from '../../k8s/mesh/api-routes';
import { synthDemoCharts } from '../fixtures/demo-charts';
import { routeRequest } from './semantics/istio-routing';

const routing = synthDemoCharts().objects('mesh-routing');
const virtualService = routing.find((o) => o.kind === 'VirtualService')!;

test('one gateway on the ingress gateway pods, which the API routes bind to', () => {
  const gateway = routing.find((o) => o.kind === 'Gateway')!;
  expect(gateway.metadata).toEqual({ name: 'platform-gateway', namespace: 'istio-system' });
  expect(gateway.spec.selector).toEqual({ istio: 'ingressgateway' });
  expect(virtualService.spec.gateways).toEqual(['istio-system/platform-gateway']);
});

const api = (path: string) => routeRequest(virtualService.spec, path);
const at = (host: string, port: number, path: string) => ({ host: `${host}.svc.cluster.local`, port, path });

test.each([
  ['/orion/v2/entities?type=Room', at('orion.fiware', 1026, '/v2/entities?type=Room')],
  ['/orion/version', at('orion.fiware', 1026, '/version')],
  ['/iota-north/iot/services', at('iotagent-ul.fiware', 4041, '/iot/services')],
  ['/iota-north/iot/about', at('iotagent-ul.fiware', 4041, '/iot/about')],
  ['/iota-south/iot/d?k=acme-key&i=dev1', at('iotagent-ul.fiware', 7896, '/iot/d?k=acme-key&i=dev1')],
  ['/quantumleap/v2/entities/urn:x', at('quantumleap.fiware', 8668, '/v2/entities/urn:x')],
  ['/quantumleap/version', at('quantumleap.fiware', 8668, '/version')],
  ['/auth/realms/acme/protocol/openid-connect/token', at('keycloak.identity', 8080, '/auth/realms/acme/protocol/openid-connect/token')],
  ['/auth/realms/bravo/protocol/openid-connect/certs', at('keycloak.identity', 8080, '/auth/realms/bravo/protocol/openid-connect/certs')],
  ['/auth/resources/x/login/keycloak/css/login.css', at('keycloak.identity', 8080, '/auth/resources/x/login/keycloak/css/login.css')],
])('%s reaches %o', (path, expected) => {
  expect(api(path)).toMatchObject(expected);
});

// Admin, operator and log-level endpoints, and whatever is not a tenant API: no route (404).
test.each([
  '/auth/admin/master/console/',
  '/auth/admin/realms/acme/users',
  '/auth/realms/master/protocol/openid-connect/token',
  '/auth/metrics',
  '/auth/health/ready',
  '/auth',
  '/orion/admin/log?level=DEBUG',
  '/orion/log/trace',
  '/orion/statistics',
  '/orion/admin/metrics',
  '/orion/v2',
  '/orion',
  '/orionx/v2/entities',
  '/iota-north/admin/log',
  '/iota-north/log',
  '/iota-south/iot/about',
  '/iota-south/admin/log',
  '/quantumleap/health',
  '/quantumleap/admin',
  '/prometheus/',
  '/kiali/',
  '/jaeger/',
  '/grafana/',
])('%s has no route', (path) => {
  expect(api(path)).toBeUndefined();
});

test('the route evaluator follows Istio: first match wins, exact ignores the query, rewrite replaces the matched prefix', () => {
  const spec = {
    http: [
      { name: 'a', match: [{ uri: { exact: '/x/v' } }], rewrite: { uri: '/v' }, route: [{ destination: { host: 'a' } }] },
      { name: 'b', match: [{ uri: { prefix: '/x/' } }], rewrite: { uri: '/' }, route: [{ destination: { host: 'b' } }] },
    ],
  };
  expect(routeRequest(spec, '/x/v?q=1')).toEqual({ route: 'a', host: 'a', port: undefined, path: '/v?q=1' });
  expect(routeRequest(spec, '/x/v/w')).toEqual({ route: 'b', host: 'b', port: undefined, path: '/v/w' });
  expect(routeRequest(spec, '/y')).toBeUndefined();
});

test('public paths: the version/about endpoints exactly, and all of Keycloak', () => {
  const routes = [
    { prefix: '/orion', host: 'o', port: 1, publicPaths: ['/version'] },
    { prefix: '/iota-south', host: 'i', port: 2 },
    { prefix: '/auth', host: 'k', port: 3, rewrite: false, paths: ['/realms/a/', '/welcome'], publicPaths: 'all' as const },
    { prefix: '/open', host: 'o', port: 4, publicPaths: 'all' as const },
  ];
  expect(publicPaths(routes)).toEqual({ exact: ['/orion/version', '/auth/welcome', '/open'], prefixes: ['/auth/realms/a/', '/open/'] });
});

test('route prefixes must be single segments and unique', () => {
  const define = (prefixes: string[]) => () =>
    new ApiRoutes(new Chart(Testing.app(), 'c'), 'r', { gateway: 'g/g', namespace: 'n', routes: prefixes.map((prefix) => ({ prefix, host: 'h', port: 1 })) });
  expect(define(['/orion/'])).toThrow(/route prefixes must look like \/name: \/orion\//);
  expect(define(['/orion', '/orion'])).toThrow(/route prefixes repeat/);
  expect(define(['/orion'])).not.toThrow();
});
