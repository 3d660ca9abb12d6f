import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Construct } from 'constructs';
import { GitOpsSpec } from '../../lib/config/schema';
import { addKubeObject } from '../kube-object';

/** The cluster Argo CD runs in and deploys to. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * The only kinds a pilot's manifests may contain: what its workloads need to run. Everything else is
 * refused, notably routing (VirtualService, Gateway, Ingress, ServiceEntry: an exact host outranks the
 * platform's `*` and would capture public traffic past the tenant policy), mesh security
 * (AuthorizationPolicy, PeerAuthentication, RequestAuthentication, Sidecar, EnvoyFilter), guard rails
 * (ResourceQuota, LimitRange, NetworkPolicy) and RBAC.
 */
export const PILOT_WORKLOAD_KINDS = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Secret' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'PersistentVolumeClaim' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
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
 * A pilot's continuous delivery: an Argo CD project confined to the pilot's namespace and to the
 * workload kinds of PILOT_WORKLOAD_KINDS, and an application that keeps that namespace in sync with
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
          // No cluster-scoped objects at all (namespaces, CRDs, RBAC across namespaces). An empty whitelist
          // means none since Argo CD 2.x's IsGroupKindPermitted; the blacklist says so for any version.
          clusterResourceWhitelist: [],
          clusterResourceBlacklist: [{ group: '*', kind: '*' }],
          namespaceResourceWhitelist: PILOT_WORKLOAD_KINDS.map((k) => ({ ...k })),
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
