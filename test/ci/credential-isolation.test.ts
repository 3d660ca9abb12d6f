/**
 * One pilot cannot act as another: the synthesized identity and trust policies evaluated offline
 * with an IAM policy simulator (@cloud-copilot/iam-simulate, tests only) for every pair of demo
 * owners, and the EKS access entries read as EKS applies them (an access policy with scope type
 * `namespace` grants only in the listed namespaces: docs.aws.amazon.com/eks/latest/userguide/
 * access-policies.html, "accessScope").
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { loadConfig } from '../../lib/config/load-config';
import { productionNamespace, stagingNamespace, deliveringPilots } from '../../lib/lifecycle/delivery-namespaces';
import { RegistryNames } from '../../lib/constructs/registry-names';
import { BuildStatsNames } from '../../lib/functions/build-stats';
import { demoAssembly } from '../demo-assembly';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { iamModel, IamModel, ModelRole } from './iam-model';
import { AWS_CREDENTIALS_BINDING } from './upstream-facts';

const ACCOUNT = '111111111111';
const REGION = 'eu-central-1';
const model = loadConfig(DEMO_CONFIG);
const owners = ['platform', ...model.pilots.map((p) => p.name)];
const delivering = deliveringPilots(model);
/** Per owner with blobs, one component publishing them (writes are scoped to those components' prefixes). */
const blobComponent = new Map(
  [{ name: 'platform', components: model.platform.components }, ...model.pilots].flatMap((o) => {
    const c = o.components.find((x) => x.artefacts.includes('blob'));
    return c ? [[o.name, c.name] as const] : [];
  }),
);
const pairs = owners.flatMap((a) => owners.filter((b) => b !== a).map((b) => [a, b] as const));

let iam: IamModel;
let templates: ReturnType<typeof demoAssembly>['templates'];
beforeAll(() => {
  templates = demoAssembly().templates;
  iam = iamModel(templates, { account: ACCOUNT, region: REGION });
}, 240_000);

const registryStack = (owner: string) => (owner === 'platform' ? 'Platform-Registries' : `Pilot-${owner}-Registries`);
const role = (stack: string, idPattern: RegExp): ModelRole => {
  const found = iam.roles.filter((r) => r.stack === stack && idPattern.test(r.logicalId));
  if (found.length !== 1) throw new Error(`expected one role ${idPattern} in ${stack}, found ${found.map((r) => r.logicalId).join(', ') || 'none'}`);
  return found[0];
};
const publisher = (owner: string) => role(registryStack(owner), /^RolesPublisher/);
const promoter = (owner: string) => role(registryStack(owner), /^RolesPromoter/);
const deployer = (pilot: string) => role(`Pilot-${pilot}-Ci`, /^DeployerRole/);
const builders = () => [role('Platform-Ci', /^Fleetlinuxx64Role/), role('Platform-Ci', /^Fleetlinuxarm64Role/)];
const cdAgents = () => role('Platform-Ci', /^FleetcdRole/);
const controller = () => role('Platform-Ci', /^ControllerTaskRole/);
const reporter = (owner: string) => (owner === 'platform' ? role('Platform-Ci', /^PlatformCredentialsReporter/) : role(`Pilot-${owner}-Ci`, /^CredentialsReporter/));

