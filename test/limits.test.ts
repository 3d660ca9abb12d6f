/**
 * Limits that grow with the pilot count, checked fast: the demo (2 pilots) and 12 pilots with CI
 * components, CD and edge fleets are synthesized, each use of a limit is extrapolated linearly to 200 pilots, and must
 * stay within what the platform allows itself (60% of the template and IAM quotas, all of every
 * other limit). `npm run bench:synth` synthesizes 200 pilots for real; this keeps the check in `npm test`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { assemblyStacks } from '../tools/ops/src/assembly-stacks';
import { platformWithPilots } from '../tools/ops/src/generated-pilots';
import { ACCOUNT_WIDE, allowedShare, IAM_LIMITS, IOT_POLICY_CHARACTERS, IOT_PROVISIONING_TEMPLATES, LimitUse, limitUses } from '../tools/ops/src/template-limits';
import { AWS_REGIONS } from '../lib/config/regions';
import { loadConfig } from '../lib/config/load-config';
import { demoAssembly } from './demo-assembly';
import { DEMO_CONFIG, synthesizePlatform } from './fixtures/demo-platform';

const TARGET = 200;
/** The longest pilot name the schema allows (24 characters), so derived names are at their longest. */
const LONGEST = 'a'.repeat(22) + '-z';

function uses(configDir: string): Map<string, LimitUse> {
  const { outdir } = configDir === DEMO_CONFIG ? demoAssembly() : synthesizePlatform(configDir, { gates: false });
  const stacks = assemblyStacks(new cxapi.CloudAssembly(outdir));
  if (configDir === DEMO_CONFIG) demoStacks = stacks;
  clusterTemplates.push(stacks.find((s) => s.id === 'Platform-Cluster')!.template);
  // One key per kind of stack and use: a pilot's stacks by their shape, not their pilot's name.
  const pilots = new Set(stacks.flatMap((s) => (s.pilot ? [s.pilot] : [])));
  const shape = (id: string) => [...pilots].reduce((x, p) => x.replace(`Pilot-${p}-`, 'Pilot-<pilot>-'), id);
  const byKey = new Map<string, LimitUse>();
  for (const u of limitUses(stacks, (id) => fs.statSync(path.join(outdir, `${id}.template.json`)).size)) {
    // Names by type (their logical ids carry the pilot); everything else by what it measures.
    const key = `${shape(u.stack)} ${u.what.startsWith('name ') ? u.what.split(' ').slice(0, 2).join(' ') : u.what}`;
    if (!byKey.has(key) || u.value > byKey.get(key)!.value) byKey.set(key, u);
  }
  return byKey;
}

let demoStacks: ReturnType<typeof assemblyStacks> = [];
/** Platform-Cluster's template, of the small and the large config. */
const clusterTemplates: unknown[] = [];
const small = uses(DEMO_CONFIG);
const largeDir = platformWithPilots(DEMO_CONFIG, 12, { delivery: true, edge: true });
fs.writeFileSync(path.join(largeDir, 'pilots', `${LONGEST}.yaml`), fs.readFileSync(path.join(largeDir, 'pilots', 'pilot-012.yaml'), 'utf8').replace(/pilot-012/g, LONGEST));
fs.rmSync(path.join(largeDir, 'pilots', 'pilot-012.yaml'));
const large = uses(largeDir);

// A pilot's own stacks and every name do not grow with the pilot count: their largest use counts as
// it is (the longest pilot name is among the 12). The platform's stacks and account-wide counts grow: linear extrapolation.
const grows = (key: string) => (key.startsWith('Platform-') || key.startsWith(`${ACCOUNT_WIDE} `)) && !/ (name|stack name)/.test(key);
const projected = [...large].map(([key, u]) => {
  const perPilot = grows(key) ? (u.value - (small.get(key)?.value ?? u.value)) / (12 - 2) : 0;
  return { key, use: u, at200: Math.round(u.value + perPilot * (TARGET - 12)) };
});

