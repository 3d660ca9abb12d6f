import { Document } from 'yaml';
import { loadConfig } from '../../lib/config/load-config';
import { PILOT_WORKLOAD_KINDS } from '../../k8s/gitops/pilot-delivery';
import { AppProjectSpec, isGroupKindPermitted, mayDeploy } from './semantics/argo-app-project';
import { configWith, problemsOf } from '../fixtures/config-edit';
import { synthDemoCharts } from '../fixtures/demo-charts';

// Pilots without CD components: Argo CD is then their namespace's one writer.
const withoutCd = (pilots: string[]) => loadConfig(configWith(Object.fromEntries(pilots.map((p) => [`pilots/${p}.yaml`, (d: Document) => d.deleteIn(['components', 0, 'cd'])]))));
const demo = synthDemoCharts(withoutCd(['acme', 'bravo']));
const gitops = ['acme', 'bravo'].flatMap((p) => demo.objects(`gitops-${p}`));
const find = (kind: string, name: string) => gitops.find((o) => o.kind === kind && o.metadata.name === name)!;

test('each pilot\'s delivery applies after its namespace is guarded', () => {
  const ids = demo.charts.map((c) => c.node.id);
  for (const p of ['acme', 'bravo']) expect(ids.indexOf(`gitops-${p}`)).toBe(ids.indexOf(`pilot-${p}`) + 1);
});

describe.each(['acme', 'bravo'])('pilot %s', (pilot) => {
  test('has a project confined to its namespace, the config repository and no cluster-scoped or guard-rail kinds', () => {
    const project = find('AppProject', `pilot-${pilot}`);
    expect(project.metadata.namespace).toBe('argocd');
    expect(project.spec).toMatchObject({
      sourceRepos: ['git@github.com:iiot-platform/deployments.git'],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: `pilot-${pilot}` }],
      clusterResourceWhitelist: [],
    });
    expect(project.spec.namespaceResourceBlacklist).toBeUndefined();
  });

  test('has an application syncing <path>/<pilot> automatically, self-healing and retrying', () => {
    const app = find('Application', `pilot-${pilot}`);
    expect(app.spec).toEqual({
      project: `pilot-${pilot}`,
      source: { repoURL: 'git@github.com:iiot-platform/deployments.git', targetRevision: 'main', path: `pilots/${pilot}` },
      destination: { server: 'https://kubernetes.default.svc', namespace: `pilot-${pilot}` },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        syncOptions: ['CreateNamespace=false'],
      },
    });
  });
});

test('each pilot namespace has one writer: the Jenkins delivery job for pilots with CD, Argo CD otherwise', () => {
  const applications = (model: ReturnType<typeof loadConfig>) =>
    synthDemoCharts(model).all.filter((o) => o.kind === 'Application').map((o) => o.spec.destination.namespace);
  expect(applications(loadConfig(configWith({})))).toEqual([]);
  expect(applications(withoutCd(['acme']))).toEqual(['pilot-acme']);
  expect(applications(withoutCd(['acme', 'bravo']))).toEqual(['pilot-acme', 'pilot-bravo']);
});

describe('the gitops config section', () => {
  test('is optional: without it no Argo CD objects are rendered', () => {
    const model = loadConfig(configWith({ 'platform.yaml': (d) => d.delete('gitops') }));
    expect(model.platform.gitops).toBeUndefined();
    expect(synthDemoCharts({ ...model, pilots: withoutCd(['acme']).pilots }).charts.map((c) => c.node.id)).not.toContain('gitops');
  });

  test('defaults revision and path', () => {
    const model = loadConfig(configWith({ 'platform.yaml': (d) => (d.deleteIn(['gitops', 'revision']), d.deleteIn(['gitops', 'path'])) }));
    expect(model.platform.gitops).toEqual({ repository: 'git@github.com:iiot-platform/deployments.git', revision: 'main', path: 'deploy/pilots' });
  });

  test.each([
    ['repository', 'github.com/x/y', /gitops\.repository = "github\.com\/x\/y": must be a git URL/],
    ['path', '/abs', /gitops\.path = "\/abs": must be relative to the repository root \(no leading \/\)/],
    ['path', 'a/../b', /gitops\.path = "a\/\.\.\/b": must not contain \. or \.\. parts \(stay inside the repository\)/],
    ['revision', 'main branch', /gitops\.revision = "main branch": may use only letters, digits, _, \., \/ and -/],
    ['colour', 'red', /gitops\.colour: unknown field colour; allowed: repository, revision, path/],
  ])('rejects %s = %s', (field, value, message) => {
    expect(problemsOf(configWith({ 'platform.yaml': (d) => d.setIn(['gitops', field], value) }))).toMatch(message);
  });
});

