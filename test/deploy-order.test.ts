/**
 * First-deploy order, derived from the synthesized templates: every Kubernetes object is applied by a
 * resource that CloudFormation creates only after whatever creates the object's kind (its CRD) and its
 * namespace. CDK's kubectl handler retries only i/o timeouts, so "no matches for kind" or "namespaces
 * not found" rolls the stack back. Order is what CloudFormation guarantees: DependsOn, Ref / GetAtt /
 * Sub within a stack, and stack dependencies (cross-stack references, addDependency) across stacks.
 * The demo plus one pilot that Argo CD syncs (no CD components), so the Argo CD objects exist too.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AssemblyStack, assemblyStacks, CfnResource } from '../tools/ops/src/assembly-stacks';
import { platformWithPilots } from '../tools/ops/src/generated-pilots';
import { DEMO_CONFIG, REPO_ROOT, synthesizePlatform } from './fixtures/demo-platform';

/** A Kubernetes object as a manifest carries it. */
interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: { readonly group?: string; readonly names?: { readonly kind?: string } };
}

/** `<stack>/<logicalId>`. */
type Node = string;

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const kindKey = (group: string, kind: string) => `${group}/${kind}`;

/** Every kind a kubernetes-models package (or one of its groups) models, as `<group>/<kind>`. */
function modelledKinds(pkg: string): Set<string> {
  const kinds = new Set<string>();
  const visit = (exports: Record<string, unknown>) => {
    for (const value of Object.values(exports)) {
      const model = value as { apiVersion?: unknown; kind?: unknown };
      if (typeof value === 'function' && typeof model.apiVersion === 'string' && typeof model.kind === 'string') {
        kinds.add(kindKey(groupOf(model.apiVersion), model.kind));
      } else if (value && typeof value === 'object') {
        visit(value as Record<string, unknown>);
      }
    }
  };
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  for (const dir of fs.readdirSync(root)) {
    const group = path.join(root, dir);
    if (!fs.statSync(group).isDirectory() || dir.startsWith('_')) continue;
    // The core group's folder is its version (`v1`); every other group has a folder per version.
    const versions = /^v\d/.test(dir) ? [group] : fs.readdirSync(group).map((v) => path.join(group, v)).filter((v) => fs.statSync(v).isDirectory());
    for (const version of versions) visit(require(version));
  }
  return kinds;
}

/**
 * The CRDs the Helm charts the cluster stack installs bring, by chart name (upstream facts at the
 * pinned versions): Istio's `base` chart installs every CRD of manifests/charts/base/files/crd-all.gen.yaml
 * (istio/istio 1.29.0: the networking, security, telemetry and extensions groups); argo-helm's
 * `argo-cd` chart installs charts/argo-cd/templates/crds (crds.install defaults to true): Application,
 * ApplicationSet and AppProject, the kinds @kubernetes-models/argo-cd models.
 */
const HELM_CHART_CRDS: Readonly<Record<string, (group: string, kind: string) => boolean>> = {
  base: (group) => ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'].includes(group),
  'argo-cd': (group, kind) => ARGO_CD_KINDS.has(kindKey(group, kind)),
};
const ARGO_CD_KINDS = modelledKinds('@kubernetes-models/argo-cd');

/** Namespaces an API server has from the start (kube-apiserver creates them). */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A manifest's JSON, with every deploy-time value (a token inside a string) replaced by a placeholder. */
function manifestObjects(manifest: unknown): KubeObject[] {
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const join = (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    return join ? join[1].map(text).join(join[0]) : 'TOKEN';
  };
  return JSON.parse(text(manifest));
}

/** What each resource creates and needs: Kubernetes kinds and namespaces. */
interface Applier {
  readonly node: Node;
  /** Objects in apply order. */
  readonly objects: readonly KubeObject[];
  readonly createsNamespaces: readonly string[];
  readonly createsKinds: (group: string, kind: string) => boolean;
  /** Namespaces the resource itself needs (a Helm release's namespace). */
  readonly needsNamespaces: readonly string[];
}

function appliers(stacks: readonly AssemblyStack[]): Applier[] {
  return stacks.flatMap((s) =>
    Object.entries(s.template.Resources ?? {}).flatMap(([id, r]): Applier[] => {
      const p = (r.Properties ?? {}) as Record<string, unknown>;
      const node = `${s.id}/${id}`;
      if (r.Type === 'Custom::AWSCDK-EKS-KubernetesResource') {
        const objects = manifestObjects(p.Manifest);
        const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => kindKey(o.spec!.group!, o.spec!.names!.kind!));
        return [{
          node,
          objects,
          createsNamespaces: objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name),
          createsKinds: (group, kind) => crds.includes(kindKey(group, kind)),
          needsNamespaces: [],
        }];
      }
      if (r.Type === 'Custom::AWSCDK-EKS-HelmChart') {
        const namespace = String(p.Namespace ?? 'default');
        const crds = HELM_CHART_CRDS[String(p.Chart)];
        return [{
          node,
          objects: [],
          createsNamespaces: p.CreateNamespace === true ? [namespace] : [],
          createsKinds: crds ?? (() => false),
          needsNamespaces: p.CreateNamespace === true ? [] : [namespace],
        }];
      }
      return [];
    }),
  );
}