/**
 * Walls lifted: the functions' lists and the edge fleet directory travel in their bundles
 * (PlatformFunction `files`); the JCasC is an S3 object, and each pilot's deploy keys, role ARNs,
 * build graphs and deployer are in its Pilot-<pilot>-Ci stack; each pilot's Kubernetes objects, its
 * Keycloak realm and restore identity included, are in its Pilot-<pilot>-Namespaces stack, its device
 * policies, token exchange role and role alias in its Pilot-<pilot>-Edge stack; Grafana has one
 * dashboard for every tenant.
 *
 * Retirement and sensor association act on each pilot's things through that pilot's role in its
 * Pilot-<pilot>-Edge stack (lib/constructs/pilot-edge-role.ts); their shared roles only assume them.
 * Fleet provisioning runs each pilot's devices through that pilot's template and provisioning role,
 * also in its Pilot-<pilot>-Edge stack (lib/constructs/pilot-provisioning-template.ts): IoT runs a
 * template as exactly one role, so a shared template's role had to name every pilot's things and
 * passed IAM's 10,240 characters near 40 pilots. What stays shared does not grow: the hook's invoke
 * permission and the claim policy cover the pilots' templates by their naming pattern. What grows
 * instead is account-wide: one fleet provisioning template per edge pilot, against IoT's quota.
 */
const KEYCLOAK_AND_GRAFANA = ['Platform-Charts-Identity', 'Platform-Charts-Fiware'];

describe(`every limit use, extrapolated to ${TARGET} pilots`, () => {
  // The pilots' Kubernetes objects are applied by their own stacks (Pilot-<name>-Namespaces), their
  // deployers (role, access entry, controller parameter) are in their Pilot-<name>-Ci stacks.
  test('the cluster stack does not change with the pilots, delivering (2 in the demo, 12 here) or not', () => {
    expect(loadConfig(largeDir).pilots.filter((p) => p.components.some((c) => c.cd))).toHaveLength(12);
    expect(clusterTemplates).toHaveLength(2);
    expect(clusterTemplates[1]).toEqual(clusterTemplates[0]);
  });

  test.each(projected.map((p) => [p.key, p]))('%s', (_, p) => {
    expect(p.at200).toBeLessThanOrEqual(p.use.limit * allowedShare(p.use));
  });

  // Keycloak's and Grafana's objects name no pilot: their largest object is the same at 2 and 12 pilots.
  test.each(KEYCLOAK_AND_GRAFANA)('%s: the largest Kubernetes object does not grow with the pilots', (stack) => {
    const largest = (m: Map<string, LimitUse>) => m.get(`${stack} largest Kubernetes object`)!.value;
    expect(largest(large)).toBe(largest(small));
  });

  test('the check sees the uses that matter', () => {
    const keys = projected.map((p) => p.key);
    for (const k of ['Platform-Cluster template body', 'Platform-Charts-Fiware template body', 'Platform-Charts-Identity largest Kubernetes object', 'Platform-Charts-Fiware largest Kubernetes object', 'Pilot-<pilot>-Namespaces largest Kubernetes object', 'Pilot-<pilot>-Namespaces template body', 'Pilot-<pilot>-Registries resources', 'Platform-Ci task definition', 'Platform-Ci template body', 'Pilot-<pilot>-Ci resources', 'Platform-Edge IoT policy', 'Pilot-<pilot>-Edge IoT policy']) {
      expect(keys.some((key) => key.startsWith(k))).toBe(true);
    }
    expect(keys.some((k) => /^Platform-Ci Lambda environment Webhooks/.test(k))).toBe(true);
    // Each role's inline aggregate, trust policy and managed policy count, in shared and pilot stacks.
    for (const k of ['Pilot-<pilot>-Edge IAM inline policies CoreIdentityTokenExchangeRole', 'Pilot-<pilot>-Edge IAM inline policies ProvisioningRole', 'Platform-Ci IAM inline policies ControllerTaskRole', 'Platform-Cluster IAM managed policies of PlatformClusterKubectlProviderHandlerServiceRole', 'Pilot-<pilot>-Ci IAM trust policy', 'Pilot-<pilot>-Edge IAM inline policies']) {
      expect([k, keys.some((key) => key.startsWith(k))]).toEqual([k, true]);
    }
    // Every edge function that reads the fleet directory, at 12 edge pilots.
    for (const fn of ['TestRecordsIngest', 'TestRecordsQuery', 'ProvisioningHook', 'RetirementFunction', 'SensorAssociationFunction']) {
      expect([fn, keys.some((k) => k.startsWith(`Platform-Edge Lambda environment ${fn}`))]).toEqual([fn, true]);
    }
    expect(loadConfig(largeDir).pilots.filter((p) => p.edge)).toHaveLength(12);
  });

  test('one fleet provisioning template per edge pilot, counted across the stacks, within IoT\'s per-account quota at 200', () => {
    const templates = projected.find((p) => p.key === `${ACCOUNT_WIDE} IoT fleet provisioning templates`)!;
    expect([small.get(templates.key)!.value, templates.use.value, templates.at200]).toEqual([2, 12, TARGET]);
    expect(templates.use.limit).toBe(IOT_PROVISIONING_TEMPLATES.max);
  });

  test('the shared edge stack does not grow with the pilots for provisioning: no template, no provisioning role, the same claim policy', () => {
    const edge = (m: Map<string, LimitUse>) => [...m.keys()].filter((k) => k.startsWith('Platform-Edge ') && /Provisioning(Role|Template|ClaimPolicy)/.test(k));
    expect(edge(large)).toEqual(edge(small));
    expect(edge(large).filter((k) => /ProvisioningRole|ProvisioningTemplate/.test(k))).toEqual([]);
    const claim = (m: Map<string, LimitUse>) => [...m].find(([k]) => k.startsWith('Platform-Edge IoT policy ProvisioningClaimPolicy'))![1].value;
    expect(claim(large)).toBe(claim(small));
  });
});

