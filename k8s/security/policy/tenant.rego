# Tenant decision for the ingress gateway, evaluated by OPA-Envoy as Istio's ext_authz provider
# (decision path iiot/authz/allow).
#
# Allow when the path is public, or when all of these hold:
#   - the `fiware-service` header names a known tenant;
#   - `Authorization: Bearer <jwt>` carries a token signed (RS256) by that tenant's issuer, with
#     that issuer and audience, an `exp` claim in the future (and `nbf`, if present, in the past);
#   - the token's `tenant` claim is non-empty and equals the `fiware-service` header.
# Everything else is denied.
#
# Data (generated from the platform config, k8s/security/tenant-policy-data.ts), under its own root
# so that it never shadows this package:
#   data.tenant_policy.tenants[<fiware-service>] = {"issuer", "jwks_uri", "audience"}
#   data.tenant_policy.open_paths    exact public paths
#   data.tenant_policy.open_prefixes public path prefixes
package iiot.authz

import rego.v1

default allow := false

allow if public_path

allow if {
	tenant := data.tenant_policy.tenants[requested_tenant]
	claims := verified_claims(tenant)
	is_string(claims.tenant)
	claims.tenant != ""
	claims.tenant == requested_tenant
}

request := input.attributes.request.http

# The query string never makes a path public.
path := split(request.path, "?")[0]

public_path if path in data.tenant_policy.open_paths

public_path if {
	some prefix in data.tenant_policy.open_prefixes
	startswith(path, prefix)
}

requested_tenant := tenant if {
	tenant := request.headers["fiware-service"]
	tenant != ""
}

bearer_token := token if {
	startswith(request.headers.authorization, "Bearer ")
	token := substring(request.headers.authorization, count("Bearer "), -1)
	token != ""
}

# The token's claims when its signature, algorithm, issuer, audience and validity period check out.
# decode_verify accepts a token without `exp` or without `iss` (it compares `iss` only when present);
# this policy does not.
verified_claims(tenant) := claims if {
	[valid, _, claims] := io.jwt.decode_verify(bearer_token, {
		"cert": jwks(tenant.jwks_uri),
		"alg": "RS256",
		"iss": tenant.issuer,
		"aud": tenant.audience,
	})
	valid
	claims.iss == tenant.issuer
	is_number(claims.exp)
}

# The issuer's signing keys, cached so a burst of requests makes one fetch; on failure no key, so deny.
jwks(uri) := response.raw_body if {
	response := http.send({
		"method": "GET",
		"url": uri,
		"force_cache": true,
		"force_cache_duration_seconds": 300,
		"raise_error": false,
	})
	response.status_code == 200
}
