import { loadConfig } from '../../lib/config/load-config';
import { configWith, problemsOf } from '../fixtures/config-edit';
import { synthDemoCharts } from '../fixtures/demo-charts';

const demo = synthDemoCharts();
const gitops = demo.objects('gitops');
const find = (kind: string, name: string) => gitops.find((o) => o.kind === kind && o.metadata.name === name)!;

test('applies last, after the pilots are guarded', () => {
  expect(demo.charts.at(-1)!.node.id).toBe('gitops');
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
    expect(project.spec.namespaceResourceBlacklist.map((k: { kind: string }) => k.kind)).toEqual(['ResourceQuota', 'LimitRange', 'NetworkPolicy', 'PeerAuthentication']);
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

describe('the gitops config section', () => {
  test('is optional: without it no Argo CD objects are rendered', () => {
    const model = loadConfig(configWith({ 'platform.yaml': (d) => d.delete('gitops') }));
    expect(model.platform.gitops).toBeUndefined();
    expect(synthDemoCharts(model).charts.map((c) => c.node.id)).not.toContain('gitops');
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
