import { Chart, Testing } from 'cdk8s';
import { ApiRoutes, publicPaths } from '../../k8s/mesh/api-routes';
import { synthDemoCharts } from '../fixtures/demo-charts';

const routing = synthDemoCharts().objects('mesh-routing');
const virtualService = routing.find((o) => o.kind === 'VirtualService')!;
const route = (name: string) => virtualService.spec.http.find((r: { name: string }) => r.name === name);

test('one gateway on the ingress gateway pods, which the API routes bind to', () => {
  const gateway = routing.find((o) => o.kind === 'Gateway')!;
  expect(gateway.metadata).toEqual({ name: 'platform-gateway', namespace: 'istio-system' });
  expect(gateway.spec.selector).toEqual({ istio: 'ingressgateway' });
  expect(virtualService.spec.gateways).toEqual(['istio-system/platform-gateway']);
});

test.each([
  ['orion', 'orion.fiware.svc.cluster.local', 1026],
  ['iota-north', 'iotagent-ul.fiware.svc.cluster.local', 4041],
  ['iota-south', 'iotagent-ul.fiware.svc.cluster.local', 7896],
  ['quantumleap', 'quantumleap.fiware.svc.cluster.local', 8668],
])('/%s and /%s/... reach %s:%i with the prefix rewritten to /', (name, host, port) => {
  expect(route(name)).toEqual({
    name,
    match: [{ uri: { exact: `/${name}` } }, { uri: { prefix: `/${name}/` } }],
    rewrite: { uri: '/' },
    route: [{ destination: { host, port: { number: port } } }],
  });
});

test("Keycloak's /auth path reaches it unchanged", () => {
  expect(route('auth')).toEqual({
    name: 'auth',
    match: [{ uri: { exact: '/auth' } }, { uri: { prefix: '/auth/' } }],
    route: [{ destination: { host: 'keycloak.identity.svc.cluster.local', port: { number: 8080 } } }],
  });
});

test('public paths: the version/about endpoints exactly, and all of Keycloak', () => {
  const routes = [
    { prefix: '/orion', host: 'o', port: 1, publicPaths: ['/version'] },
    { prefix: '/iota-south', host: 'i', port: 2 },
    { prefix: '/auth', host: 'k', port: 3, rewrite: false, publicPaths: 'all' as const },
  ];
  expect(publicPaths(routes)).toEqual({ exact: ['/orion/version', '/auth'], prefixes: ['/auth/'] });
});

test('route prefixes must be single segments and unique', () => {
  const define = (prefixes: string[]) => () =>
    new ApiRoutes(new Chart(Testing.app(), 'c'), 'r', { gateway: 'g/g', namespace: 'n', routes: prefixes.map((prefix) => ({ prefix, host: 'h', port: 1 })) });
  expect(define(['/orion/'])).toThrow(/route prefixes must look like \/name: \/orion\//);
  expect(define(['/orion', '/orion'])).toThrow(/route prefixes repeat/);
  expect(define(['/orion'])).not.toThrow();
});
