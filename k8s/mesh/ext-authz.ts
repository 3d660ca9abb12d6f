/**
 * The OPA external authorizer as Istio knows it: istiod's meshConfig declares the provider, the
 * ingress gateway's AuthorizationPolicy (action CUSTOM) names it.
 */
export const OPA_EXT_AUTHZ = {
  /** Provider name in meshConfig.extensionProviders. */
  providerName: 'opa-ext-authz',
  namespace: 'opa',
  serviceName: 'opa',
  /** OPA-Envoy plugin's gRPC ext_authz port. */
  grpcPort: 9191,
} as const;

/** In-cluster DNS name of the OPA service. */
export const OPA_SERVICE_HOST = `${OPA_EXT_AUTHZ.serviceName}.${OPA_EXT_AUTHZ.namespace}.svc.cluster.local`;
