# Policy tests: `opa test k8s/security/policy`; jest runs them on OPA 0.47 (test/k8s/opa-engine.ts) and with `opa test` where an `opa` binary is on the PATH.
# The keys below exist only for these tests: they sign tokens of a made-up issuer and never leave this file.
package iiot.authz_test

import rego.v1

import data.iiot.authz

issuer := "https://keycloak.test/auth/realms/acme"

jwks_uri := "https://keycloak.test/auth/realms/acme/protocol/openid-connect/certs"

bravo_issuer := "https://keycloak.test/auth/realms/bravo"

bravo_jwks_uri := "https://keycloak.test/auth/realms/bravo/protocol/openid-connect/certs"

policy_data := {
	"tenants": {
		"acme": {"issuer": issuer, "jwks_uri": jwks_uri, "audience": "fiware"},
		"bravo": {"issuer": bravo_issuer, "jwks_uri": bravo_jwks_uri, "audience": "fiware"},
	},
	"open_paths": ["/orion/version", "/quantumleap/version", "/iota-north/iot/about"],
	"open_prefixes": ["/auth/"],
	"device_paths": ["/iota-south/iot/d"],
	"provisioning_prefix": "/iota-north/"
}

# Private JWK the test issuer signs with (no `alg`, so it can also sign the wrong-algorithm token);
# its public half is what the mocked JWKS endpoint serves.
signing_key := {"kty": "RSA", "kid": "test-key", "n": "5jCi8I2VxXPM-PPhh_H32cnXdZejss8YcRG02Wr-QoXTey08cOF2oI5__tV6MY4NeDI6HC4ePAxazpVn6w3sxQ18geQtMJCYhq0Q1Rb1DlZYJ945U6Md-zcR3u01l7YQZF6CefftoMd3NfsMLnE4hOH72bMs5v-SdwYAK5p9kgZIMG60Lf7hPrFxJuex5niqFPkBggr0Ey_bq8e5WFi_kki8S_C-8mxquFw_EM9e68M042b2KBsaJz8JJTdAkgp5w1P7wCxrZUuPQLW8V2x01cBi_J1b-ue_2fM9fpEOxmJL3Bu8G6pumRQWl_2uLviP5Nz57lY43gyDirgQ7T2sGQ", "e": "AQAB", "d": "M5oYlMtwlTxx6Scm2kZcdPah9csCF-4EASjifVDWYcxFTdokr_tjD_gR6mspwt0g2N6Nl06hWX29h40HqDJNbxkoXafsl3P6tUoruVE1qzqg9YMEH-Mzr-K2_132wyU9xHpJTpVNMFs2tqOqJekcrfFI95MKkFgfmc3_EMdHugmAiZhCFfv-v8sy7DCiGy6F57DY9xKcsULTxa9zoYg_V1vmV-D77CkzYTYCWOpeJZ0guAHNGjK61WEUJiEPizs9Jaw4Erx5-dCjVNtZNxjjDi7ZrRe9P7Ms9Fb7peuSfd7lLeshkkuCv5RkvUSbr3MSVQxKwRS1WXAk_bmTFWU6Xw", "p": "_YeBzzMcgDsizwi18oMTgj3ZeApqXQkhmvsvhhbX2Al6fr39HJDksEqYf2V3bEW7cIZipMYn9mRn0bOLh78GWWuvKYOPm9tD-Ax58SSO4_u95CZOeJmNESw2j9y73YmLZ6tOGRhfmO0AVzLKStUGPsFzx7-FXsoInsPqldO4FPM", "q": "6G7nTnwC2uxUmqc7i0XvlCIbglMNAQVFrCZblyUsKy0yrv7REz_I0ZsJbjDtyxyIg89Xm5HaqC5I932RhTlAq_iDn0uhztiHCOuBzC8kuh8guL3WDphvpFhoXg2-AoWpH6XrlzD2QLQ0FTyp_hE6NS-8qlkiGOtGi7F9ndQNLcM", "dp": "A4Q2o7YUxh6L3A1F4Mg6pArRkl2qngG7apfjT9vPQJrZDRr7gMLtuRg_xzyUDHdnIydqBNkOwtcfrYPtAoP-xYy90DiX7FR9O9qIcnTMWpMqThjN69RNZZiUZShtnqQCv_xbR_PTl55p68uzjJgpzwMF5RZd9jOdLP6QqWVXX0s", "dq": "L2AbiWXBdzngbL1VZ6fTk0_4Z3HiHqkicFpJJN-QxyQpRn3tw4ymtAJzw5_5eALS2Hr0kmMCPHFisf9IH-1xfxviSB-0VWLQ80J9bE7Xn5AkrUMUVFlBuC_E5hbK-dyggjDheimip8GTNBjvVTfRs3GNdPNB_e5GrMZ6oibMoN0", "qi": "2vkOBHxd_PFec1GM8eeipKyHe3ntM9d0_KBgM5JquRyT-JCXtWQlBfnUEMBbre09uGPC7Ary-L_cvuFMWzk2VLZvt2sPA4uEt7S1xneqwmvwKcEqiiW3wbouybCuUvdPE9LqUvi7pLnAlsPayDBB4qeXgGoHVWn73uk5g0DkokY"}

