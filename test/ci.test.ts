import { Match } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { componentPipeline } from '../lib/ci/component-pipeline';
import { deliveryPipeline } from '../lib/ci/delivery-pipeline';
import { loadConfig } from '../lib/config/load-config';
import { ComponentSpec } from '../lib/config/schema';
import { maturityOf } from '../lib/lifecycle/maturity';
import { demoAssembly } from './demo-assembly';
import { DEMO_CONFIG } from './fixtures/demo-paths';
import { controllerInputs } from './ci/controller-inputs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { groovyParse, groovyTest } from '../tools/gitlab2jenkins/test/groovy/parse-check';

/** Writes each source to a file and parses them all in one JVM; returns the failures by name. */
function parseSources(sources: Readonly<Record<string, string>>): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'groovy-'));
  const files = Object.entries(sources).map(([name, text]) => {
    const file = path.join(dir, `${name}.groovy`);
    fs.writeFileSync(file, text);
    return file;
  });
  return new Map([...groovyParse(files)].map(([file, error]) => [path.basename(file, '.groovy'), error]));
}

const { outdir, templates } = demoAssembly();
const ci = templates.get('Platform-Ci')!;
const model = loadConfig(DEMO_CONFIG);
const resources = (type: string) => Object.entries(ci.findResources(type));
const controllerContainer = () => Object.values(ci.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
const envOf = (name: string) => controllerContainer().Environment.find((e: { Name: string }) => e.Name === name)?.Value;
const inputs = controllerInputs(outdir, templates);
const casc = () => parse(inputs.casc.replace(/\^\$\{/g, '${'));

describe('agent fleets', () => {
  const groups = resources('AWS::AutoScaling::AutoScalingGroup').map(([, r]) => r.Properties);

  test('three fleets, every one scaling from zero', () => {
    expect(groups).toHaveLength(3);
    for (const group of groups) expect(group.MinSize).toBe('0');
    expect(groups.map((g) => g.MaxSize).sort()).toEqual(['2', '8', '8']);
  });

  test('Graviton instance types on the ARM fleet, spot price-capacity-optimized where configured', () => {
    const arm = groups.find((g) => JSON.stringify(g).includes('c7g.xlarge'))!;
    expect(arm.MixedInstancesPolicy.LaunchTemplate.Overrides.map((o: { InstanceType: string }) => o.InstanceType)).toEqual(['c7g.xlarge', 'm7g.xlarge', 'c7gn.xlarge']);
    expect(arm.MixedInstancesPolicy.InstancesDistribution).toMatchObject({ OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized' });
    const cd = groups.find((g) => JSON.stringify(g).includes('m7i.large'))!;
    expect(cd.MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity).toBe(100);
  });

  test('the ARM fleet boots its own (arm64) golden image, each fleet from its own parameter', () => {
    const armTemplate = resources('AWS::EC2::LaunchTemplate').find(([id]) => id.startsWith('Fleetlinuxarm64'))![1];
    expect(armTemplate.Properties.LaunchTemplateData.ImageId).toBe('resolve:ssm:/iiot/demo/images/agent-linux-arm64');
  });

  test('launch templates: encrypted gp3, IMDSv2 out of containers\' reach, controller key, SSM role', () => {
    for (const [, lt] of resources('AWS::EC2::LaunchTemplate')) {
      const data = lt.Properties.LaunchTemplateData;
      expect(data.BlockDeviceMappings[0].Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
      expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
      expect(data.KeyName).toBeDefined();
    }
    ci.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
  });

  test('no SSH from any network: port 22 only from the controller security group', () => {
    for (const template of templates.values()) {
      const rules = [
        ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
        ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap((r) => r.Properties.SecurityGroupIngress ?? []),
      ];
      for (const rule of rules.filter((r) => r.IpProtocol === '-1' || (r.FromPort <= 22 && r.ToPort >= 22))) {
        expect(rule.CidrIp ?? rule.CidrIpv6).toBeUndefined();
        expect(JSON.stringify(rule.SourceSecurityGroupId)).toMatch(/JenkinsSecurityGroup/);
      }
    }
  });

  test('only the CD agents carry the CD plane identity (the cluster API admits that security group only)', () => {
    const withCdPlane = resources('AWS::EC2::LaunchTemplate').filter(([, lt]) => JSON.stringify(lt).includes('CdPlaneSecurityGroup'));
    expect(withCdPlane.map(([id]) => id)).toEqual([expect.stringMatching(/^Fleetcd/)]);
  });

  // Which roles the agents (and the controller) may assume is evaluated by policy simulation in test/ci/credential-isolation.test.ts.
});

describe('controller', () => {
  test('JENKINS_HOME on encrypted EFS, retained and backed up', () => {
    ci.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      Properties: { Encrypted: true, BackupPolicy: { Status: 'ENABLED' } },
    });
  });

  test('HTTPS only, on an internal load balancer, from the configured networks', () => {
    ci.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    ci.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443 });
    // The UI listener and the webhook relay's own (test/webhook-entrance.test.ts): both HTTPS.
    expect(resources('AWS::ElasticLoadBalancingV2::Listener').map(([, l]) => l.Properties.Protocol)).toEqual(['HTTPS', 'HTTPS']);
    ci.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '10.0.0.0/8', FromPort: 443 })]),
    });
  });

  test('secrets never in the template: admin password generated, keys from Secrets Manager / SSM', () => {
    const text = JSON.stringify(ci.toJSON());
    expect(text).not.toMatch(/PRIVATE KEY|"SecretString"/);
    ci.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 32 }) });
    expect(inputs.taskSecrets).toEqual(['AGENT_SSH_PRIVATE_KEY', 'JENKINS_ADMIN_PASSWORD']);
    // A pilot's deploy keys are in its own stack, read by the controller at its start.
    expect(inputs.secrets.REPO_KEY_ACME__LINE_MONITOR).toBe('iiot/ci/acme/line-monitor/deploy-key');
    templates.get('Pilot-acme-Ci')!.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'iiot/ci/acme/line-monitor/deploy-key', GenerateSecretString: Match.objectLike({ PasswordLength: 32 }) });
    expect(controllerContainer().Environment.map((e: { Name: string }) => e.Name)).not.toContain('JENKINS_ADMIN_PASSWORD');
  });

  test('non-root, read-only root file system, memory limit', () => {
    expect(controllerContainer()).toMatchObject({ User: '1000:1000', ReadonlyRootFilesystem: true, Memory: 8192 });
  });

  test('the JCasC is an S3 object named by its content: the task definition carries only where it is', () => {
    expect(envOf('CASC_OBJECT')).toMatch(/^s3:\/\/cdk-[a-z0-9]+-assets-111111111111-eu-central-1\/[0-9a-f]{64}\.yaml$/);
    expect(JSON.stringify(controllerContainer())).not.toMatch(/multibranchPipelineJob|CASC_GZIP/);
    expect(inputs.casc).toMatch(/multibranchPipelineJob/);
  });

  test('approvers are Jenkins users with generated passwords who may only log in globally (their folder grants the rest)', () => {
    const realm = casc().jenkins.securityRealm.local.users.map((u: { id: string }) => u.id);
    expect(realm).toEqual(['admin', 'acme-lead', 'platform-operator']);
    const entries = casc().jenkins.authorizationStrategy.globalMatrix.entries.map((e: { user: { name: string; permissions: string[] } }) => e.user);
    expect(entries).toEqual([
      { name: 'admin', permissions: ['Overall/Administer'] },
      { name: 'acme-lead', permissions: ['Overall/Read'] },
      { name: 'platform-operator', permissions: ['Overall/Read'] },
    ]);
    ci.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'iiot/ci/users/acme-lead', GenerateSecretString: Match.anyValue() });
    expect(inputs.secrets.JENKINS_USER_ACME_2DLEAD_PASSWORD).toBe('iiot/ci/users/acme-lead');
  });

});

