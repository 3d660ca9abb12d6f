import { ISTIO_SIDECAR_RESOURCES } from '../../k8s/tenancy/pilot-quota';
import { synthDemoCharts } from '../fixtures/demo-charts';
import { ISTIO_1_29_SIDECAR_RESOURCES } from './upstream-facts';

const demo = synthDemoCharts();

test('every pilot gets its own chart per namespace, applied after the platform charts', () => {
  const ids = demo.charts.map((c) => c.node.id);
  expect(ids.filter((id) => id.startsWith('pilot-'))).toEqual(['pilot-acme', 'pilot-acme-staging', 'pilot-bravo', 'pilot-bravo-staging']);
  expect(ids.indexOf('pilot-acme')).toBeGreaterThan(ids.indexOf('telemetry'));
});

describe.each(['acme', 'bravo', 'acme-staging', 'bravo-staging'])('pilot namespace pilot-%s', (pilot) => {
  const objects = demo.objects(`pilot-${pilot}`);
  const namespace = `pilot-${pilot}`;
  const policies = Object.fromEntries(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o.spec]));

  test('creates its namespace first, in the mesh, and everything else is in it', () => {
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled', 'iiot-platform/pilot': pilot.replace(/-staging$/, '') } } });
    expect(new Set(objects.slice(1).map((o) => o.metadata.namespace))).toEqual(new Set([namespace]));
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

/** Kubernetes quantities as the quota compares them: cpu in millicores, memory in MiB. */
const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const mebi = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : q.endsWith('Mi') ? Number(q.slice(0, -2)) : Number(q) / 2 ** 20);

describe.each(['acme', 'bravo'])('the quota of pilot %s leaves the workloads their budget beside the sidecars', (pilot) => {
  // ResourceQuota admission (Kubernetes docs, "Resource Quotas"): a pod is refused when the sum of its
  // containers' requests/limits plus what the namespace already uses exceeds `hard`. A pilot container
  // without resources gets the LimitRange defaults; Istio's injector adds its sidecar with its own.
  const objects = demo.objects(`pilot-${pilot}`);
  const hard = objects.find((o) => o.kind === 'ResourceQuota')!.spec.hard;
  const [limits] = objects.find((o) => o.kind === 'LimitRange')!.spec.limits;
  // Istio's own default for every sidecar (upstream chart values, test/k8s/upstream-facts.ts).
  const sidecar = ISTIO_1_29_SIDECAR_RESOURCES;
  const pod = {
    'requests.cpu': milli(limits.defaultRequest.cpu) + milli(sidecar.requests.cpu),
    'limits.cpu': milli(limits.default.cpu) + milli(sidecar.limits.cpu),
    'requests.memory': mebi(limits.defaultRequest.memory) + mebi(sidecar.requests.memory),
    'limits.memory': mebi(limits.default.memory) + mebi(sidecar.limits.memory),
  };
  const admitted = () => {
    let n = 0;
    const used = { 'requests.cpu': 0, 'limits.cpu': 0, 'requests.memory': 0, 'limits.memory': 0 };
    const fits = () =>
      n + 1 <= Number(hard.pods) &&
      (Object.keys(used) as (keyof typeof used)[]).every((k) => used[k] + pod[k] <= (k.endsWith('cpu') ? milli(hard[k]) : mebi(hard[k])));
    while (fits()) {
      for (const k of Object.keys(used) as (keyof typeof used)[]) used[k] += pod[k];
      n++;
    }
    return n;
  };
  test('default-sized pods with the Istio sidecar: as many as the workloads\' own 8-CPU limit budget holds (16), not 3', () => {
    expect(admitted()).toBeGreaterThanOrEqual(Math.min(Number(hard.pods), Math.floor(8000 / milli(limits.default.cpu))));
  });
});

describe('the sidecar the quota sizes for', () => {
  test("is Istio's default sidecar (global.proxy.resources of the istiod chart)", () => {
    expect(ISTIO_SIDECAR_RESOURCES).toEqual({
      requests: { cpuMillis: milli(ISTIO_1_29_SIDECAR_RESOURCES.requests.cpu), memoryMiB: mebi(ISTIO_1_29_SIDECAR_RESOURCES.requests.memory) },
      limits: { cpuMillis: milli(ISTIO_1_29_SIDECAR_RESOURCES.limits.cpu), memoryMiB: mebi(ISTIO_1_29_SIDECAR_RESOURCES.limits.memory) },
    });
  });
});
