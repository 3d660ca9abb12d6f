import { PublicPaths } from '../mesh/api-routes';
import { checkTenants, Tenant, TENANT_AUDIENCE } from './tenant';

/**
 * The data document policy/tenant.rego reads as `data.tenant_policy`: a root of its own, apart from the
 * policy's package (`data.iiot.authz`), so tests can replace the data without shadowing the rules.
 */
export interface TenantPolicyData {
  readonly tenant_policy: {
    readonly tenants: Readonly<Record<string, { readonly issuer: string; readonly jwks_uri: string; readonly audience: string }>>;
    readonly open_paths: readonly string[];
    readonly open_prefixes: readonly string[];
  };
}

/** The policy's data, generated from the typed tenants and the routes' public paths; throws on an unverifiable tenant. */
export function tenantPolicyData(tenants: readonly Tenant[], publicPaths: PublicPaths): TenantPolicyData {
  checkTenants(tenants);
  return {
    tenant_policy: {
      tenants: Object.fromEntries(tenants.map((t) => [t.name, { issuer: t.issuer, jwks_uri: t.jwksUri, audience: TENANT_AUDIENCE }])),
      open_paths: publicPaths.exact,
      open_prefixes: publicPaths.prefixes,
    },
  };
}
