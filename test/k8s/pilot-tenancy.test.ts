import { synthDemoCharts } from '../fixtures/demo-charts';

const demo = synthDemoCharts();

test('every pilot gets its own chart, applied after the platform charts', () => {
  const ids = demo.charts.map((c) => c.node.id);
  expect(ids.filter((id) => id.startsWith('pilot-'))).toEqual(['pilot-acme', 'pilot-bravo']);
  expect(ids.indexOf('pilot-acme')).toBeGreaterThan(ids.indexOf('platform-namespaces'));
});

describe.each(['acme', 'bravo'])('pilot %s', (pilot) => {
  const objects = demo.objects(`pilot-${pilot}`);
  const namespace = `pilot-${pilot}`;
  const policies = Object.fromEntries(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o.spec]));

  test('everything is in its namespace', () => {
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set([namespace]));
  });

  test('has a quota on compute, storage and pods, and no load balancers or node ports', () => {
    const quota = objects.find((o) => o.kind === 'ResourceQuota')!;
    expect(Object.keys(quota.spec.hard).sort()).toEqual(
      ['limits.cpu', 'limits.memory', 'pods', 'requests.cpu', 'requests.memory', 'requests.storage', 'services.loadbalancers', 'services.nodeports'].sort(),
    );
    expect(quota.spec.hard['services.loadbalancers']).toBe('0');
  });

  test('gives containers default requests and limits, so the quota admits them', () => {
    const [limits] = objects.find((o) => o.kind === 'LimitRange')!.spec.limits;
    expect(limits).toMatchObject({ type: 'Container', defaultRequest: { cpu: expect.any(String), memory: expect.any(String) }, default: { cpu: expect.any(String), memory: expect.any(String) } });
  });

  test('denies all traffic by default', () => {
    expect(policies['default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });
});

// What these policies allow and deny, against the rendered FIWARE, identity and OPA policies: tenancy-matrix.test.ts.
