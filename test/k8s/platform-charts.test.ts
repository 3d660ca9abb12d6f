import { validateKubeObject } from '../fixtures/kube-validate';
import { podSpecs, synthDemoCharts } from '../fixtures/demo-charts';
import * as fs from 'fs';
import * as path from 'path';
import { CLUSTER_REQUIREMENTS } from '../../k8s/cluster-requirements';
import { WRITABLE_ROOT_FILESYSTEM } from '../../k8s/security/exceptions';
import { REPO_ROOT } from '../fixtures/demo-paths';
import { configWith } from '../fixtures/config-edit';
import { loadConfig } from '../../lib/config/load-config';

const demo = synthDemoCharts();
const containers = podSpecs(demo.all).flatMap(({ workload, spec }) =>
  [...(spec.initContainers ?? []), ...spec.containers].map((c) => ({ workload, pod: spec, c })),
);

test.each(demo.charts.map((c) => c.node.id))('chart %s matches its snapshot', (name) => {
  expect(demo.objects(name)).toMatchSnapshot();
});

test('every object of every chart validates against its kubernetes-models schema', () => {
  for (const object of demo.all) validateKubeObject(object);
});

test('the generic validator rejects a bad object and an unknown kind', () => {
  expect(() => validateKubeObject({ apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', spec: { mtls: { mode: 'OFF-ISH' } } } as never)).toThrow(
    /mode must be equal to one of the allowed values/,
  );
  expect(() => validateKubeObject({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(/no schema for example\.com\/v1 Widget/);
});

test('the namespaces chart applies first', () => {
  expect(demo.charts[0].node.id).toBe('platform-namespaces');
});

/** An image reference with an explicit tag that is not `latest` (a registry port is not a tag). */
const isPinned = (image: string) => /^[^:@]+(:\d+\/[^:@]+)?:(?!latest$)\w[\w.-]*$/.test(image);

test.each([
  ['mongo', false],
  ['mongo:latest', false],
  ['registry.example.com:5000/team/app', false],
  ['mongo:6.0.14', true],
  ['quay.io/keycloak/keycloak:24.0.5', true],
  ['registry.example.com:5000/team/app:1.2.3', true],
])('the pin check calls %s pinned: %s', (image, pinned) => {
  expect(isPinned(image)).toBe(pinned);
});

describe('every container', () => {
  test('runs a pinned image: an explicit tag that is not latest', () => {
    const unpinned = containers.filter(({ c }) => !isPinned(c.image));
    expect(unpinned.map(({ workload, c }) => `${workload}: ${c.image}`)).toEqual([]);
  });

  test('has CPU and memory requests and limits', () => {
    for (const { workload, c } of containers) {
      expect({ workload, requests: Object.keys(c.resources?.requests ?? {}).sort() }).toEqual({ workload, requests: ['cpu', 'memory'] });
      expect({ workload, limits: Object.keys(c.resources?.limits ?? {}).sort() }).toEqual({ workload, limits: ['cpu', 'memory'] });
    }
  });

  test('has readiness, liveness and startup probes', () => {
    for (const { workload, c } of containers.filter(({ pod, c }) => !(pod.initContainers ?? []).includes(c))) {
      expect({ workload, probes: [!!c.readinessProbe, !!c.livenessProbe, !!c.startupProbe] }).toEqual({ workload, probes: [true, true, true] });
    }
  });

  test('runs as a numeric non-root user without privileges or capabilities', () => {
    for (const { workload, c } of containers) {
      expect({ workload, ...c.securityContext }).toMatchObject({
        workload,
        runAsNonRoot: true,
        runAsUser: expect.any(Number),
        privileged: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.securityContext.runAsUser).toBeGreaterThan(0);
    }
  });

  test('has a read-only root filesystem unless listed as an exception', () => {
    const writable = containers.filter(({ c }) => c.securityContext.readOnlyRootFilesystem !== true).map(({ c }) => c.name);
    expect(writable.sort()).toEqual(Object.keys(WRITABLE_ROOT_FILESYSTEM).sort());
  });
});

describe('k8s/README.md', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'k8s', 'README.md'), 'utf8');

  test('lists every writable-root-filesystem exception', () => {
    for (const name of Object.keys(WRITABLE_ROOT_FILESYSTEM)) expect(readme).toContain(`**${name}**`);
  });

  test('lists every Secret the manifests reference, with its namespace', () => {
    const refs = new Set<string>();
    for (const { workload, c } of containers) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) refs.add(`| ${workload.split('/')[0]} | \`${e.valueFrom.secretKeyRef.name}\``);
    }
    expect(refs.size).toBeGreaterThan(0);
    for (const ref of refs) expect(readme).toContain(ref);
  });

  test('lists the charts in the order definePlatformCharts returns them', () => {
    const listed = [...readme.matchAll(/^\| \d+ \| `([\w<>-]+)`/gm)].map((m) => m[1]);
    // With a pilot that Argo CD syncs (no CD components), so the gitops chart exists too.
    const model = loadConfig(configWith({ 'pilots/acme.yaml': (d) => d.deleteIn(['components', 0, 'cd']) }));
    const ids = synthDemoCharts(model).charts.map((c) => c.node.id.replace(/^pilot-.*/, 'pilot-<name>').replace(/^gitops-.*/, 'gitops-<name>').replace(/^realm-.*/, 'realm-<name>'));
    expect(listed).toEqual([...new Set(ids)]);
  });
});

describe('the cluster requirements', () => {
  test('list exactly the Secrets the manifests reference, with their keys', () => {
    const referenced = new Map<string, Set<string>>();
    // The CronJobs' and Jobs' containers (the store copies, the realm imports) as well as the workloads'.
    const jobContainers = demo.all
      .flatMap((o) => (o.kind === 'CronJob' ? [[o, o.spec.jobTemplate.spec]] : o.kind === 'Job' ? [[o, o.spec]] : []))
      .flatMap(([o, job]) => job.template.spec.containers.map((c: any) => ({ workload: `${o.metadata.namespace}/${o.metadata.name}`, c })));
    for (const { workload, c } of [...containers, ...jobContainers]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const key = `${workload.split('/')[0]}/${ref.name}`;
        referenced.set(key, (referenced.get(key) ?? new Set()).add(ref.key));
      }
    }
    const declared = new Map(CLUSTER_REQUIREMENTS.secrets.map((s) => [`${s.namespace}/${s.name}`, new Set<string>(s.keys)]));
    expect(declared).toEqual(referenced);
  });

  test('name the StorageClass every claim uses and the label CrateDB requires', () => {
    const claims = demo.all.flatMap((o) => o.spec?.volumeClaimTemplates ?? []);
    expect(new Set(claims.map((c: { spec: { storageClassName: string } }) => c.spec.storageClassName))).toEqual(new Set([CLUSTER_REQUIREMENTS.storageClass]));
    expect(CLUSTER_REQUIREMENTS.crateNodes).toEqual({ labels: { 'iiot-platform/crate-ready': 'true' }, sysctls: { 'vm.max_map_count': '262144' } });
    expect(CLUSTER_REQUIREMENTS.istio.extensionProviders.map((p) => p.name)).toEqual(['opa-ext-authz', 'jaeger']);
  });
});

describe('platform namespaces', () => {
  const namespaces = demo.objects('platform-namespaces');

  test('shared namespaces here, per-pilot ones in the pilots\' charts, all with sidecar injection', () => {
    expect(namespaces.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual(['authz', 'fiware', 'identity', 'telemetry']);
    const ns = demo.all.filter((o) => o.kind === 'Namespace');
    expect(ns.map((o) => o.metadata.name).sort()).toEqual(['authz', 'fiware', 'identity', 'pilot-acme', 'pilot-acme-staging', 'pilot-bravo', 'pilot-bravo-staging', 'telemetry']);
    for (const o of ns) expect(o.metadata.labels['istio-injection']).toBe('enabled');
  });

  test('mutual TLS is STRICT mesh-wide', () => {
    expect(namespaces).toContainEqual(
      expect.objectContaining({ kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } }),
    );
  });

  test('every namespaced object lives in a namespace the platform creates or the cluster stack provides', () => {
    const created = new Set(demo.all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
    const provided = new Set(['istio-system', CLUSTER_REQUIREMENTS.argocdNamespace]);
    const stray = demo.all.filter((o) => o.metadata.namespace && !created.has(o.metadata.namespace) && !provided.has(o.metadata.namespace));
    expect(stray.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
  });
});
