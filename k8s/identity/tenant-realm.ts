import { TENANT_AUDIENCE, TENANT_CLAIM } from '../security/tenant';

/** The client a tenant's devices and applications get API tokens from. */
export const TENANT_API_CLIENT = 'fiware-api';

export interface TenantRealmProps {
  /** Realm name (the pilot's name). */
  readonly realm: string;
  /** Shown on the login page. */
  readonly displayName: string;
  /** The pilot's FIWARE tenant, hard-coded into its tokens' `tenant` claim. */
  readonly tenant: string;
}

/**
 * A pilot's Keycloak realm as Keycloak's import JSON. Its API client issues tokens with the pilot's
 * tenant claim and the FIWARE audience, which the tenant policy requires. Keycloak generates the client
 * secret at import; operators read it from the admin console or API and hand it to the pilot.
 */
export function tenantRealm(props: TenantRealmProps): object {
  return {
    realm: props.realm,
    displayName: props.displayName,
    enabled: true,
    // HTTPS for every client outside private networks (the gateway must forward X-Forwarded-Proto).
    sslRequired: 'external',
    registrationAllowed: false,
    bruteForceProtected: true,
    accessTokenLifespan: 300,
    clients: [
      {
        clientId: TENANT_API_CLIENT,
        name: `${props.displayName} FIWARE API`,
        enabled: true,
        protocol: 'openid-connect',
        publicClient: false,
        clientAuthenticatorType: 'client-secret',
        // Machine-to-machine: client credentials only, no browser flows.
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        attributes: { 'access.token.signed.response.alg': 'RS256' },
        protocolMappers: [
          {
            name: TENANT_CLAIM,
            protocol: 'openid-connect',
            protocolMapper: 'oidc-hardcoded-claim-mapper',
            config: {
              'claim.name': TENANT_CLAIM,
              'claim.value': props.tenant,
              'jsonType.label': 'String',
              'access.token.claim': 'true',
              'id.token.claim': 'false',
              'userinfo.token.claim': 'false',
            },
          },
          {
            name: `${TENANT_AUDIENCE}-audience`,
            protocol: 'openid-connect',
            protocolMapper: 'oidc-audience-mapper',
            config: { 'included.custom.audience': TENANT_AUDIENCE, 'access.token.claim': 'true', 'id.token.claim': 'false' },
          },
        ],
      },
    ],
  };
}