/** The decision for `caller` doing `action` on `resource`, with the resource's policy if it has one. */
async function decide(caller: ModelRole, action: string, resource: string, resourcePolicy?: unknown, context: Record<string, string> = {}): Promise<string> {
  const response = await runSimulation(
    {
      request: {
        // A role session, as the caller runs (the aws-credentials plugin names it "Jenkins").
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${caller.name}/${AWS_CREDENTIALS_BINDING.roleSessionName}`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalArn': caller.arn, 'aws:PrincipalAccount': ACCOUNT, ...context },
      },
      identityPolicies: caller.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicy as never,
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}
const assume = (caller: ModelRole, target: ModelRole) => decide(caller, 'sts:AssumeRole', target.arn, target.trust);

test('builders assume no publisher, promoter or deployer of any owner', async () => {
  for (const builder of builders()) {
    for (const owner of owners) {
      expect([owner, builder.logicalId, await assume(builder, publisher(owner))]).toEqual([owner, builder.logicalId, 'ImplicitlyDenied']);
      expect([owner, builder.logicalId, await assume(builder, promoter(owner))]).toEqual([owner, builder.logicalId, 'ImplicitlyDenied']);
    }
    for (const pilot of delivering) expect(await assume(builder, deployer(pilot))).toBe('ImplicitlyDenied');
  }
});

test('the trust policies refuse them on their own: even a builder allowed sts:AssumeRole on everything is refused', async () => {
  const allowAll = { name: 'grant-too-much', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } };
  for (const agent of [...builders(), cdAgents()]) {
    const widened = { ...agent, policies: [...agent.policies, allowAll] };
    for (const owner of owners) {
      expect(await assume(widened, publisher(owner))).toBe('ImplicitlyDenied');
      expect(await assume(widened, promoter(owner))).toBe('ImplicitlyDenied');
    }
    for (const pilot of delivering) expect(await assume(widened, deployer(pilot))).toBe('ImplicitlyDenied');
  }
});

test('CD agents assume nothing either: a pilot\'s test container on them finds no road to another pilot', async () => {
  for (const owner of owners) {
    expect(await assume(cdAgents(), publisher(owner))).toBe('ImplicitlyDenied');
    expect(await assume(cdAgents(), promoter(owner))).toBe('ImplicitlyDenied');
  }
  for (const pilot of delivering) expect(await assume(cdAgents(), deployer(pilot))).toBe('ImplicitlyDenied');
});

test('only the controller assumes a deployer; the legitimate flows (controller to each role) are allowed', async () => {
  const others = iam.roles.filter((r) => r.arn !== controller().arn);
  for (const pilot of delivering) {
    expect(await assume(controller(), deployer(pilot))).toBe('Allowed');
    for (const other of others) expect([pilot, other.logicalId, await assume(other, deployer(pilot))]).toEqual([pilot, other.logicalId, 'ImplicitlyDenied']);
  }
  for (const owner of owners) {
    expect(await assume(controller(), publisher(owner))).toBe('Allowed');
    expect(await assume(controller(), promoter(owner))).toBe('Allowed');
  }
});

test('for every pair of owners A, B: A\'s publisher writes A\'s dev registries and none of B\'s; A\'s promoter writes A\'s prod only', async () => {
  const repo = (owner: string, tier: 'dev' | 'prod') => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${owner}/${tier}/some-component`;
  const blob = (owner: string, tier: 'dev' | 'prod') =>
    `arn:aws:s3:::${RegistryNames.blobBucket(owner, tier, ACCOUNT, REGION)}/${RegistryNames.blobPrefix(blobComponent.get(owner) ?? 'some-component')}1.0.0/gen/arm64/fw.bin`;
  for (const [a, b] of pairs) {
    expect(await decide(publisher(a), 'ecr:PutImage', repo(a, 'dev'))).toBe('Allowed');
    expect(await decide(publisher(a), 'ecr:PutImage', repo(b, 'dev'))).toBe('ImplicitlyDenied');
    expect(await decide(publisher(a), 'ecr:PutImage', repo(a, 'prod'))).toBe('ImplicitlyDenied');
    expect(await decide(promoter(a), 'ecr:PutImage', repo(a, 'prod'))).toBe('Allowed');
    expect(await decide(promoter(a), 'ecr:PutImage', repo(b, 'prod'))).toBe('ImplicitlyDenied');
    expect(await decide(promoter(a), 'ecr:PutImage', repo(b, 'dev'))).toBe('ImplicitlyDenied');
    if (blobComponent.has(a)) expect(await decide(publisher(a), 's3:PutObject', blob(a, 'dev'))).toBe('Allowed');
    for (const tier of ['dev', 'prod'] as const) expect(await decide(publisher(a), 's3:PutObject', blob(b, tier))).toBe('ImplicitlyDenied');
  }
});

test('each pilot\'s deployer pulls that pilot\'s charts only', async () => {
  for (const a of delivering) {
    for (const b of owners) {
      for (const tier of ['dev', 'prod'] as const) {
        const chart = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${RegistryNames.chartRepository(b, tier, 'x')}`;
        expect([a, b, tier, await decide(deployer(a), 'ecr:BatchGetImage', chart)]).toEqual([a, b, tier, a === b ? 'Allowed' : 'ImplicitlyDenied']);
      }
    }
  }
});

test('each deployer is admitted to its own pilot\'s namespaces and nothing else in the cluster', () => {
  // Every stack's entries: each pilot's deployer is admitted by its own Pilot-<pilot>-Ci stack.
  const entries = [...templates].flatMap(([stack, t]) => Object.values(t.findResources('AWS::EKS::AccessEntry')).map((r) => iam.resolve(stack, r.Properties) as {
    ClusterName: string;
    PrincipalArn: string;
    AccessPolicies: { PolicyArn: string; AccessScope: { Type: string; Namespaces?: string[] } }[];
  }));
  const clusters = new Set(entries.map((e) => e.ClusterName));
  for (const pilot of delivering) {
    const own = entries.filter((e) => e.PrincipalArn === deployer(pilot).arn);
    expect(own).toHaveLength(1);
    expect(own[0].AccessPolicies.map((p) => p.AccessScope)).toEqual([{ Type: 'namespace', Namespaces: [stagingNamespace(pilot), productionNamespace(pilot)] }]);
    // No other CI/CD identity reaches this pilot's namespaces (operators' cluster-admin entries aside).
    const reaching = entries.filter((e) => e.AccessPolicies.some((p) => p.AccessScope.Namespaces?.some((n) => n.startsWith(productionNamespace(pilot)))));
    expect(reaching.map((e) => e.PrincipalArn)).toEqual([deployer(pilot).arn]);
  }
  // All of them to the one platform cluster (a pilot stack's entry names it through the cluster stack's output).
  expect(clusters).toEqual(new Set([iam.resolve('Platform-Cluster', { Ref: Object.keys(templates.get('Platform-Cluster')!.findResources('AWS::EKS::Cluster'))[0] })]));
  expect(delivering.length).toBeGreaterThanOrEqual(2);
});

describe('build records: only an owner\'s reporter, which only the controller assumes, may call the ingest', () => {
  const ingest = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${BuildStatsNames.ingestFunction('demo')}`;
  // Lambda sets lambda:FunctionUrlAuthType on function URL requests (AWS_IAM for this URL).
  const viaUrl = { 'lambda:FunctionUrlAuthType': 'AWS_IAM' };

  test('each owner\'s reporter calls the ingest\'s URL, and nothing else of Lambda', async () => {
    for (const owner of owners) {
      expect([owner, await decide(reporter(owner), 'lambda:InvokeFunctionUrl', ingest, undefined, viaUrl)]).toEqual([owner, 'Allowed']);
      expect(await decide(reporter(owner), 'lambda:InvokeFunction', ingest)).toBe('ImplicitlyDenied');
      expect(await decide(reporter(owner), 'lambda:InvokeFunctionUrl', `${ingest}-other`, undefined, viaUrl)).toBe('ImplicitlyDenied');
    }
  });

  test('agents run every pilot\'s code: their roles may not call the ingest, nor assume any reporter', async () => {
    for (const agent of [...builders(), cdAgents()]) {
      expect(await decide(agent, 'lambda:InvokeFunctionUrl', ingest, undefined, viaUrl)).toBe('ImplicitlyDenied');
      expect(await decide(agent, 'lambda:InvokeFunction', ingest)).toBe('ImplicitlyDenied');
      for (const owner of owners) expect([agent.logicalId, owner, await assume(agent, reporter(owner))]).toEqual([agent.logicalId, owner, 'ImplicitlyDenied']);
    }
  });

  test('only the controller assumes a reporter (for that owner\'s folder); the ingest tells owners apart by the reporter\'s name', async () => {
    const others = iam.roles.filter((r) => r.arn !== controller().arn);
    for (const owner of owners) {
      expect(await assume(controller(), reporter(owner))).toBe('Allowed');
      for (const other of others) expect([owner, other.logicalId, await assume(other, reporter(owner))]).toEqual([owner, other.logicalId, 'ImplicitlyDenied']);
      expect(reporter(owner).name).toBe(BuildStatsNames.reporterRole('demo', owner));
    }
  });
});

describe('what the controller reads at start, and nothing more', () => {
  // A trust like the bindable roles' (the account, for the identity policy to decide).
  const trustingAccount = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };

  test('it may assume only roles on the bindable path: a role off it is refused even when its trust would admit the controller', async () => {
    for (const owner of owners) expect(await assume(controller(), publisher(owner))).toBe('Allowed');
    expect(await decide(controller(), 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/Pilot-acme-Registries-RolesDeveloper`, trustingAccount)).toBe('ImplicitlyDenied');
    expect(await decide(controller(), 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/iiot/other-platform/jenkins-bindable/x`, trustingAccount)).toBe('ImplicitlyDenied');
  });

  test('of the asset bucket it reads its configuration object only', async () => {
    const container = Object.values(templates.get('Platform-Ci')!.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
    const url = container.Environment.find((e: { Name: string }) => e.Name === 'CASC_OBJECT').Value as string;
    const [bucket, ...key] = url.slice('s3://'.length).split('/');
    expect(await decide(controller(), 's3:GetObject', `arn:aws:s3:::${bucket}/${key.join('/')}`)).toBe('Allowed');
    expect(await decide(controller(), 's3:GetObject', `arn:aws:s3:::${bucket}/${'0'.repeat(64)}.zip`)).toBe('ImplicitlyDenied');
    expect(await decide(controller(), 's3:ListBucket', `arn:aws:s3:::${bucket}`)).toBe('ImplicitlyDenied');
  });

  test('it reads the CI secrets and its own parameters, not another prefix or path', async () => {
    const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
    expect(await decide(controller(), 'secretsmanager:GetSecretValue', secret('iiot/ci/acme/line-monitor/deploy-key'))).toBe('Allowed');
    expect(await decide(controller(), 'secretsmanager:GetSecretValue', secret('iiot/edge/acme/anything'))).toBe('ImplicitlyDenied');
    const parameter = (path: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${path}`;
    expect(await decide(controller(), 'ssm:GetParametersByPath', parameter('/iiot/demo/ci/jcasc'))).toBe('Allowed');
    expect(await decide(controller(), 'ssm:GetParametersByPath', parameter('/iiot/demo/images'))).toBe('ImplicitlyDenied');
  });
});