# A key nobody trusts, for forged signatures.
foreign_key := {"kty": "RSA", "kid": "other-key", "n": "5zxlJwJQWmR4AFERYP9o8-ibgxLmeZMlCFLdP9Ab_MtSgI8fg_KVveItkdfdy44d-tQqGitnJ0WOwovO5wN2EIC_Wk5_L3V5kf4avc1LpyHcVepN8pzetz4PEiYcg2Ohmla3MMqvlM0R5MCa_xER2DB95QjliTkYSIwZXbW6ID6WkL-TSkl9WYzlWFnqMr8kM6hLd6GMiTYIfmxFUznT6XaSuSctBgsFatczyzqk4OCl8rznpfTStB0hutk3pmSbamqQUqnpF-pn4S_uRTaQ4P72uZZaSxiVnSh9yz2JAbiQx09elAFtGGmADMVuDNat1zjUEN7k7-yOd3BwzblyBQ", "e": "AQAB", "d": "e5hMeLfukGIjF12SwcXC00ar2I4W9-SDvBnj0w0-kwrE45zxu2puSeVwIK7BCOFteiRCXLqA6FIa0Yw-NZF5XwNx7qhbqCz3ozuuuhnWgKlt8SjLgQytU5mtdIXqYlAJO0rI9SC2Y1KOaIvfoiCoPmWs5OlccXw9qTPjsF2cnp576jfSMHy5akevo-E8vESmnewmepD5QkMUVOpMYKoRxzN9dWdnVJCwp71LER6zephi1rRtm3YQzy7X0nxK5uQK5pUyGGUIdI-_7T5rHArdKZJZwQDwhdbCSQ7-WyqkJrMCYze4zOJCClcTCCXVxR4Sg1jUiB73K-0tjFUhU_47", "p": "_J-gjgRTF5jUvs2k80chBELVX3V1JVgRVNSULiXADeQk7Tj6fMomRXC86EYQxTrzyqvw375kFNfOxRxGnvqSliqrNJyhk3Ew66hL6rOHEzf2oQx9l0_VisOcsBnQnwjKzmgvTln7VxX5jUoRDwejc3VZ-Vg6vOst2HxYEO6ucAc", "q": "6lOWoLrwom1068IWKxbzJrQx1l3A6ns55WDjsjm0zjxQ1TinzRs2GG6KpQ_Fl28dcMJq3nkUAQSwTGU1JiJHXeH37Z56N_9qNmXN2l8-qd3ZicOCGt0eWEJYdKxy1-qSaLfhLxAK90gZrDfX2vbyCr4BwlCWITwjZZR9EZ30cpM", "dp": "Bmz9BX_AqVH-31eVwYZmpZgZm1L-htOlpTW_Cyl0qCXMdqhDXtc5f_ytIW9ez9V_DAGxn89U9l7C6KqedT7EacNuFWmChqCTcPsX60Fjxy5ePJx3uViTgvMU0jnl35W2qudlhKWvSfjKHzjqFCrKko5CmqAO5m1I_j-zccLQdxM", "dq": "xl1CewglourT-qxPxeRkrBQIyHaPVDBCv6n4tyxgoeGvcADJFDl_3sjdN4QVee-HVahPfcuzonUMpW9bwc9s6M3c6tuojPT8PdaKn9zXGEeE2zmVTxZ2lLJ9XS-K_LtHe7yFtSh4kAMKMJ8JbQR1u6BDrvI3VSUqtdgw1BQKFl8", "qi": "mx_FE8LQJ857lLYEtvgwvUAyMAd9Szp1W9k6yWh9-Ik8j6pbScrgBeivn7APRRwx8xEkBig9kYHWN6Gy25zzpcPP7QA0cWGvDbshG8naxt3NdYBIvZZSuBOAHf8GIOmIQhXn-60jH4qzvC8qnylF3zIeuxpJ6OKiSacBQdeO-As"}