describe('generated JCasC', () => {
  test('parses as YAML with one EC2 Fleet cloud per fleet, each from zero', () => {
    const clouds = casc().jenkins.clouds.map((c: { eC2Fleet: { name: string; minSize: number; fleet: string } }) => c.eC2Fleet);
    expect(clouds.map((c: { name: string }) => c.name)).toEqual(['linux-x64', 'linux-arm64', 'cd']);
    for (const cloud of clouds) {
      expect(cloud.minSize).toBe(0);
      expect(cloud.fleet).toMatch(/^\$\{FLEET_[A-Z0-9_]+_ASG\}$/);
      expect(envOf(cloud.fleet.slice(2, -1))).toBeDefined();
    }
  });

  test('a folder per pilot and a multibranch job per component, building main/vX.Y branches and vX.Y.Z tags', () => {
    const scripts: string[] = casc().jobs.map((j: { script: string }) => j.script);
    for (const [i, owner] of ['platform', ...model.pilots.map((p) => p.name)].entries()) expect(scripts[i]).toContain(`folder('${owner}')`);
    const components = [...model.platform.components.map((c) => `platform/${c.name}`), ...model.pilots.flatMap((p) => p.components.map((c) => `${p.name}/${c.name}`))];
    const multibranch = scripts.map((s) => s.match(/multibranchPipelineJob\('([^']+)'\)/)?.[1]).filter((name) => name !== undefined);
    expect(multibranch).toEqual(components);
    const bravoColdChain = scripts.find((s) => s.includes("multibranchPipelineJob('bravo/cold-chain')"))!;
    expect(bravoColdChain).toContain("regex('^(develop|v\\\\d+\\\\.\\\\d+|v\\\\d+\\\\.\\\\d+\\\\.\\\\d+)$')");
    expect(bravoColdChain).toContain("credentialsId('bravo-cold-chain-read')");
  });

  groovyTest()('every job script and every generated CI and CD pipeline is valid Groovy', () => {
    const scripts: string[] = casc().jobs.map((j: { script: string }) => j.script);
    const owners = [{ name: 'platform', components: model.platform.components, developers: model.platform.developers }, ...model.pilots];
    const pipelines = owners.flatMap((o) =>
      o.components.flatMap((c) => {
        const common = { owner: o.name, component: c, registry: 'r.example', account: '111111111111', region: 'eu-central-1' };
        return [
          [`${o.name}-${c.name}-ci`, componentPipeline({ ...common, maturity: maturityOf(c, o), buildStatsVariable: 'S', deliveryJob: c.cd ? '/x' : undefined })],
          ...(c.cd ? [[`${o.name}-${c.name}-cd`, deliveryPipeline({ ...common, repositoryCredentialId: 'K', clusterNameVariable: 'C' })]] : []),
        ];
      }),
    );
    const sources = Object.fromEntries([...scripts.map((s, i) => [`job-${i}`, s]), ...pipelines]);
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    expect(parseSources(sources)).toEqual(new Map());
  });
});

test('a delivery job only for components with CD (maturity 3+), handed each build of the documented branch', () => {
  const scripts: string[] = casc().jobs.map((j: { script: string }) => j.script);
  const deliveries = scripts.map((s) => s.match(/pipelineJob\('([^']+)'\)/)?.[1]).filter((name) => name !== undefined);
  expect(deliveries).toEqual(['acme/line-monitor-delivery', 'bravo/cold-chain-delivery']);
  const coldChainCi = scripts.find((s) => s.includes("multibranchPipelineJob('bravo/cold-chain')"))!;
  // The pipeline sits inside the job script as a Groovy string, its quotes escaped.
  expect(coldChainCi).toContain("branch \\'develop\\'");
  expect(coldChainCi).toContain("build job: \\'/bravo/cold-chain-delivery\\'");
  expect(scripts.find((s) => s.includes("multibranchPipelineJob('bravo/quality-model')"))).not.toContain('build job:');
});

test('the translator service: IAM-authenticated function URL, bundled from tools/gitlab2jenkins', () => {
  ci.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
  ci.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: '111111111111', FunctionUrlAuthType: 'AWS_IAM' });
  expect(JSON.stringify(ci.toJSON().Outputs)).toMatch(/translate/);
});

