import { App, Testing } from 'cdk8s';
import { loadConfig } from '../../lib/config/load-config';
import { definePlatformCharts } from '../../k8s/platform-charts';
import { DEMO_CONFIG } from '../fixtures/demo-platform';
import { validateKubeObject } from '../fixtures/kube-validate';

const charts = definePlatformCharts(new App(), loadConfig(DEMO_CONFIG));
const objects = (name: string) => Testing.synth(charts.find((c) => c.node.id === name)!);

test.each(charts.map((c) => c.node.id))('chart %s matches its snapshot', (name) => {
  expect(objects(name)).toMatchSnapshot();
});

test('every object of every chart validates against its kubernetes-models schema', () => {
  for (const chart of charts) for (const object of Testing.synth(chart)) validateKubeObject(object);
});

test('the generic validator rejects a bad object and an unknown kind', () => {
  expect(() => validateKubeObject({ apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', spec: { mtls: { mode: 'OFF-ISH' } } } as never)).toThrow(
    /mode must be equal to one of the allowed values/,
  );
  expect(() => validateKubeObject({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(/no schema for example\.com\/v1 Widget/);
});

describe('platform namespaces', () => {
  const namespaces = objects('platform-namespaces');

  test('shared and per-pilot namespaces, all with sidecar injection', () => {
    const ns = namespaces.filter((o) => o.kind === 'Namespace');
    expect(ns.map((o) => o.metadata.name).sort()).toEqual(['fiware', 'identity', 'pilot-acme', 'pilot-acme-staging', 'pilot-bravo', 'pilot-bravo-staging', 'telemetry']);
    for (const o of ns) expect(o.metadata.labels['istio-injection']).toBe('enabled');
  });

  test('mutual TLS is STRICT mesh-wide', () => {
    expect(namespaces).toContainEqual(
      expect.objectContaining({ kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } }),
    );
  });
});
