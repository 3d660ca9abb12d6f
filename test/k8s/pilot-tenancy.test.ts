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

  test('allows DNS, istiod, the ingress gateway both ways, spans to Jaeger, and Prometheus scraping the sidecars', () => {
    const peer = (ns: string, labels: object) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: labels } });
    expect(policies['allow-dns'].egress).toEqual([
      { to: [peer('kube-system', { 'k8s-app': 'kube-dns' })], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
    ]);
    expect(policies['allow-istiod'].egress).toEqual([{ to: [peer('istio-system', { app: 'istiod' })], ports: [{ protocol: 'TCP', port: 15012 }] }]);
    expect(policies['allow-ingress-gateway'].ingress).toEqual([{ from: [peer('istio-system', { istio: 'ingressgateway' })] }]);
    expect(policies['allow-platform-services'].egress).toEqual([
      { to: [peer('istio-system', { istio: 'ingressgateway' })], ports: [{ protocol: 'TCP', port: 80 }] },
      { to: [peer('telemetry', { app: 'jaeger' })], ports: [{ protocol: 'TCP', port: 9411 }] },
    ]);
    expect(policies['allow-metrics-scraping'].ingress[0].from).toEqual([peer('telemetry', { app: 'prometheus' })]);
  });
});

test('FIWARE and OPA accept calls only from their own namespace and the gateway, so pilots cannot bypass the tenant policy', () => {
  const callers = (chart: string) => demo.objects(chart).find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'allowed-callers')!;
  expect(callers('fiware').spec).toEqual({ action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['fiware', 'istio-system'] } }] }] });
  expect(callers('tenant-policy').metadata.namespace).toBe('authz');
  expect(callers('tenant-policy').spec.rules).toEqual([{ from: [{ source: { namespaces: ['istio-system'] } }] }]);
});
