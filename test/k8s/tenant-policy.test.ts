import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EXT_AUTHZ_EXTENSION_PROVIDER, EXT_AUTHZ_PROVIDER_NAME } from '../../k8s/security/ext-authz';
import { tenantPolicyData } from '../../k8s/security/tenant-policy-data';
import { DECISION_LOG_MASK_FILE, TENANT_POLICY_FILE } from '../../k8s/platform-charts';
import { IMAGES } from '../../k8s/images';
import { synthDemoCharts } from '../fixtures/demo-charts';
import { ENGINE_OPA_VERSION, RegoModuleText, RegoTestOutcomes, runRegoTests, shimModules, stopOpaEngine, testRuleNames } from './opa-engine';

const demo = synthDemoCharts();
const policyChart = demo.objects('tenant-policy');
const find = (kind: string, name: string) => policyChart.find((o) => o.kind === kind && o.metadata.name === name)!;
const policyConfig = find('ConfigMap', 'opa-policy').data;
const POLICY_DIR = path.dirname(TENANT_POLICY_FILE);
const publicPaths = { exact: ['/orion/version'], prefixes: ['/auth/'] };
const devices = { measurePaths: ['/iota-south/iot/d'], provisioningPrefix: '/iota-north/' };

describe('the policy data generated from the config', () => {
  const data = JSON.parse(policyConfig['data.json']);

  test('lists each pilot tenant with its realm issuer, JWKS URI and audience', () => {
    expect(data.tenant_policy.tenants).toEqual({
      acme: {
        issuer: 'https://iiot.demo.example.com/auth/realms/acme',
        jwks_uri: 'http://keycloak.identity.svc.cluster.local:8080/auth/realms/acme/protocol/openid-connect/certs',
        audience: 'fiware',
      },
      bravo: {
        issuer: 'https://iiot.demo.example.com/auth/realms/bravo',
        jwks_uri: 'http://keycloak.identity.svc.cluster.local:8080/auth/realms/bravo/protocol/openid-connect/certs',
        audience: 'fiware',
      },
    });
    expect(Object.keys(data.tenant_policy.tenants)).toEqual(demo.model.pilots.map((p) => p.fiwareService));
  });

  test('opens only the version/about endpoints and Keycloak', () => {
    expect(data.tenant_policy.open_paths.sort()).toEqual(['/iota-north/iot/about', '/orion/version', '/quantumleap/version']);
    expect(data.tenant_policy.open_prefixes).toEqual(['/auth/realms/acme/', '/auth/realms/bravo/', '/auth/resources/']);
    expect(data.tenant_policy.device_paths).toEqual(['/iota-south/iot/d']);
    expect(data.tenant_policy.provisioning_prefix).toBe('/iota-north/');
  });

  test('refuses duplicate tenants, tenants without issuer or keys, and no tenants at all', () => {
    const acme = { name: 'acme', issuer: 'https://i/acme', jwksUri: 'https://i/acme/certs' };
    expect(() => tenantPolicyData([acme, acme], publicPaths, devices)).toThrow(/tenant "acme" is declared twice/);
    expect(() => tenantPolicyData([{ ...acme, issuer: '' }], publicPaths, devices)).toThrow(/tenant "acme" has no issuer/);
    expect(() => tenantPolicyData([{ ...acme, jwksUri: '' }], publicPaths, devices)).toThrow(/tenant "acme" has no JWKS URI/);
    expect(() => tenantPolicyData([{ ...acme, name: '' }], publicPaths, devices)).toThrow(/tenant #1 has no name/);
    expect(() => tenantPolicyData([], publicPaths, devices)).toThrow(/no tenants/);
  });
});

describe('the Rego policy shipped to OPA', () => {
  const rego = policyConfig['tenant.rego'];

  test('is the file in the repository, in the ConfigMap OPA loads', () => {
    expect(rego).toBe(fs.readFileSync(TENANT_POLICY_FILE, 'utf8'));
    const pod = find('Deployment', 'opa').spec.template.spec;
    const policyVolume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === 'opa-policy');
    expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ name: policyVolume.name, mountPath: '/policy', readOnly: true }));
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['/policy/tenant.rego', '/policy/decision_log_mask.rego', '/policy/data.json', '--config-file=/config/config.yaml']));
  });

  test('reads the fiware-service header, the bearer token and the tenant claim, and requires exp', () => {
    expect(rego).toContain('package iiot.authz');
    expect(rego).toContain('request.headers["fiware-service"]');
    expect(rego).toContain('startswith(request.headers.authorization, "Bearer ")');
    expect(rego).toContain('claims.tenant == requested_tenant');
    expect(rego).toContain('is_number(claims.exp)');
    expect(rego).toContain('"alg": "RS256"');
    expect(rego).toMatch(/default allow := false/);
  });

  test('is the decision the Envoy plugin queries', () => {
    expect(find('ConfigMap', 'opa-config').data['config.yaml']).toContain('path: iiot/authz/allow');
  });

  test('has tests for every case of the tenant decision', () => {
    const tests = fs.readFileSync(path.join(POLICY_DIR, 'tenant_test.rego'), 'utf8').match(/^test_\w+/gm);
    expect(tests).toEqual(
      expect.arrayContaining([
        'test_valid_request_is_allowed',
        'test_tenant_mismatch_is_denied',
        'test_expired_token_is_denied',
        'test_token_without_exp_is_denied',
        'test_bad_signature_is_denied',
        'test_wrong_algorithm_is_denied',
        'test_missing_authorization_header_is_denied',
        'test_missing_bearer_prefix_is_denied',
        'test_missing_fiware_service_is_denied',
        'test_empty_fiware_service_is_denied',
        'test_unknown_tenant_is_denied',
        'test_empty_tenant_claim_is_denied',
        'test_open_paths_need_no_token',
        'test_token_signed_by_another_realms_key_is_denied',
        'test_audience_array_with_fiware_is_allowed',
        'test_audience_array_without_fiware_is_denied',
        'test_jwks_with_an_encryption_key_is_used_for_signatures',
        'test_jwks_with_several_keys_still_refuses_a_foreign_key',
        'test_query_string_on_a_public_path_is_allowed',
        'test_token_without_iss_is_denied',
        'test_subscription_notifying_quantumleap_is_allowed',
        'test_subscription_replacing_the_tenant_header_is_denied',
        'test_json_body_cut_short_is_denied',
        'test_tenant_header_in_another_spelling_is_denied',
      ]),
    );
  });

  test('passes `opa test` with an `opa` binary too, where one is on the PATH (none on the development machine and CI)', () => {
    if (!hasOpa) return;
    const out = execFileSync('opa', ['test', '-v', POLICY_DIR], { encoding: 'utf8' });
    expect(out).toMatch(/PASS: \d+\/\d+/);
  });
});

