# What OPA leaves out of its decision logs (OPA reads `data.system.log.mask` for every decision log
# event; `input` here is the event, `input.input` the request OPA decided on): no bearer token, cookie,
# device API key or provisioning body reaches the logs.
package system.log

import rego.v1

mask contains "/input/attributes/request/http/headers/authorization"

mask contains "/input/attributes/request/http/headers/cookie"

mask contains "/input/attributes/request/http/body"

mask contains "/input/parsed_body"

mask contains "/input/parsed_query"

# The path without its query string (devices send their API key as `?k=`).
mask contains {"op": "upsert", "path": "/input/attributes/request/http/path", "value": split(input.input.attributes.request.http.path, "?")[0]} if {
	contains(input.input.attributes.request.http.path, "?")
}
