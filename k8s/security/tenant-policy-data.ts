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
    readonly device_paths: readonly string[];
    readonly provisioning_prefix: string;
  };
}

/** Where devices authenticate with API keys, and where those keys are provisioned. */
export interface DeviceApiKeys {
  /** Gateway paths devices send measures to with `?k=<api key>` (no token). */
  readonly measurePaths: readonly string[];
  /** Gateway path prefix of the IoT Agent's provisioning API, where keys are registered. */
  readonly provisioningPrefix: string;
}

/** The policy's data, generated from the typed tenants and the routes' public paths; throws on an unverifiable tenant. */
export function tenantPolicyData(tenants: readonly Tenant[], publicPaths: PublicPaths, devices: DeviceApiKeys): TenantPolicyData {
  checkTenants(tenants);
  return {
    tenant_policy: {
      tenants: Object.fromEntries(tenants.map((t) => [t.name, { issuer: t.issuer, jwks_uri: t.jwksUri, audience: TENANT_AUDIENCE }])),
      open_paths: publicPaths.exact,
      open_prefixes: publicPaths.prefixes,
      device_paths: devices.measurePaths,
      provisioning_prefix: devices.provisioningPrefix,
    },
  };
}