const hasOpa = (() => {
  try {
    execFileSync('opa', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const policyModule = (source: string): RegoModuleText => ({ file: 'tenant.rego', source });
const testModule: RegoModuleText = { file: 'tenant_test.rego', source: fs.readFileSync(path.join(POLICY_DIR, 'tenant_test.rego'), 'utf8') };
const runWith = (policy: string, only?: readonly string[]) => runRegoTests([policyModule(policy), testModule], only);
afterAll(stopOpaEngine);

// The policy's own tests, run on OPA ${ENGINE_OPA_VERSION} in-process (test/k8s/opa-engine.ts says how and
// what the shim changes); the deployed image runs a newer OPA (k8s/images.ts).
describe(`the policy tests (tenant_test.rego) on OPA ${ENGINE_OPA_VERSION}, deployed: ${IMAGES.opa}`, () => {
  let outcomes: RegoTestOutcomes;
  beforeAll(async () => {
    outcomes = await runWith(fs.readFileSync(TENANT_POLICY_FILE, 'utf8'));
  });
  test.each(testRuleNames([testModule]))('%s', (name) => {
    expect(outcomes[name]).toBe('pass');
  });
});

/**
 * Each check of the policy, removed from its text: the tests that cover it must then fail, so they
 * test the policy and not themselves. (`test_audience_array_without_fiware_is_denied` has no entry:
 * with the audience constraint removed OPA still refuses a token that carries `aud`.)
 */
const MUTATIONS: { removed: string; from: string | RegExp; to: string; failing: string[] }[] = [
  {
    removed: 'keys bound to the requested tenant\'s realm (any tenant\'s keys accepted)',
    from: 'jwks(tenant.jwks_uri)',
    to: 'jwks(data.tenant_policy.tenants[_].jwks_uri)',
    failing: ['test_token_signed_by_another_realms_key_is_denied'],
  },
  {
    removed: 'the audience constraint',
    from: '\t\t"aud": tenant.audience,\n',
    to: '',
    failing: ['test_audience_array_with_fiware_is_allowed', 'test_token_without_aud_is_denied'],
  },
  {
    removed: 'verification against the whole published key set (first key only)',
    from: '"cert": jwks(tenant.jwks_uri)',
    to: '"cert": json.marshal(json.unmarshal(jwks(tenant.jwks_uri)).keys[0])',
    failing: ['test_jwks_with_an_encryption_key_is_used_for_signatures'],
  },
  {
    removed: 'the signature check',
    from: /\[valid, _, claims\] := io\.jwt\.decode_verify\(bearer_token, \{[^}]*\}\)/,
    to: '[_, claims, _] := io.jwt.decode(bearer_token)\n\tvalid := true',
    failing: [
      'test_jwks_with_several_keys_still_refuses_a_foreign_key',
      'test_token_signed_by_another_realms_key_is_denied',
      'test_bad_signature_is_denied',
      'test_tampered_payload_is_denied',
    ],
  },
  {
    removed: 'the query string cut off before the public-path match',
    from: 'path := split(request.path, "?")[0]',
    to: 'path := request.path',
    failing: ['test_query_string_on_a_public_path_is_allowed'],
  },
  {
    removed: 'the issuer required (decode_verify compares `iss` only when present)',
    from: '\tclaims.iss == tenant.issuer\n',
    to: '',
    failing: ['test_token_without_iss_is_denied'],
  },
  {
    removed: 'the API key check at provisioning',
    from: '\tnot unbound_api_key\n',
    to: '',
    failing: ['test_provisioning_another_tenants_key_is_denied', 'test_provisioning_without_a_readable_body_is_denied'],
  },
  {
    removed: "the device key's tenant prefix",
    from: '\tdata.tenant_policy.tenants[key_tenant(key)]\n',
    to: '',
    failing: ['test_device_measure_without_a_tenant_key_is_denied'],
  },
  {
    removed: 'the custom-notification check',
    from: '\tnot notification_rewrites_tenant\n',
    to: '',
    failing: [
      'test_subscription_replacing_the_tenant_header_is_denied',
      'test_subscription_header_name_that_is_not_a_token_is_denied',
      'test_subscription_header_value_macro_is_denied',
      'test_subscription_header_line_break_is_denied',
      'test_json_body_cut_short_is_denied',
    ],
  },
  { removed: 'other tenant headers refused', from: '\tnot tenant_header_smuggled\n', to: '', failing: ['test_tenant_header_in_another_spelling_is_denied'] },
  { removed: 'the tenant headers refused in custom notifications', from: '\tnot lower(name) in tenant_headers\n', to: '', failing: ['test_subscription_replacing_the_tenant_header_is_denied'] },
  { removed: 'header names limited to tokens', from: "\tregex.match(`^[A-Za-z0-9-]+$`, name)\n", to: '', failing: ['test_subscription_header_name_that_is_not_a_token_is_denied'] },
  { removed: 'macros refused in notification values', from: '\tnot contains(value, "${")\n', to: '', failing: ['test_subscription_header_value_macro_is_denied'] },
  { removed: 'line breaks refused in notification values', from: /\tnot regex\.match\(`\(\?i\)%0\[ad\][^\n]*\n/, to: '', failing: ['test_subscription_header_line_break_is_denied'] },
  { removed: 'bodies cut short refused', from: 'notification_rewrites_tenant if input.truncated_body == true\n', to: '', failing: ['test_json_body_cut_short_is_denied'] },
  { removed: '`exp` required', from: '\tis_number(claims.exp)\n', to: '', failing: ['test_token_without_exp_is_denied'] },
  {
    removed: 'the tenant claim equal to the header',
    from: '\tclaims.tenant == requested_tenant\n',
    to: '',
    // (test_tenant_mismatch_is_denied still denies: bravo's realm keys do not verify acme's token.)
    failing: ['test_token_of_another_tenant_with_own_header_is_denied'],
  },
];

describe(`the decision log mask (decision_log_mask.rego) on OPA ${ENGINE_OPA_VERSION}`, () => {
  const mask = (file: string): RegoModuleText => ({ file: path.basename(file), source: fs.readFileSync(file, 'utf8') });
  const maskTests = mask(path.join(POLICY_DIR, 'decision_log_mask_test.rego'));
  test('ships in the ConfigMap OPA loads, and OPA logs decisions with it', () => {
    expect(policyConfig['decision_log_mask.rego']).toBe(fs.readFileSync(DECISION_LOG_MASK_FILE, 'utf8'));
    expect(find('ConfigMap', 'opa-config').data['config.yaml']).toMatch(/decision_logs:\s+console: true/);
  });
  test.each(testRuleNames([maskTests]))('%s', async (name) => {
    expect((await runRegoTests([mask(DECISION_LOG_MASK_FILE), maskTests]))[name]).toBe('pass');
  });
  test('fails without its masks (mutation)', async () => {
    const gutted = { ...mask(DECISION_LOG_MASK_FILE), source: fs.readFileSync(DECISION_LOG_MASK_FILE, 'utf8').replace('mask contains "/input/attributes/request/http/headers/authorization"\n', '') };
    expect(Object.values(await runRegoTests([gutted, maskTests]))).toContain('fail');
  });
});

describe('each check, removed from the policy, fails the tests that cover it', () => {
  const policy = fs.readFileSync(TENANT_POLICY_FILE, 'utf8');
  test.each(MUTATIONS)('without $removed', async ({ from, to, failing }) => {
    const mutated = policy.replace(from, to);
    expect(mutated).not.toBe(policy);
    // Only the tests that must now fail are evaluated (the RS256 checks make each one costly).
    const outcomes = await runWith(mutated, failing);
    expect(outcomes).toEqual(Object.fromEntries(failing.map((t) => [t, 'fail'])));
  });
});

describe('the engine shim', () => {
  const suite = (source: string): RegoModuleText => ({ file: 'suite.rego', source: `package suite_test\n\nimport rego.v1\n\n${source}` });

  test('reports a true rule as passed and a false, undefined or erroring one as failed', async () => {
    const outcomes = await runRegoTests([
      suite('test_true if 1 == 1\n\ntest_false if 1 == 2\n\ntest_undefined if input.nothing\n\ntest_error if to_number("x") == 1\n'),
    ]);
    expect(outcomes).toEqual({ test_true: 'pass', test_false: 'fail', test_undefined: 'fail', test_error: 'fail' });
  });

  test('refuses modules that define the same name, and Rego that does not compile', async () => {
    const other: RegoModuleText = { file: 'other.rego', source: 'package other\n\nimport rego.v1\n\nx := 1\n' };
    expect(() => shimModules([suite('x := 2\n\ntest_x if x == 2\n'), other])).toThrow(/other.rego and suite.rego both define `x`/);
    await expect(runRegoTests([suite('test_broken if {\n')])).rejects.toThrow(/OPA 0\.47\.0 refused the Rego/);
  });
});

describe('at the ingress gateway', () => {
  test('every tenant issuer is verified and the original token forwarded to OPA', () => {
    const authn = find('RequestAuthentication', 'tenant-tokens');
    expect(authn.metadata.namespace).toBe('istio-system');
    expect(authn.spec.selector).toEqual({ matchLabels: { istio: 'ingressgateway' } });
    expect(authn.spec.jwtRules).toEqual(
      demo.model.pilots.map((p) => ({
        issuer: `https://iiot.demo.example.com/auth/realms/${p.name}`,
        jwksUri: `http://keycloak.identity.svc.cluster.local:8080/auth/realms/${p.name}/protocol/openid-connect/certs`,
        audiences: ['fiware'],
        forwardOriginalToken: true,
      })),
    );
  });

  test('every request outside the public paths goes to the OPA provider (CUSTOM)', () => {
    const authz = find('AuthorizationPolicy', 'tenant-policy');
    expect(authz.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'CUSTOM',
      provider: { name: EXT_AUTHZ_PROVIDER_NAME },
      rules: [{ to: [{ operation: { notPaths: ['/orion/version', '/iota-north/iot/about', '/quantumleap/version', '/auth/realms/acme/*', '/auth/realms/bravo/*', '/auth/resources/*'] } }] }],
    });
  });

  test('the provider the cluster stack registers points at the OPA gRPC port', () => {
    expect(EXT_AUTHZ_EXTENSION_PROVIDER).toEqual({
      name: 'opa-ext-authz',
      envoyExtAuthzGrpc: { service: 'opa.authz.svc.cluster.local', port: 9191, includeRequestBodyInCheck: { maxRequestBytes: 65536, allowPartialMessage: true } },
    });
    const service = find('Service', 'opa');
    expect(service.metadata.namespace).toBe('authz');
    expect(service.spec.ports).toContainEqual({ name: 'grpc-ext-authz', port: 9191, targetPort: 9191 });
  });

  test('OPA is ready only with its plugins up', () => {
    const c = find('Deployment', 'opa').spec.template.spec.containers[0];
    expect(c.image).toMatch(/^openpolicyagent\/opa:[\d.]+-envoy$/);
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health?plugins', port: 8282 });
  });
});

test('a model with two pilots on one tenant fails at synth, even past config validation', () => {
  const [acme, bravo] = demo.model.pilots;
  const model = { ...demo.model, pilots: [acme, { ...bravo, fiwareService: acme.fiwareService }] };
  expect(() => synthDemoCharts(model)).toThrow(/tenant "acme" is declared twice/);
});
