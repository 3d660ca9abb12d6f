import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { RequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';
import { PublicPaths } from '../mesh/api-routes';
import { INGRESS_GATEWAY } from '../mesh/ingress-gateway';
import { EXT_AUTHZ_PROVIDER_NAME } from './ext-authz';
import { checkTenants, Tenant, TENANT_AUDIENCE } from './tenant';

export interface GatewayAuthorizationProps {
  /** Tenants whose tokens the gateway accepts. */
  readonly tenants: readonly Tenant[];
  /** Paths that need no token. */
  readonly publicPaths: PublicPaths;
}

/**
 * At the ingress gateway: tokens of every tenant issuer are verified (a bad token is rejected outright),
 * then every request outside the public paths is put to OPA, which decides on tenant and token.
 */
export class GatewayAuthorization extends Construct {
  constructor(scope: Construct, id: string, props: GatewayAuthorizationProps) {
    super(scope, id);
    checkTenants(props.tenants);
    const metadata = (name: string) => ({ name, namespace: INGRESS_GATEWAY.namespace });
    const selector = { matchLabels: { ...INGRESS_GATEWAY.selector } };

    addKubeObject(
      this,
      'TenantTokens',
      new RequestAuthentication({
        metadata: metadata('tenant-tokens'),
        spec: {
          selector,
          // Keep the Authorization header: OPA verifies the token again and reads its tenant claim.
          jwtRules: props.tenants.map((t) => ({ issuer: t.issuer, jwksUri: t.jwksUri, audiences: [TENANT_AUDIENCE], forwardOriginalToken: true })),
        },
      }),
    );
    addKubeObject(
      this,
      'TenantPolicy',
      new AuthorizationPolicy({
        metadata: metadata('tenant-policy'),
        spec: {
          selector,
          action: 'CUSTOM',
          provider: { name: EXT_AUTHZ_PROVIDER_NAME },
          // Istio path patterns: a trailing `*` is a prefix match.
          rules: [{ to: [{ operation: { notPaths: [...props.publicPaths.exact, ...props.publicPaths.prefixes.map((p) => `${p}*`)] } }] }],
        },
      }),
    );
  }
}