const IN_CLUSTER = 'https://kubernetes.default.svc';
const pilots = demo.model.pilots.map((p) => p.name);
/** Kinds a pilot repository could use to get past the platform: group, kind, and whether namespaced. */
const REFUSED = [
  ['networking.istio.io', 'VirtualService', true],
  ['networking.istio.io', 'Gateway', true],
  ['networking.istio.io', 'ServiceEntry', true],
  ['networking.istio.io', 'DestinationRule', true],
  ['networking.istio.io', 'Sidecar', true],
  ['networking.istio.io', 'EnvoyFilter', true],
  ['gateway.networking.k8s.io', 'HTTPRoute', true],
  ['networking.k8s.io', 'Ingress', true],
  ['networking.k8s.io', 'NetworkPolicy', true],
  ['security.istio.io', 'AuthorizationPolicy', true],
  ['security.istio.io', 'PeerAuthentication', true],
  ['security.istio.io', 'RequestAuthentication', true],
  ['', 'ResourceQuota', true],
  ['', 'LimitRange', true],
  ['', 'Pod', true],
  ['rbac.authorization.k8s.io', 'Role', true],
  ['rbac.authorization.k8s.io', 'RoleBinding', true],
  ['argoproj.io', 'Application', true],
  ['', 'Namespace', false],
  ['rbac.authorization.k8s.io', 'ClusterRoleBinding', false],
  ['apiextensions.k8s.io', 'CustomResourceDefinition', false],
  ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration', false],
] as const;

describe('the AppProject rules of Argo CD (evaluator test against the documented semantics)', () => {
  const gk = (group: string, kind: string) => ({ group, kind });
  test('namespaced: no whitelist permits all, an empty one none, a listed kind or glob only that; the blacklist wins', () => {
    expect(isGroupKindPermitted({}, gk('apps', 'Deployment'), true)).toBe(true);
    expect(isGroupKindPermitted({ namespaceResourceWhitelist: [] }, gk('apps', 'Deployment'), true)).toBe(false);
    expect(isGroupKindPermitted({ namespaceResourceWhitelist: [gk('apps', '*')] }, gk('apps', 'StatefulSet'), true)).toBe(true);
    expect(isGroupKindPermitted({ namespaceResourceWhitelist: [gk('apps', '*')] }, gk('', 'Service'), true)).toBe(false);
    expect(isGroupKindPermitted({ namespaceResourceBlacklist: [gk('*', 'Secret')] }, gk('', 'Secret'), true)).toBe(false);
  });
  test('cluster-scoped: an empty whitelist permits none (v2; all before), the blacklist wins', () => {
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [] }, gk('', 'Namespace'), false)).toBe(false);
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [] }, gk('', 'Namespace'), false, { legacyEmptyClusterWhitelist: true })).toBe(true);
    expect(isGroupKindPermitted({ clusterResourceWhitelist: [gk('*', '*')], clusterResourceBlacklist: [gk('', 'Namespace')] }, gk('', 'Namespace'), false)).toBe(false);
  });
  test('destinations match server and namespace globs', () => {
    const spec: AppProjectSpec = { destinations: [{ server: IN_CLUSTER, namespace: 'team-*' }] };
    expect(mayDeploy(spec, gk('', 'Service'), IN_CLUSTER, 'team-a')).toBe(true);
    expect(mayDeploy(spec, gk('', 'Service'), IN_CLUSTER, 'other')).toBe(false);
  });
});

describe.each(pilots)('what the Argo CD project of pilot %s lets its repository sync', (pilot) => {
  const spec: AppProjectSpec = find('AppProject', `pilot-${pilot}`).spec;
  const own = `pilot-${pilot}`;

  test.each(PILOT_WORKLOAD_KINDS.map((k) => [k.group || 'core', k.kind, k]))('%s/%s into its own namespace: allowed', (_g, _k, k) => {
    expect(mayDeploy(spec, k, IN_CLUSTER, own)).toBe(true);
  });

  test.each(REFUSED.map(([group, kind, namespaced]) => [group || 'core', kind, { group, kind }, namespaced] as const))(
    '%s/%s: refused, under v2 and pre-v2 rules alike',
    (_g, _k, k, namespaced) => {
      for (const legacyEmptyClusterWhitelist of [false, true]) {
        expect(mayDeploy(spec, k, IN_CLUSTER, namespaced ? own : undefined, { legacyEmptyClusterWhitelist })).toBe(false);
      }
    },
  );

  test.each(pilots.filter((p) => p !== pilot))('nothing into pilot %s, nor the platform namespaces', (other) => {
    for (const ns of [`pilot-${other}`, `pilot-${other}-staging`, 'fiware', 'istio-system', 'authz', 'identity', 'argocd']) {
      for (const k of PILOT_WORKLOAD_KINDS) expect(mayDeploy(spec, k, IN_CLUSTER, ns)).toBe(false);
    }
  });
});
