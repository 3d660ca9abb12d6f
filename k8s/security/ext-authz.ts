/**
 * The contract between the OPA deployment (this repo's charts) and istiod (the cluster stack): the
 * cluster stack adds EXT_AUTHZ_EXTENSION_PROVIDER to `meshConfig.extensionProviders` and ISTIOD_ENV
 * to istiod's environment; the AuthorizationPolicy here names the provider.
 */

/** Name of the ext_authz extension provider in istiod's mesh config. */
export const EXT_AUTHZ_PROVIDER_NAME = 'opa-ext-authz';

/** Namespace OPA runs in. */
export const OPA_NAMESPACE = 'authz';

/** OPA's Service: gRPC Envoy external authorization. */
export const OPA_SERVICE = {
  name: 'opa',
  host: `opa.${OPA_NAMESPACE}.svc.cluster.local`,
  grpcPort: 9191,
  /** Health and metrics (`/health?plugins`, `/metrics`). */
  diagnosticsPort: 8282,
} as const;

/** The `meshConfig.extensionProviders` entry for istiod. */
export const EXT_AUTHZ_EXTENSION_PROVIDER = {
  name: EXT_AUTHZ_PROVIDER_NAME,
  envoyExtAuthzGrpc: {
    service: OPA_SERVICE.host,
    port: OPA_SERVICE.grpcPort,
    // The policy reads provisioning bodies (the API keys they register). Larger bodies are sent cut
    // short; a cut JSON body does not parse, and the policy refuses provisioning it cannot read.
    includeRequestBodyInCheck: { maxRequestBytes: 65536, allowPartialMessage: true },
  },
} as const;

/**
 * istiod environment: Keycloak's JWKS endpoints are mesh services under STRICT mTLS, which istiod
 * (outside the mesh) cannot call; `hybrid` lets Envoy fetch in-mesh JWKS URIs itself.
 */
export const ISTIOD_ENV = { PILOT_JWT_ENABLE_REMOTE_JWKS: 'hybrid' } as const;