/** Everything each resource is created after: its own dependencies and, across stacks, all of every stack its stack depends on. */
function ancestry(stacks: readonly AssemblyStack[]): (node: Node) => ReadonlySet<Node> {
  const byId = new Map(stacks.map((s) => [s.id, s]));
  const direct = (node: Node): Node[] => {
    const [stackId, id] = node.split('/');
    const stack = byId.get(stackId)!;
    const r = stack.template.Resources![id] as CfnResource;
    const local = new Set([...[r.DependsOn ?? []].flat(), ...references(r.Properties)]);
    const sameStack = [...local].filter((d) => stack.template.Resources![d]).map((d) => `${stackId}/${d}`);
    const otherStacks = stack.dependencies.flatMap((d) => Object.keys(byId.get(d)!.template.Resources ?? {}).map((rid) => `${d}/${rid}`));
    return [...sameStack, ...otherStacks];
  };
  const memo = new Map<Node, Set<Node>>();
  const of = (node: Node): Set<Node> => {
    const known = memo.get(node);
    if (known) return known;
    const all = new Set<Node>();
    memo.set(node, all);
    for (const d of direct(node)) {
      all.add(d);
      for (const a of of(d)) all.add(a);
    }
    return all;
  };
  return of;
}

/** Logical ids a value refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub). */
function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') return [o.Ref];
  if (Array.isArray(o['Fn::GetAtt'])) return [String(o['Fn::GetAtt'][0])];
  const sub = o['Fn::Sub'];
  const subRefs = typeof sub === 'string' || Array.isArray(sub) ? [...String([sub].flat()[0]).matchAll(/\$\{([^}.!]+)/g)].map((m) => m[1]) : [];
  return [...subRefs, ...Object.values(o).flatMap(references)];
}

/** Every object (and Helm release) whose kind or namespace is created by nothing it is created after. */
export function deployOrderViolations(stacks: readonly AssemblyStack[], builtIn: ReadonlySet<string>): string[] {
  const all = appliers(stacks);
  const ancestors = ancestry(stacks);
  const violations: string[] = [];
  for (const applier of all) {
    const before = ancestors(applier.node);
    const check = (what: string, need: string, creators: Applier[], earlierHere: boolean) => {
      if (earlierHere) return;
      if (creators.length === 0) violations.push(`${applier.node}: ${what} needs ${need}, which nothing creates`);
      else if (!creators.some((c) => before.has(c.node))) violations.push(`${applier.node}: ${what} needs ${need} from ${creators.map((c) => c.node).join(' or ')}, which it is not created after`);
    };
    const namespaceCreators = (ns: string) => all.filter((a) => a !== applier && a.createsNamespaces.includes(ns));
    for (const ns of applier.needsNamespaces.filter((n) => !BUILT_IN_NAMESPACES.includes(n))) check(`its release`, `namespace ${ns}`, namespaceCreators(ns), false);
    applier.objects.forEach((o, i) => {
      const what = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const group = groupOf(o.apiVersion);
      if (!builtIn.has(kindKey(group, o.kind))) {
        check(what, `the CRD of ${kindKey(group, o.kind)}`, all.filter((a) => a !== applier && a.createsKinds(group, o.kind)), false);
      }
      const ns = o.metadata.namespace;
      if (ns && !BUILT_IN_NAMESPACES.includes(ns)) {
        // kubectl applies a manifest's objects in order: a namespace earlier in the same manifest exists in time.
        const earlierHere = applier.objects.slice(0, i).some((p) => p.kind === 'Namespace' && p.metadata.name === ns);
        check(what, `namespace ${ns}`, namespaceCreators(ns), earlierHere);
      }
    });
  }
  return violations;
}

/** What EKS admits to a cluster (access entries, Pod Identity associations): each needs its cluster to exist first. */
const CLUSTER_GRANTS = ['AWS::EKS::AccessEntry', 'AWS::EKS::PodIdentityAssociation'];

/** Every access entry or Pod Identity association, in any stack, that is not created after an EKS cluster. */
export function clusterGrantViolations(stacks: readonly AssemblyStack[]): string[] {
  const clusters = stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::EKS::Cluster').map(([id]) => `${s.id}/${id}`));
  const ancestors = ancestry(stacks);
  return stacks.flatMap((s) =>
    Object.entries(s.template.Resources ?? {})
      .filter(([, r]) => CLUSTER_GRANTS.includes(r.Type))
      .map(([id, r]) => ({ node: `${s.id}/${id}`, type: r.Type }))
      .filter(({ node }) => !clusters.some((c) => ancestors(node).has(c)))
      .map(({ node, type }) => `${node}: ${type} is not created after the cluster`),
  );
}

