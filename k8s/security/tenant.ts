/** A FIWARE tenant as the mesh and the policy see it: its name and who issues its tokens. */
export interface Tenant {
  /** The `fiware-service` header value. */
  readonly name: string;
  /** The `iss` its tokens carry (its Keycloak realm). */
  readonly issuer: string;
  /** Where the issuer publishes its signing keys. */
  readonly jwksUri: string;
}

/** The claim that names a token's tenant (Keycloak adds it with a hard-coded claim mapper per realm). */
export const TENANT_CLAIM = 'tenant';

/** The audience every tenant token must be issued for (Keycloak adds it with an audience mapper). */
export const TENANT_AUDIENCE = 'fiware';

/**
 * Throws unless every tenant has a name, an issuer and a JWKS URI, and no name repeats: a tenant the
 * policy cannot verify would be denied at run time; better to fail at synth.
 */
export function checkTenants(tenants: readonly Tenant[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  tenants.forEach((t, i) => {
    const label = t.name ? `tenant "${t.name}"` : `tenant #${i + 1}`;
    if (!t.name) problems.push(`${label} has no name`);
    else if (seen.has(t.name)) problems.push(`${label} is declared twice`);
    seen.add(t.name);
    if (!t.issuer) problems.push(`${label} has no issuer`);
    if (!t.jwksUri) problems.push(`${label} has no JWKS URI`);
  });
  if (tenants.length === 0) problems.push('no tenants: every API request would be denied');
  if (problems.length > 0) throw new Error(`Invalid tenants: ${problems.join('; ')}`);
}