describe('build statistics', () => {
  test('a retained, point-in-time-recoverable table written only by the ingest function', () => {
    ci.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    });
    // Who may do what to the build statistics table: the ingest puts, the dashboard's status board queries.
    const onTable = resources('AWS::IAM::Policy').flatMap(([id, p]) =>
      p.Properties.PolicyDocument.Statement.filter((st: { Resource: unknown }) => JSON.stringify(st.Resource).includes('BuildStatisticsTable6')).map((st: { Action: string | string[] }) => [id, [st.Action].flat()]),
    );
    expect(onTable).toEqual([
      [expect.stringMatching(/^BuildStatisticsIngest/), ['dynamodb:PutItem']],
      [expect.stringMatching(/^BuildStatisticsStatusBoard/), ['dynamodb:Query']],
    ]);
  });

  // Who may call the ingest is proven by policy evaluation in test/ci/credential-isolation.test.ts.
  test('the ingest is a named, IAM-authenticated function URL whose address the controller hands the agents', () => {
    ci.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'demo-build-stats-ingest' });
    const urls = resources('AWS::Lambda::Url').filter(([, u]) => JSON.stringify(u.Properties.TargetFunctionArn).includes('BuildStatisticsIngest'));
    expect(urls.map(([, u]) => u.Properties.AuthType)).toEqual(['AWS_IAM']);
    // No resource policy opens it: same-account identities need their own policy's allow.
    expect(resources('AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes('BuildStatisticsIngest'))).toEqual([]);
  });

  test('the dashboards show pass rate and duration per architecture and per component: the platform\'s in Platform-Ci, each pilot\'s in its own stack', () => {
    const bodyOf = (stack: string) => JSON.stringify(Object.values(templates.get(stack)!.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    const body = bodyOf('Platform-Ci');
    expect(body).toContain('Pass rate per architecture');
    expect(body).toContain('Build duration per architecture');
    expect(body).toContain('platform/gitlab2jenkins: pass rate');
    expect(body).not.toMatch(/(acme|bravo)\/[a-z-]+: pass rate/);
    expect(bodyOf('Pilot-acme-Ci')).toContain('acme/line-monitor: pass rate');
    expect(bodyOf('Pilot-bravo-Ci')).toContain('bravo/quality-model: pass rate');
    expect(bodyOf('Pilot-bravo-Ci')).not.toContain('acme/');
    expect(body).toContain('Per-commit status per architecture, and release branches');
    // One search expression finds every component's commit status failures, however many there are.
    expect(body).toMatch(/InvalidBuildRecords[\s\S]*SEARCH\('\{IIoTPlatform\/CI,Component\} MetricName=[\\"]+CommitStatusFailures[\\"]+'/);
  });
});

// The pipelines' behaviour (stages, order, credentials, exit codes) is run in test/ci/pipelines.test.ts.
describe('component pipeline', () => {
  const component = (overrides: Partial<ComponentSpec>): ComponentSpec => ({ ...model.pilots[0].components[0], ...overrides });
  const pipeline = (c: ComponentSpec) =>
    componentPipeline({ owner: 'acme', component: c, maturity: maturityOf(c, model.pilots[0]), registry: 'r.example', account: '111111111111', region: 'eu-central-1', buildStatsVariable: 'IIOT_BUILD_STATS_URL' });

  groovyTest()('the groovy check is live: it rejects a broken pipeline', () => {
    expect(parseSources({ broken: pipeline(component({})).replace(/\}\s*$/, '') }).get('broken')).toMatch(/line \d+/);
  });
});