/**
 * Built-in kinds: every model of the kubernetes-models package (4.x, generated from the Kubernetes
 * OpenAPI specification), i.e. what an API server serves without any CRD.
 */
const builtIn = modelledKinds('kubernetes-models');
const { outdir } = synthesizePlatform(platformWithPilots(DEMO_CONFIG, 3), { gates: false });
const stacks = assemblyStacks(new cxapi.CloudAssembly(outdir));

test('the built-in kinds come from the kubernetes-models package and hold what the charts use', () => {
  expect(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/kubernetes-models/package.json'), 'utf8')).version).toMatch(/^4\./);
  for (const k of ['/Namespace', '/ConfigMap', 'apps/Deployment', 'networking.k8s.io/NetworkPolicy', 'storage.k8s.io/StorageClass', 'rbac.authorization.k8s.io/ClusterRole']) {
    expect(builtIn).toContain(k);
  }
  for (const k of ['security.istio.io/PeerAuthentication', 'argoproj.io/Application']) expect(builtIn).not.toContain(k);
  expect([...ARGO_CD_KINDS].sort()).toEqual(['argoproj.io/AppProject', 'argoproj.io/Application', 'argoproj.io/ApplicationSet']);
});

test('the checked app applies Istio and Argo CD objects (so the check has something to check)', () => {
  const kinds = new Set(appliers(stacks).flatMap((a) => a.objects.map((o) => o.kind)));
  for (const k of ['PeerAuthentication', 'VirtualService', 'AppProject', 'Application', 'Namespace', 'NetworkPolicy']) expect(kinds).toContain(k);
});

test('every Kubernetes object is applied after whatever creates its kind and its namespace', () => {
  expect(deployOrderViolations(stacks, builtIn)).toEqual([]);
});

test('every access entry and Pod Identity association, the pilots\' deployers and restore identities among them, comes after the cluster', () => {
  const grants = stacks.flatMap((st) => Object.values(st.template.Resources ?? {}).filter((r) => CLUSTER_GRANTS.includes(r.Type)).map(() => st.id));
  expect(grants).toEqual(expect.arrayContaining(['Pilot-acme-Ci', 'Pilot-bravo-Ci', 'Pilot-acme-Namespaces', 'Platform-Cluster']));
  expect(clusterGrantViolations(stacks)).toEqual([]);
});

describe('the check fails on a wrong order', () => {
  const withResource = (stackId: string, id: string, change: (r: CfnResource) => CfnResource, stackDependencies?: string[]) =>
    stacks.map((s) =>
      s.id !== stackId
        ? s
        : { ...s, dependencies: stackDependencies ?? s.dependencies, template: { ...s.template, Resources: { ...s.template.Resources, [id]: change(s.template.Resources![id]) } } },
    );
  const applierOf = (kind: string) => {
    const node = appliers(stacks).find((a) => a.objects.some((o) => o.kind === kind))!.node;
    const [stack, id] = node.split('/');
    return { stack, id };
  };

  test('Argo CD objects applied without waiting for the Argo CD chart', () => {
    const { stack, id } = applierOf('AppProject');
    const cut = withResource(stack, id, (r) => ({ ...r, DependsOn: [] }), []);
    expect(deployOrderViolations(cut, builtIn).filter((v) => v.startsWith(`${stack}/${id}: AppProject`))).toEqual([
      expect.stringMatching(/AppProject argocd\/pilot-pilot-003 needs the CRD of argoproj.io\/AppProject from Platform-Cluster\/ArgoCd.*, which it is not created after$/),
      expect.stringMatching(/AppProject argocd\/pilot-pilot-003 needs namespace argocd from Platform-Cluster\/ArgoCd.*, which it is not created after$/),
    ]);
  });

  test('a deployer\'s access entry that names the cluster by a literal name, in a stack that does not depend on the cluster stack', () => {
    const ci = stacks.find((st) => st.id === 'Pilot-acme-Ci')!;
    const [id] = Object.entries(ci.template.Resources!).find(([, r]) => r.Type === 'AWS::EKS::AccessEntry')!;
    const cut = withResource('Pilot-acme-Ci', id, (r) => ({ ...r, Properties: { ...r.Properties, ClusterName: 'demo-cluster' } }), []);
    expect(clusterGrantViolations(cut)).toEqual([`Pilot-acme-Ci/${id}: AWS::EKS::AccessEntry is not created after the cluster`]);
  });

  test('an object of a kind no resource creates, in a namespace nothing creates', () => {
    const { stack, id } = applierOf('NetworkPolicy');
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'nowhere' } };
    const changed = withResource(stack, id, (r) => ({ ...r, Properties: { ...r.Properties, Manifest: JSON.stringify([widget]) } }));
    expect(deployOrderViolations(changed, builtIn)).toEqual(
      expect.arrayContaining([
        `${stack}/${id}: Widget nowhere/w needs the CRD of example.com/Widget, which nothing creates`,
        `${stack}/${id}: Widget nowhere/w needs namespace nowhere, which nothing creates`,
      ]),
    );
  });
});