published_jwks := {"keys": [{"kty": "RSA", "kid": "test-key", "alg": "RS256", "use": "sig", "n": "5jCi8I2VxXPM-PPhh_H32cnXdZejss8YcRG02Wr-QoXTey08cOF2oI5__tV6MY4NeDI6HC4ePAxazpVn6w3sxQ18geQtMJCYhq0Q1Rb1DlZYJ945U6Md-zcR3u01l7YQZF6CefftoMd3NfsMLnE4hOH72bMs5v-SdwYAK5p9kgZIMG60Lf7hPrFxJuex5niqFPkBggr0Ey_bq8e5WFi_kki8S_C-8mxquFw_EM9e68M042b2KBsaJz8JJTdAkgp5w1P7wCxrZUuPQLW8V2x01cBi_J1b-ue_2fM9fpEOxmJL3Bu8G6pumRQWl_2uLviP5Nz57lY43gyDirgQ7T2sGQ", "e": "AQAB"}]}

# The other realm's signing key: a real key of the platform, trusted for tenant bravo only.
bravo_signing_key := {"kty": "RSA", "kid": "bravo-key", "n": "qOFUGAFEFAwr47Ys2HmrEa6LtbMca-cInSyMp22tQL_XYNB6cwb0RAskiFdF_2PkIn7fy9XcLfmxFHzjqjEP2P15Ctn1J1sbj6DLNWa69tN2I4Pm209XaLUTBn4MVqgiUAblZkJI9RxPYIbWDGXYAUSUYYcSXUf6TrVO3Dsn06yv4vbgO2Vcv-vG7ofL0hF1Be5JqX9xcD5_TW-qfoC0PT34Gd7veDAmOHFe8-36zueSPYXqrF9jRHeQydiTvgQDjjvY8FhtiIyGcLB7kjqtvsUDjfFLyR_ILf93sTm-xo4YGZuD1KSyJpNllHARDCJZhLT4tvugIq1XfbiqBOYiSw", "e": "AQAB", "d": "LvJYyMWNUc9iYg5yIAmOmz88-llcxMg4dkz8msyb9Zx--Jxr9c8Ql1vLn5U3UbxInqhLeWQtraA0cGAZf-XcpHMuM2yMwJCMtFw8MU-qGNSHCm9v_TZss6Bmtg7TSkG6LCoGmmtB0dW5YTmKhm7HYe7ZGtWMLt9D_55aWlGdjDOI7ybT0Qq-0bLeQ_Uz88dsZ7p4E5CcwBF3Fu2_iP3lVDWoCsovUZM-Y8ggG5lfgqkmNEWv7jMx0yBB3fFdZ-O1DdfWnDHUsUWbgxqGBXFWILfK65I-1sQwWMqJRB0WwfQ3ni0MgJAqjhmZUboL_izOKWDcrgHqHQDRemzBmtnI4Q", "p": "3NvojG7wqU-FhUjNDCgYb3V3lfbQeqQtjuzZaYKpe648FAvh91C-b9nP4hfJZqYNBFfeDdV5xEU7k7lxMKKnoD8knUT2Up5cBw0vgngBs6S9nqNrzEco_6mOwqfZqGzmPsHLGdzpOEb2RpIg7DEVl5AQpyJtT-M58dldo2ANV6s", "q": "w8A0MKET2hT2dHmCZx_wJw3lwwyG7S0eLjEmnS4nUyvEjxIt7HzQafo9E4EooZB7fywMijXVzjvxfmnqqOemM7jqTbflpOvxEk2BZJHnCKT1a5JLvXJ6i0Q4BaKBV6P_C6ZBTzY3uBcoY19snwnmn65a7RPkAXm3hte31GTLP-E", "dp": "K0cEOJB8pBCrD0UGuP0aXKzd9ArbK00EiF8s8xnhcBTiPONfMgEmb_B0Zc9Xbb_YCSPWpUtRgv42AGp0HZ2hzyrQV-jtg574VYFl7-DoJHWBmpZXRz4icIafLNGLOw-rxlxfGgBJyvdMxuNXhDDSFFLskHOUi_Two81-JcdqleU", "dq": "uf-nl412j4HbrFDI17RBPNq3tt3wVuzIAJwzVKbGNwEfg9KCUHNIlWpxHldbhCkFL5FrWOhOf-f1T2jU0ClMg1jxSWezjUGjjwCWMjlwjYYwrEYWMazVQ_9OPAxtWhk5_pe69slNqF5YwhOp4nRF7vR88Ug1HjHJcRcIVYhwmAE", "qi": "zloHQwgSD13BJiQWMxt0aRXjhoYOaz62K5veXgKvlvR01043nDB7cNhN3N_bDAoF4IC0SaLu9Ns9mKfhkmGfeWFLVOBmL549YZWDDUUUKSxnkMgvf6DUmvswcwaQxURr78QqwjZnTMiGNxxsoBSEsbyDEEOrawlPiF4UiH8LJbk"}

