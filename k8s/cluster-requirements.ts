/**
 * What the charts expect of the cluster, in one object the cluster stack can import (k8s/README.md
 * explains each): istiod settings, the gateway, node labels and sysctls, storage, Argo CD, Secrets.
 */
import { CRATE_NODE_LABEL } from './fiware/crate';
import { CRATE_PASSWORD_KEY } from './fiware/crate-authentication';
import { CRATE_USER_SECRETS, FIWARE_NAMESPACE } from './fiware/fiware-chart';
import { ARGOCD_NAMESPACE } from './gitops/gitops-chart';
import { GRAFANA_ADMIN_SECRET } from './grafana/grafana';
import { IDENTITY_NAMESPACE, IDENTITY_SECRETS } from './identity/identity-chart';
import { INGRESS_GATEWAY } from './mesh/ingress-gateway';
import { EXT_AUTHZ_EXTENSION_PROVIDER, ISTIOD_ENV } from './security/ext-authz';
import { TELEMETRY_NAMESPACE, TRACING_EXTENSION_PROVIDER } from './telemetry/telemetry-chart';
import { DEFAULT_STORAGE_CLASS } from './workload/platform-service';

export const CLUSTER_REQUIREMENTS = {
  istio: {
    /** Entries for istiod's `meshConfig.extensionProviders`. */
    extensionProviders: [EXT_AUTHZ_EXTENSION_PROVIDER, TRACING_EXTENSION_PROVIDER],
    /** istiod's environment. */
    istiodEnv: ISTIOD_ENV,
    /** Where the ingress gateway runs and how its pods are labelled. */
    ingressGateway: INGRESS_GATEWAY,
  },
  /** A node group with these labels and kernel settings (launch template user data) for CrateDB. */
  crateNodes: { labels: CRATE_NODE_LABEL, sysctls: { 'vm.max_map_count': '262144' } },
  /** The StorageClass every volume claim names. */
  storageClass: DEFAULT_STORAGE_CLASS,
  /** Where Argo CD is installed. */
  argocdNamespace: ARGOCD_NAMESPACE,
  /** Secrets the workloads reference but the manifests never contain. */
  secrets: [
    { namespace: IDENTITY_NAMESPACE, name: IDENTITY_SECRETS.admin, keys: ['username', 'password'] },
    { namespace: IDENTITY_NAMESPACE, name: IDENTITY_SECRETS.database, keys: ['username', 'password'] },
    { namespace: FIWARE_NAMESPACE, name: GRAFANA_ADMIN_SECRET, keys: ['admin-user', 'admin-password'] },
    ...Object.values(CRATE_USER_SECRETS).map((name) => ({ namespace: FIWARE_NAMESPACE, name, keys: [CRATE_PASSWORD_KEY] })),
    { namespace: TELEMETRY_NAMESPACE, name: GRAFANA_ADMIN_SECRET, keys: ['admin-user', 'admin-password'] },
  ],
} as const;
