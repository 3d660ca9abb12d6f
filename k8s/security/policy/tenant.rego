# Tenant decision for the ingress gateway, evaluated by OPA-Envoy as Istio's ext_authz provider
# (decision path iiot/authz/allow).
#
# Allow when the path is public, or a device sends measures with an API key of a known tenant, or
# when all of these hold:
#   - the `fiware-service` header names a known tenant;
#   - `Authorization: Bearer <jwt>` carries a token signed (RS256) by that tenant's issuer, with
#     that issuer and audience, an `exp` claim in the future (and `nbf`, if present, in the past);
#   - the token's `tenant` claim is non-empty and equals the `fiware-service` header;
#   - provisioning (IoT Agent north) names only API keys of that tenant: `<tenant>-<secret>`;
#   - no other header names a tenant, and no subscription's custom notification does (below);
#   - no JSON body is cut short.
# Everything else is denied.
#
# Devices hold no Keycloak token: they authenticate with their API key (UltraLight `?k=`), which the
# IoT Agent resolves to the one service group registered with it. Keys are bound to tenants by their
# prefix: only tenant t can register a key `t-...` (checked at provisioning, below), so a key never
# writes into another tenant's service, and the agent's default key (no tenant prefix) is refused.
#
# Data (generated from the platform config, k8s/security/tenant-policy-data.ts), under its own root
# so that it never shadows this package:
#   data.tenant_policy.tenants[<fiware-service>] = {"issuer", "jwks_uri", "audience"}
#   data.tenant_policy.open_paths    exact public paths
#   data.tenant_policy.open_prefixes public path prefixes
#   data.tenant_policy.device_paths  where devices send measures with their API key
#   data.tenant_policy.provisioning_prefix  the IoT Agent's provisioning API (`/iota-north/`)
package iiot.authz

import rego.v1

default allow := false

allow if public_path

allow if device_with_tenant_key

allow if {
	tenant := data.tenant_policy.tenants[requested_tenant]
	claims := verified_claims(tenant)
	is_string(claims.tenant)
	claims.tenant != ""
	claims.tenant == requested_tenant
	not unbound_api_key
	not notification_rewrites_tenant
	not tenant_header_smuggled
}

request := input.attributes.request.http

# The query string never makes a path public.
path := split(request.path, "?")[0]

public_path if path in data.tenant_policy.open_paths

public_path if {
	some prefix in data.tenant_policy.open_prefixes
	startswith(path, prefix)
}

query := urlquery.decode_object(substring(request.path, count(path) + 1, -1)) if {
	contains(request.path, "?")
} else := {}

# The tenant an API key belongs to: its prefix up to the first `-` (tenant names hold no `-`).
key_tenant(key) := substring(key, 0, i) if {
	i := indexof(key, "-")
	i > 0
	count(key) > i + 1
}

device_with_tenant_key if {
	path in data.tenant_policy.device_paths
	[key] := query.k
	data.tenant_policy.tenants[key_tenant(key)]
}

# Provisioning that names a key outside the requesting tenant's prefix, or a body the policy cannot read.
unbound_api_key if {
	startswith(path, data.tenant_policy.provisioning_prefix)
	some key in provisioned_keys
	# Through a rule: OPA evaluates a call nested in `not` outside the negation, so an unprefixed
	# key (undefined tenant) would make this body fail rather than hold.
	not key_of(key, requested_tenant)
}

key_of(key, tenant) if key_tenant(key) == tenant

unbound_api_key if {
	startswith(path, data.tenant_policy.provisioning_prefix)
	request.method in {"POST", "PUT", "PATCH"}
	not is_object(object.get(input, "parsed_body", null))
}

# A subscription's custom notification (`httpCustom`) chooses its own headers, and Orion lets them
# replace Fiware-Service and Fiware-ServicePath (Orion 3.10, httpRequestSend.cpp): with another
# tenant's name there, Orion would notify QuantumLeap into that tenant's time series. Refused in any
# JSON body, whatever the path (a path can be spelled many ways): header
# names other than plain tokens (Orion substitutes `${attr}` macros in names too) or naming a tenant
# header, and header, URL or query values that could become headers (macros; CR/LF, raw or
# URL-encoded, since Orion URL-decodes header values).
notification_rewrites_tenant if {
	some custom in custom_notifications
	some name, value in object.get(custom, "headers", {})
	not harmless_header(name, value)
}

notification_rewrites_tenant if {
	some custom in custom_notifications
	some value in array.concat([object.get(custom, "url", "")], [v | some v in object.get(custom, "qs", {})])
	not line_safe(value)
}

# OPA-Envoy leaves a JSON body cut short (over the gateway's 64 KiB) unparsed: it cannot be checked.
notification_rewrites_tenant if input.truncated_body == true

# Where Orion reads it: a subscription's `notification` (POST /v2/subscriptions, PATCH /v2/subscriptions/<id>).
custom_notifications contains input.parsed_body.notification.httpCustom

# The headers QuantumLeap takes the tenant from: NGSILD-Tenant before Fiware-Service (QuantumLeap 1.0,
# src/reporter/httputil.py); Orion and the IoT Agent read Fiware-Service.
tenant_headers := {"fiware-service", "fiware-servicepath", "ngsild-tenant"}

# A request names its tenant as `fiware-service` (checked above) and nothing else: QuantumLeap would
# prefer an `ngsild-tenant`, and its server (gunicorn 20.1) reads `_` in a header name as `-`, so
# `fiware_service` or `ngsild_tenant` would reach it as the tenant header unseen here.
tenant_header_smuggled if {
	some name, _ in request.headers
	replace(lower(name), "_", "-") in tenant_headers
	not name in {"fiware-service", "fiware-servicepath"}
}

harmless_header(name, value) if {
	regex.match(`^[A-Za-z0-9-]+$`, name)
	not lower(name) in tenant_headers
	line_safe(value)
}

line_safe(value) if {
	is_string(value)
	not contains(value, "${")
	not regex.match(`(?i)%0[ad]|[\x00-\x1f\x7f]`, value)
}

provisioned_keys contains key if {
	some key in query.apikey
}

provisioned_keys contains group.apikey if {
	some group in input.parsed_body.services
}

provisioned_keys contains device.apikey if {
	some device in input.parsed_body.devices
}

provisioned_keys contains input.parsed_body.apikey if input.parsed_body.apikey

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