bravo_jwks := {"keys": [{"kty": "RSA", "kid": "bravo-key", "alg": "RS256", "use": "sig", "n": "qOFUGAFEFAwr47Ys2HmrEa6LtbMca-cInSyMp22tQL_XYNB6cwb0RAskiFdF_2PkIn7fy9XcLfmxFHzjqjEP2P15Ctn1J1sbj6DLNWa69tN2I4Pm209XaLUTBn4MVqgiUAblZkJI9RxPYIbWDGXYAUSUYYcSXUf6TrVO3Dsn06yv4vbgO2Vcv-vG7ofL0hF1Be5JqX9xcD5_TW-qfoC0PT34Gd7veDAmOHFe8-36zueSPYXqrF9jRHeQydiTvgQDjjvY8FhtiIyGcLB7kjqtvsUDjfFLyR_ILf93sTm-xo4YGZuD1KSyJpNllHARDCJZhLT4tvugIq1XfbiqBOYiSw", "e": "AQAB"}]}

# Keycloak publishes its realm's encryption key (RSA-OAEP, `use: enc`) beside the signing key.
# Only the public half exists here: nothing in these tests encrypts.
keycloak_jwks := {"keys": [{"kty": "RSA", "kid": "acme-enc-key", "alg": "RSA-OAEP", "use": "enc", "n": "jeYN9vqhsYnWO50aX5G1lD802QS-RR_60SnA8b1qPyuqVyQrmGHJVSSFb8Cq0dAQM3B9Np9sSE7vm1Ow7yceC7HTIJkUAFFRd_f6aQNXdqVaZEPNAnpTHN1_mJbAk7BPAupS-AgqRCTRpNtPk8IpfWyKp5c6Ss9LWEWcmN_c9MMsOD1z1cKsMmF4XF1wzvGQBCuA0O5KfqKTjy1AdmC6zDzm_nOiwM4_A6hr_mi1YLV0XwSFfbLO1QwjqOl_RtzjbML8HrEFWVAaYRDjsP1mVpvonrwQmrPQz_ygm6Np3s1jJH9d4tD4zGwDQLAlj70KgGtHSOots1efLmRaF-fxbQ", "e": "AQAB"}, published_jwks.keys[0]]}

mock_http_send(req) := {"status_code": 200, "raw_body": json.marshal(published_jwks)} if req.url == jwks_uri

mock_http_send(req) := {"status_code": 200, "raw_body": json.marshal(bravo_jwks)} if req.url == bravo_jwks_uri

mock_http_send(req) := {"status_code": 404, "raw_body": ""} if not req.url in {jwks_uri, bravo_jwks_uri}

keycloak_http_send(req) := {"status_code": 200, "raw_body": json.marshal(keycloak_jwks)} if req.url == jwks_uri

keycloak_http_send(req) := {"status_code": 404, "raw_body": ""} if req.url != jwks_uri

