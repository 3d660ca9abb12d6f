/** Keycloak's in-cluster address and the URLs of a realm under it. */

/** Keycloak's HTTP port. */
export const KEYCLOAK_PORT = 8080;
/** Keycloak serves under this path (`KC_HTTP_RELATIVE_PATH`), which is also its route on the gateway. */
export const KEYCLOAK_PATH = '/auth';

/** Keycloak's base URL inside the cluster, for a Service `keycloak` in `namespace`. */
export function keycloakUrl(namespace: string): string {
  return `http://keycloak.${namespace}.svc.cluster.local:${KEYCLOAK_PORT}${KEYCLOAK_PATH}`;
}

/** The `iss` of a realm's tokens. */
export function realmIssuer(baseUrl: string, realm: string): string {
  return `${baseUrl}/realms/${realm}`;
}

/** The end of every realm's key URL. */
export const REALM_JWKS_SUFFIX = '/protocol/openid-connect/certs';

/** Where a realm publishes its signing keys. */
export function realmJwksUri(baseUrl: string, realm: string): string {
  return `${realmIssuer(baseUrl, realm)}${REALM_JWKS_SUFFIX}`;
}