describe('IoT policies (2,048 characters without white space; references counted at 128 characters)', () => {
  const policies = [...small].filter(([key]) => / IoT policy /.test(key));
  const longestRegion = Math.max(...AWS_REGIONS.map((r) => r.length));
  const demoRegion = 'eu-central-1';

  test('the demo has each pilot\'s device and sensor policy (in its own stack; the longest counts) and the claim policy', () => {
    expect(policies.map(([key]) => key.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
      ['Pilot-<pilot>-Edge IoT policy DevicePoliciesDevicePolicy', 'Pilot-<pilot>-Edge IoT policy DevicePoliciesSensorPolicy', 'Platform-Edge IoT policy ProvisioningClaimPolicy'],
    );
    for (const pilot of ['acme', 'bravo']) {
      const own = demoStacks.find((s) => s.id === `Pilot-${pilot}-Edge`)!.template.Resources!;
      expect(Object.values(own).filter((r) => r.Type === 'AWS::IoT::Policy')).toHaveLength(2);
    }
  });

  test.each(policies)('%s is under 80% at the demo', (_, u) => {
    expect(u.value).toBeLessThan(0.8 * IOT_POLICY_CHARACTERS);
  });

  test.each(policies)('%s stays within the limit in the longest region the schema allows', (key, u) => {
    const [, id] = key.split(' IoT policy ');
    const doc = JSON.stringify(demoStacks.find((s) => s.id === u.stack)!.template.Resources![id].Properties!.PolicyDocument);
    const regions = doc.split(demoRegion).length - 1;
    expect(u.value + regions * (longestRegion - demoRegion.length)).toBeLessThanOrEqual(IOT_POLICY_CHARACTERS);
  });
});

const loadCdkContext = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context as Record<string, unknown>;

describe('IAM uses, measured as IAM counts them', () => {
  const role = (policies: object[] = [], managed: unknown[] = []) => ({ Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] }, Policies: policies, ManagedPolicyArns: managed } });
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a bucket/*' }] };
  const size = JSON.stringify(doc).replace(/\s/g, '').length;
  const measured = (resources: Record<string, unknown>) =>
    Object.fromEntries(limitUses([{ id: 'S', region: 'eu-central-1', dependencies: [], template: { Resources: resources } as never }], () => 0).filter((u) => u.what.startsWith('IAM ')).map((u) => [u.what, u.value]));

  test('a role\'s inline aggregate adds its own policies and every policy resource attached to it (white space not counted), each managed policy counts once per role', () => {
    const uses = measured({
      A: role([{ PolicyName: 'own', PolicyDocument: doc }], ['arn:aws:iam::aws:policy/ReadOnlyAccess']),
      B: role(),
      Both: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'both', PolicyDocument: doc, Roles: [{ Ref: 'A' }, { Ref: 'B' }] } },
      Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { ...doc, Statement: [{ ...doc.Statement[0], Resource: { 'Fn::GetAtt': ['Bucket', 'Arn'] } }] }, Roles: [{ Ref: 'B' }] } },
    });
    expect(uses['IAM inline policies A']).toBe(2 * size);
    expect(uses['IAM inline policies B']).toBe(size);
    expect([uses['IAM managed policies of A'], uses['IAM managed policies of B']]).toEqual([1, 1]);
    // A reference counts at 128 characters, whatever it resolves to.
    expect(uses['IAM managed policy Managed']).toBe(size - '"arn:aws:s3:::abucket/*"'.length + 130);
    expect(uses['IAM trust policy A']).toBe('{"Statement":[]}'.length);
  });

  test('a policy attached to a role of another stack fails the measurement (its aggregate would be incomplete)', () => {
    expect(() => measured({ P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: doc, Roles: ['platform-shared-role'] } } })).toThrow(/not a role of its stack/);
  });

  test('the quotas are the defaults of a new account (IAM and AWS STS quotas)', () => {
    expect(IAM_LIMITS).toEqual({ inlineCharacters: 10_240, managedPolicyCharacters: 6_144, trustPolicyCharacters: 2_048, managedPoliciesPerRole: 10 });
  });

  // aws-cdk-lib's Role splits an oversized default policy into `OverflowPolicy<n>` managed policies
  // at estimated sizes (each reference at 150 characters) below IAM's: what the known walls above
  // say about it holds for the installed version.
  test('aws-cdk-lib splits a role\'s default policy at 10,000 inline and 6,000 managed characters (estimated), warning past 10 managed policies', () => {
    const cdk = path.dirname(require.resolve('aws-cdk-lib'));
    // Source: aws-cdk-lib 2.276 (package.json pins ~2.276.0), aws-iam/lib/role.js and policy-statement.js.
    expect(JSON.parse(fs.readFileSync(path.join(cdk, 'package.json'), 'utf8')).version).toMatch(/^2\.276\./);
    const source = fs.readFileSync(path.join(cdk, 'aws-iam', 'lib', 'role.js'), 'utf8');
    expect(source).toMatch(/MAX_INLINE_SIZE=1e4,MAX_MANAGEDPOL_SIZE=6e3/);
    expect(source).toMatch(/splitLargePolicy\(\)\{if\(!this\.defaultPolicy/);
    expect(source).toMatch(/exceeds 10 managed policies attached to a Role/);
    expect(fs.readFileSync(path.join(cdk, 'aws-iam', 'lib', 'policy-statement.js'), 'utf8')).toMatch(/DEFAULT_ARN_SIZE_ESTIMATE=150/);
    // Statements are merged before the split (the synthesized sizes above are after merging).
    expect(loadCdkContext()['@aws-cdk/aws-iam:minimizePolicies']).toBe(true);
  });
});