now_s := round(time.now_ns() / 1000000000)

base_claims := {"iss": issuer, "aud": "fiware", "exp": now_s + 3600, "iat": now_s, "tenant": "acme", "sub": "device-operator"}

claims(overrides) := object.union(base_claims, overrides)

token_signed(alg, key, payload) := io.jwt.encode_sign({"typ": "JWT", "alg": alg, "kid": object.get(key, "kid", "test-key")}, payload, key)

valid_token := token_signed("RS256", signing_key, claims({}))

http_request(method, path, headers) := {"attributes": {"request": {"http": {"method": method, "path": path, "headers": headers}}}}

api_request(headers) := http_request("GET", "/orion/v2/entities", headers)

allowed(req) if {
	authz.allow with input as req with data.tenant_policy as policy_data with http.send as mock_http_send
}

test_valid_request_is_allowed if {
	allowed(api_request({"authorization": concat(" ", ["Bearer", valid_token]), "fiware-service": "acme"}))
}

test_tenant_mismatch_is_denied if {
	not allowed(api_request({"authorization": concat(" ", ["Bearer", valid_token]), "fiware-service": "bravo"}))
}

test_token_of_another_tenant_with_own_header_is_denied if {
	token := token_signed("RS256", signing_key, claims({"tenant": "bravo"}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_expired_token_is_denied if {
	token := token_signed("RS256", signing_key, claims({"exp": now_s - 60}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_token_without_exp_is_denied if {
	token := token_signed("RS256", signing_key, object.remove(claims({}), ["exp"]))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_token_not_yet_valid_is_denied if {
	token := token_signed("RS256", signing_key, claims({"nbf": now_s + 600}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_bad_signature_is_denied if {
	token := token_signed("RS256", foreign_key, claims({}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_tampered_payload_is_denied if {
	[header, _, signature] := split(valid_token, ".")
	forged := base64url.encode_no_pad(json.marshal(claims({"sub": "someone-else"})))
	token := concat(".", [header, forged, signature])
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_wrong_algorithm_is_denied if {
	token := token_signed("RS384", signing_key, claims({}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_wrong_issuer_is_denied if {
	token := token_signed("RS256", signing_key, claims({"iss": "https://evil.test/realms/acme"}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_wrong_audience_is_denied if {
	token := token_signed("RS256", signing_key, claims({"aud": "someone-else"}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_missing_authorization_header_is_denied if {
	not allowed(api_request({"fiware-service": "acme"}))
}

test_missing_bearer_prefix_is_denied if {
	not allowed(api_request({"authorization": valid_token, "fiware-service": "acme"}))
}

test_other_scheme_is_denied if {
	not allowed(api_request({"authorization": concat(" ", ["Basic", valid_token]), "fiware-service": "acme"}))
}

test_empty_bearer_is_denied if {
	not allowed(api_request({"authorization": "Bearer ", "fiware-service": "acme"}))
}

test_missing_fiware_service_is_denied if {
	not allowed(api_request({"authorization": concat(" ", ["Bearer", valid_token])}))
}

test_empty_fiware_service_is_denied if {
	token := token_signed("RS256", signing_key, claims({"tenant": ""}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": ""}))
}

test_unknown_tenant_is_denied if {
	token := token_signed("RS256", signing_key, claims({"tenant": "zulu"}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "zulu"}))
}

test_empty_tenant_claim_is_denied if {
	token := token_signed("RS256", signing_key, claims({"tenant": ""}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_missing_tenant_claim_is_denied if {
	token := token_signed("RS256", signing_key, object.remove(claims({}), ["tenant"]))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_unreachable_jwks_is_denied if {
	req := api_request({"authorization": concat(" ", ["Bearer", valid_token]), "fiware-service": "acme"})
	not authz.allow with input as req with data.tenant_policy as policy_data with http.send as {"status_code": 503, "raw_body": ""}
}

test_open_paths_need_no_token if {
	every path in ["/orion/version", "/quantumleap/version", "/iota-north/iot/about", "/auth/realms/acme/protocol/openid-connect/token"] {
		allowed(http_request("GET", path, {}))
	}
}

test_query_string_does_not_open_a_path if {
	not allowed(http_request("GET", "/orion/v2/entities?x=/orion/version", {}))
}

test_open_path_prefix_only_matches_whole_segments if {
	not allowed(http_request("GET", "/orion/versionx", {}))
	not allowed(http_request("GET", "/authx/realms", {}))
}

test_token_signed_by_another_realms_key_is_denied if {
	# A genuine platform key, but of bravo's realm: it never vouches for acme.
	token := token_signed("RS256", bravo_signing_key, claims({}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_audience_array_with_fiware_is_allowed if {
	# Keycloak sends `aud` as an array when a token has several audiences.
	token := token_signed("RS256", signing_key, claims({"aud": ["account", "fiware"]}))
	allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_audience_array_without_fiware_is_denied if {
	token := token_signed("RS256", signing_key, claims({"aud": ["account", "other"]}))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

keycloak_allowed(req) if {
	authz.allow with input as req with data.tenant_policy as policy_data with http.send as keycloak_http_send
}

test_jwks_with_an_encryption_key_is_used_for_signatures if {
	keycloak_allowed(api_request({"authorization": concat(" ", ["Bearer", valid_token]), "fiware-service": "acme"}))
}

test_jwks_with_several_keys_still_refuses_a_foreign_key if {
	# Signed by nobody's key, claiming the encryption key's id.
	token := token_signed("RS256", object.union(foreign_key, {"kid": keycloak_jwks.keys[0].kid}), claims({}))
	not keycloak_allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_query_string_on_a_public_path_is_allowed if {
	allowed(http_request("GET", "/orion/version?options=details", {}))
	allowed(http_request("GET", "/auth/realms/acme/protocol/openid-connect/auth?client_id=x&response_type=code", {}))
}

test_token_without_iss_is_denied if {
	token := token_signed("RS256", signing_key, object.remove(claims({}), ["iss"]))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

test_token_without_aud_is_denied if {
	token := token_signed("RS256", signing_key, object.remove(claims({}), ["aud"]))
	not allowed(api_request({"authorization": concat(" ", ["Bearer", token]), "fiware-service": "acme"}))
}

acme_auth := {"authorization": concat(" ", ["Bearer", valid_token]), "fiware-service": "acme"}

# OPA-Envoy hands the JSON body over as `parsed_body` (the gateway sends bodies to ext_authz).
provisioning(method, path, body) := object.union(http_request(method, path, acme_auth), {"parsed_body": body})

test_device_measure_with_a_tenant_key_needs_no_token if {
	allowed(http_request("POST", "/iota-south/iot/d?k=acme-8f3e2a&i=dev1", {"content-type": "text/plain"}))
	allowed(http_request("GET", "/iota-south/iot/d?i=dev1&k=bravo-77a1&getCmd=1", {}))
}

test_device_measure_without_a_tenant_key_is_denied if {
	# The agent's default key (no tenant prefix) would find a device by id in any service.
	not allowed(http_request("POST", "/iota-south/iot/d?k=TEF&i=dev1", {}))
	not allowed(http_request("POST", "/iota-south/iot/d?k=zulu-1&i=dev1", {}))
	not allowed(http_request("POST", "/iota-south/iot/d?k=acme-&i=dev1", {}))
	not allowed(http_request("POST", "/iota-south/iot/d?i=dev1", {}))
	not allowed(http_request("POST", "/iota-south/iot/d?k=acme-1&k=bravo-2&i=dev1", {}))
}

test_device_key_opens_only_the_measure_path if {
	not allowed(http_request("POST", "/iota-south/other?k=acme-1&i=dev1", {}))
	not allowed(http_request("POST", "/orion/v2/entities?k=acme-1", {}))
	not allowed(http_request("POST", "/iota-north/iot/services?k=acme-1", {}))
}

test_provisioning_own_tenant_keys_is_allowed if {
	allowed(provisioning("POST", "/iota-north/iot/services", {"services": [{"apikey": "acme-1", "cbroker": "http://orion:1026", "entity_type": "Thing", "resource": "/iot/d"}]}))
	allowed(provisioning("POST", "/iota-north/iot/devices", {"devices": [{"device_id": "d1", "apikey": "acme-1"}, {"device_id": "d2"}]}))
	allowed(http_request("GET", "/iota-north/iot/services", acme_auth))
}

test_provisioning_another_tenants_key_is_denied if {
	not allowed(provisioning("POST", "/iota-north/iot/services", {"services": [{"apikey": "acme-1"}, {"apikey": "bravo-1"}]}))
	not allowed(provisioning("POST", "/iota-north/iot/devices", {"devices": [{"device_id": "d1", "apikey": "bravo-1"}]}))
	not allowed(provisioning("PUT", "/iota-north/iot/services?resource=/iot/d&apikey=TEF", {"entity_type": "X"}))
	not allowed(provisioning("POST", "/iota-north/iot/services", {"services": [{"apikey": "TEF"}]}))
}

test_provisioning_without_a_readable_body_is_denied if {
	not allowed(http_request("POST", "/iota-north/iot/services", acme_auth))
}

# Orion's notifications carry the subscription's tenant in Fiware-Service unless a custom notification
# replaces it (Orion 3.10): a subscription must not name another tenant, however the path is spelled.
subscription(method, path, notification) := provisioning(method, path, {"subject": {"entities": [{"idPattern": ".*"}]}, "notification": notification})

custom_headers(headers) := {"httpCustom": {"url": "http://quantumleap.fiware.svc.cluster.local:8668/v2/notify", "headers": headers}}

test_subscription_notifying_quantumleap_is_allowed if {
	allowed(subscription("POST", "/orion/v2/subscriptions", {"http": {"url": "http://quantumleap.fiware.svc.cluster.local:8668/v2/notify"}}))
	allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"X-Trace": "on", "Content-Type": "application/json"})))
	allowed(subscription("PATCH", "/orion/v2/subscriptions/5f1", custom_headers({"X-Trace": "off"})))
}

test_subscription_replacing_the_tenant_header_is_denied if {
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"Fiware-Service": "bravo"})))
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"FIWARE-SERVICE": "bravo"})))
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"fiware-servicepath": "/other"})))
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"NGSILD-Tenant": "bravo"})))
	not allowed(subscription("PATCH", "/orion/v2/subscriptions/5f1", custom_headers({"Fiware-Service": "bravo"})))
	not allowed(subscription("POST", "/orion/v2/%73ubscriptions", custom_headers({"Fiware-Service": "bravo"})))
	not allowed(subscription("POST", "/orion//v2/subscriptions?options=skipInitialNotification", custom_headers({"Fiware-Service": "bravo"})))
}

test_subscription_header_name_that_is_not_a_token_is_denied if {
	# Orion substitutes macros in header names: an attribute "h" holding "fiware-service" would name it.
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"${h}": "bravo"})))
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"Fiware-Service ": "bravo"})))
}

test_subscription_header_value_macro_is_denied if {
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"X-Trace": "${h}"})))
}

test_subscription_header_line_break_is_denied if {
	# Orion URL-decodes header values: %0D%0A would start a header of its own.
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"X-Trace": "a%0D%0AFiware-Service: bravo"})))
	not allowed(subscription("POST", "/orion/v2/subscriptions", custom_headers({"X-Trace": "a%0ab"})))
	not allowed(subscription("POST", "/orion/v2/subscriptions", {"httpCustom": {"url": "http://quantumleap:8668/v2/notify", "qs": {"x": "%0d%0aFiware-Service: bravo"}}}))
	not allowed(subscription("POST", "/orion/v2/subscriptions", {"httpCustom": {"url": "http://quantumleap:8668/v2/notify${h}"}}))
}

test_json_body_cut_short_is_denied if {
	not allowed(object.union(http_request("POST", "/orion/v2/op/update", acme_auth), {"truncated_body": true}))
}

# QuantumLeap reads NGSILD-Tenant before Fiware-Service, and its server reads `_` as `-` in header names.
test_tenant_header_in_another_spelling_is_denied if {
	every name in ["ngsild-tenant", "ngsild_tenant", "NGSILD_Tenant", "fiware_service", "fiware_servicepath"] {
		not allowed(http_request("GET", "/quantumleap/v2/entities", object.union(acme_auth, {name: "bravo"})))
	}
}

test_service_path_header_is_allowed if {
	allowed(http_request("GET", "/quantumleap/v2/entities", object.union(acme_auth, {"fiware-servicepath": "/plant1"})))
}
