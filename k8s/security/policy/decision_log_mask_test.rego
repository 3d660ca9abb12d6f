# Tests of the decision log mask: `opa test k8s/security/policy`; jest runs them on OPA 0.47 too.
package system.log_test

import rego.v1

import data.system.log

event := {"input": {"attributes": {"request": {"http": {"path": "/iota-south/iot/d?k=acme-s3cret&i=dev1", "headers": {"authorization": "Bearer x", "cookie": "c"}}}}}}

test_mask_removes_tokens_cookies_bodies_and_queries if {
	masks := log.mask with input as event
	every p in ["/input/attributes/request/http/headers/authorization", "/input/attributes/request/http/headers/cookie", "/input/attributes/request/http/body", "/input/parsed_body", "/input/parsed_query"] {
		p in masks
	}
}

test_mask_cuts_the_query_string_off_the_path if {
	masks := log.mask with input as event
	{"op": "upsert", "path": "/input/attributes/request/http/path", "value": "/iota-south/iot/d"} in masks
}
