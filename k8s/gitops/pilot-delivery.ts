import { Application, AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Construct } from 'constructs';
import { GitOpsSpec } from '../../lib/config/schema';
import { addKubeObject } from '../kube-object';

/** The cluster Argo CD runs in and deploys to. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * Kinds a pilot's manifests may not contain: its guard rails (quota, limits, network policy) and its
 * mesh security (mTLS mode) belong to the platform, so a pilot repository cannot lift them.
 */
export const PLATFORM_OWNED_KINDS = [
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'LimitRange' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'security.istio.io', kind: 'PeerAuthentication' },
] as const;

export interface PilotDeliveryProps {
  /** The pilot's name. */
  readonly pilot: string;
  /** The pilot's namespace, the only place its project may deploy to. */
  readonly namespace: string;
  /** Where the rendered manifests are. */
  readonly source: GitOpsSpec;
  /** Argo CD's namespace. */
  readonly argoNamespace: string;
}

/**
 * A pilot's continuous delivery: an Argo CD project confined to the pilot's namespace and to namespaced
 * kinds the platform does not own, and an application that keeps that namespace in sync with
 * `<path>/<pilot>` in Git (pruning, self-healing, retrying).
 */
export class PilotDelivery extends Construct {
  constructor(scope: Construct, id: string, props: PilotDeliveryProps) {
    super(scope, id);
    const name = `pilot-${props.pilot}`;
    const metadata = { name, namespace: props.argoNamespace };
    const destination = { server: IN_CLUSTER, namespace: props.namespace };

    addKubeObject(
      this,
      'Project',
      new AppProject({
        metadata,
        spec: {
          description: `Workloads of pilot ${props.pilot}`,
          sourceRepos: [props.source.repository],
          destinations: [destination],
          // No cluster-scoped objects at all (namespaces, CRDs, RBAC across namespaces).
          clusterResourceWhitelist: [],
          namespaceResourceBlacklist: PLATFORM_OWNED_KINDS.map((k) => ({ ...k })),
          orphanedResources: { warn: true },
        },
      }),
    );
    addKubeObject(
      this,
      'Application',
      new Application({
        metadata: { ...metadata, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
        spec: {
          project: name,
          source: { repoURL: props.source.repository, targetRevision: props.source.revision, path: `${props.source.path}/${props.pilot}` },
          destination,
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
            // The namespace is the platform's (namespaces chart), never created by a pilot's sync.
            syncOptions: ['CreateNamespace=false'],
          },
        },
      }),
    );
  }
}
