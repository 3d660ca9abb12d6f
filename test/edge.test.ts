import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseDocument } from 'yaml';
import { loadConfig } from '../lib/config/load-config';
import { EdgeNames } from '../lib/constructs/edge-names';
import { DEMO_CONFIG, synthesizePlatform } from './fixtures/demo-platform';

// Gates run on this same platform in gates.test.ts; here only the templates matter.
const { templates } = synthesizePlatform(DEMO_CONFIG, { gates: false });
const model = loadConfig(DEMO_CONFIG);
const template = (id: string): Template => templates.get(id)!;
const resources = (t: Template, type: string) => Object.entries(t.findResources(type));
const shared = template('Platform-Edge');

/** The thing group resource names a deployment's TargetArn points at, by group name. */
function deploymentsByGroup(t: Template): Map<string, Record<string, any>> {
  const groupNames = new Map(resources(t, 'AWS::IoT::ThingGroup').map(([id, r]) => [id, r.Properties.ThingGroupName as string]));
  return new Map(resources(t, 'AWS::GreengrassV2::Deployment').map(([, r]) => [groupNames.get(r.Properties.TargetArn['Fn::GetAtt'][0])!, r.Properties]));
}

describe('per-pilot edge fleets', () => {
  test.each(model.pilots.map((p) => [p.name]))('%s: one deployment per generation, or per channel where configured, with its rollout and abort values', (pilot) => {
    const spec = model.pilots.find((p) => p.name === pilot)!.edge!;
    const deployments = deploymentsByGroup(template(`Pilot-${pilot}-Edge`));
    const expectedTargets = spec.generations.flatMap((g) => (g.channels.length ? g.channels.map((c) => `${pilot}_${g.name}_${c.name}`) : [`${pilot}_${g.name}`]));
    expect([...deployments.keys()].sort()).toEqual(expectedTargets.sort());
    for (const g of spec.generations) {
      const targets = g.channels.length ? g.channels.map((c) => `${pilot}_${g.name}_${c.name}`) : [`${pilot}_${g.name}`];
      for (const target of targets) {
        const d = deployments.get(target)!;
        expect(d.IotJobConfiguration).toEqual({
          JobExecutionsRolloutConfig: {
            ExponentialRate: {
              BaseRatePerMinute: g.rollout.baseRatePerMinute,
              IncrementFactor: g.rollout.incrementFactor,
              RateIncreaseCriteria: g.rollout.rateIncrease.notifiedThings
                ? { NumberOfNotifiedThings: g.rollout.rateIncrease.notifiedThings }
                : { NumberOfSucceededThings: g.rollout.rateIncrease.succeededThings },
            },
            MaximumPerMinute: g.rollout.maximumPerMinute,
          },
          AbortConfig: {
            CriteriaList: g.rollout.abort.map((a) => ({ Action: 'CANCEL', FailureType: a.failureType, ThresholdPercentage: a.thresholdPercentage, MinNumberOfExecutedThings: a.minExecutedThings })),
          },
          TimeoutConfig: { InProgressTimeoutInMinutes: g.rollout.inProgressTimeoutMinutes },
        });
        expect(d.DeploymentPolicies).toEqual({
          FailureHandlingPolicy: 'ROLLBACK',
          ComponentUpdatePolicy: { Action: g.updatePolicy === 'optional' ? 'NOTIFY_COMPONENTS' : 'SKIP_NOTIFY_COMPONENTS', TimeoutInSeconds: g.updateNoticeSeconds },
          ConfigurationValidationPolicy: { TimeoutInSeconds: 60 },
        });
      }
    }
  });

  test('the demo generations differ in rollout: literal values of acme', () => {
    const deployments = deploymentsByGroup(template('Pilot-acme-Edge'));
    expect(deployments.get('acme_press-gw-v1')!.IotJobConfiguration.JobExecutionsRolloutConfig.ExponentialRate).toEqual({
      BaseRatePerMinute: 2,
      IncrementFactor: 1.2,
      RateIncreaseCriteria: { NumberOfSucceededThings: 5 },
    });
    expect(deployments.get('acme_press-gw-v2_beta')!.IotJobConfiguration.JobExecutionsRolloutConfig.ExponentialRate).toEqual({
      BaseRatePerMinute: 10,
      IncrementFactor: 2,
      RateIncreaseCriteria: { NumberOfNotifiedThings: 20 },
    });
  });

  test('channels: child groups of the generation; beta runs its pinned version, stable the default', () => {
    const acme = template('Pilot-acme-Edge');
    acme.hasResourceProperties('AWS::IoT::ThingGroup', { ThingGroupName: 'acme_press-gw-v2_beta', ParentGroupName: { Ref: Match.stringLikeRegexp('^Generationpressgwv2Group') } });
    const deployments = deploymentsByGroup(acme);
    expect(deployments.get('acme_press-gw-v2_beta')!.Components['acme.line-monitor']).toEqual({ ComponentVersion: '1.5.0' });
    expect(deployments.get('acme_press-gw-v2_stable')!.Components['acme.line-monitor']).toEqual({ ComponentVersion: '1.4.0' });
  });

  test('every deployment carries the local microcloud so devices keep working offline', () => {
    for (const pilot of ['acme', 'bravo']) {
      for (const d of deploymentsByGroup(template(`Pilot-${pilot}-Edge`)).values()) {
        expect(Object.keys(d.Components)).toEqual(
          expect.arrayContaining(['aws.greengrass.clientdevices.Auth', 'aws.greengrass.clientdevices.mqtt.Moquette', 'aws.greengrass.clientdevices.mqtt.Bridge', 'aws.greengrass.ShadowManager']),
        );
        expect(JSON.parse(d.Components['aws.greengrass.clientdevices.mqtt.Bridge'].ConfigurationUpdate.Merge).mqttTopicMapping.Telemetry).toEqual({
          topic: `dt/${pilot}/#`,
          source: 'LocalMqtt',
          target: 'IotCore',
        });
      }
    }
  });

  test('component versions: recipes run the prod image through the Docker application manager', () => {
    // Recipes are JSON strings joined around the URL suffix of the region.
    const recipes = resources(template('Pilot-bravo-Edge'), 'AWS::GreengrassV2::ComponentVersion').map(([, r]) =>
      JSON.parse(r.Properties.InlineRecipe['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'amazonaws.com')).join('')),
    );
    expect(recipes.map((r) => `${r.ComponentName}@${r.ComponentVersion}`).sort()).toEqual(['bravo.cold-chain@2.1.0', 'bravo.quality-model@0.10.0', 'bravo.quality-model@0.9.0']);
    const coldChain = recipes.find((r) => r.ComponentName === 'bravo.cold-chain');
    expect(Object.keys(coldChain.ComponentDependencies)).toContain('aws.greengrass.DockerApplicationManager');
    expect(coldChain.Manifests).toEqual([
      expect.objectContaining({ Platform: { os: 'linux', architecture: 'amd64' }, Artifacts: [{ URI: 'docker:111111111111.dkr.ecr.eu-central-1.amazonaws.com/bravo/prod/cold-chain:2.1.0' }] }),
    ]);
  });

  test('firmware OTA: a job template per generation with firmware, same rollout, presigned URL into the prod blobs', () => {
    const acme = template('Pilot-acme-Edge');
    acme.resourceCountIs('AWS::IoT::JobTemplate', 1);
    const [, job] = resources(acme, 'AWS::IoT::JobTemplate')[0];
    expect(job.Properties.JobExecutionsRolloutConfig).toEqual({
      ExponentialRolloutRate: { BaseRatePerMinute: 2, IncrementFactor: 1.2, RateIncreaseCriteria: { NumberOfSucceededThings: 5 } },
      MaximumPerMinute: 20,
    });
    expect(job.Properties.AbortConfig.CriteriaList).toHaveLength(2);
    expect(job.Properties.JobTemplateId).toMatch(/^acme-press-gw-v1-fw-[0-9a-f]{8}$/);
    expect(JSON.parse(job.Properties.Document).url).toBe(
      '${aws:iot:s3-presigned-url:https://s3.eu-central-1.amazonaws.com/acme-blobs-prod-111111111111-eu-central-1/press-firmware/3.2.0/press-gw-v1.bin}',
    );
  });
});

describe('shared edge stack', () => {
  test('factory test records: keyed by serial and run, KMS, PITR, deletion protection, retained', () => {
    shared.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'serial', KeyType: 'HASH' }, { AttributeName: 'run', KeyType: 'RANGE' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      },
    });
  });

  test('the record API is IAM-authenticated; ingest may only put, query only query', () => {
    for (const [, url] of resources(shared, 'AWS::Lambda::Url')) expect(url.Properties.AuthType).toBe('AWS_IAM');
    const policyOf = (fn: string) =>
      resources(shared, 'AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles).includes(`${fn}Role`))![1].Properties.PolicyDocument.Statement;
    const dynamoActions = (fn: string) => policyOf(fn).flatMap((s: { Action: string | string[] }) => [s.Action].flat()).filter((a: string) => a.startsWith('dynamodb:'));
    expect(dynamoActions('TestRecordsIngest')).toEqual(['dynamodb:PutItem']);
    expect(dynamoActions('TestRecordsQuery')).toEqual(['dynamodb:Query']);
  });

  test('functions are bundled locally into assets on Node.js 24 (no Docker)', () => {
    const functions = resources(shared, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) } });
    }
  });

  test('provisioning template: hook gates it, the thing joins the group the hook picks', () => {
    const [, t] = resources(shared, 'AWS::IoT::ProvisioningTemplate')[0];
    expect(t.Properties).toMatchObject({ TemplateName: 'demo-edge-fleet', Enabled: true, PreProvisioningHook: { PayloadVersion: '2020-04-01' } });
    // The body is a JSON string joined around the device policy's name.
    const body = JSON.parse(t.Properties.TemplateBody['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'policy-name')).join(''));
    expect(body.Resources.policy.Properties).toEqual({ PolicyName: 'policy-name' });
    expect(body.Resources.thing.Properties).toMatchObject({ ThingName: { Ref: 'ThingName' }, ThingGroups: [{ Ref: 'ThingGroup' }] });
    const hook = resources(shared, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProvisioningHook'))![1];
    expect(JSON.parse(hook.Properties.Environment.Variables.FLEETS)).toEqual({
      acme: { 'press-gw-v1': 'acme_press-gw-v1', 'press-gw-v2': 'acme_press-gw-v2_stable' },
      bravo: { 'cold-logger-v1': 'bravo_cold-logger-v1', 'vision-box-v2': 'bravo_vision-box-v2_stable' },
    });
  });
});

describe('least privilege', () => {
  const allStatements = (type: string, doc: string) =>
    [...templates.values()].flatMap((t) => resources(t, type).flatMap(([, r]) => r.Properties[doc]?.Statement ?? []));

  test('no IAM or IoT policy allows every action, or iot:* / greengrass:*', () => {
    const statements = [...allStatements('AWS::IAM::Policy', 'PolicyDocument'), ...allStatements('AWS::IoT::Policy', 'PolicyDocument')];
    for (const s of statements.filter((x) => x.Effect === 'Allow')) {
      expect([s.Action].flat()).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(\*|iot:\*|greengrass:\*)$/)]));
    }
  });

  test('the device policy binds connections, topics and connectivity info to the device\'s own thing name', () => {
    const [, policy] = resources(shared, 'AWS::IoT::Policy').find(([id]) => id.startsWith('CoreIdentityCorePolicy'))!;
    const bySid = new Map(policy.Properties.PolicyDocument.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(bySid.get('ConnectAsItsOwnThing')).toMatchObject({
      Resource: 'arn:aws:iot:eu-central-1:111111111111:client/${iot:Connection.Thing.ThingName}',
      Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
    });
    for (const sid of ['ItsOwnReservedTopics', 'ItsOwnReservedTopicFilters', 'ItsOwnConnectivityInfo']) {
      expect(JSON.stringify(bySid.get(sid))).toContain('${iot:Connection.Thing.ThingName}');
    }
  });

  test('the shared token exchange role lets a pilot\'s devices pull only that pilot\'s prod images', () => {
    const [, policy] = resources(shared, 'AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles).includes('TokenExchangeRole'))!;
    const pulls = policy.Properties.PolicyDocument.Statement.filter((s: { Action: string[] }) => [s.Action].flat().includes('ecr:BatchGetImage'));
    expect(pulls.map((s: { Condition: unknown; Resource: unknown }) => [s.Condition, s.Resource])).toEqual([
      [{ StringLike: { 'credentials-iot:ThingName': 'acme_*' } }, 'arn:aws:ecr:eu-central-1:111111111111:repository/acme/prod/line-monitor'],
      [
        { StringLike: { 'credentials-iot:ThingName': 'bravo_*' } },
        ['arn:aws:ecr:eu-central-1:111111111111:repository/bravo/prod/cold-chain', 'arn:aws:ecr:eu-central-1:111111111111:repository/bravo/prod/quality-model'],
      ],
    ]);
  });

  test('provisioning and retirement touch only the pilots\' things, groups and core devices', () => {
    for (const role of ['ProvisioningProvisioningRole', 'RetirementFunctionRole']) {
      const [, policy] = resources(shared, 'AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))!;
      const scoped = policy.Properties.PolicyDocument.Statement.filter((s: { Action: string | string[] }) =>
        [s.Action].flat().some((a) => a.startsWith('iot:') || a.startsWith('greengrass:')),
      );
      for (const resource of scoped.flatMap((s: { Resource: unknown }) => [s.Resource].flat())) {
        if (typeof resource !== 'string') continue; // the device policy, by reference
        expect(resource).toMatch(/:(thing\/(acme|bravo)_\*|thinggroup\/(acme|bravo)_\*|cert\/\*|coreDevices:(acme|bravo)_\*)$/);
      }
    }
  });

  test('the claim certificate may only ask for a certificate and provision', () => {
    const [, policy] = resources(shared, 'AWS::IoT::Policy').find(([id]) => id.startsWith('ProvisioningClaimPolicy'))!;
    const topics = policy.Properties.PolicyDocument.Statement.filter((s: { Action: unknown }) => s.Action !== 'iot:Connect').flatMap((s: { Resource: string[] }) => s.Resource);
    for (const topic of topics) expect(topic).toMatch(/:topic(filter)?\/\$aws\/(certificates\/create|provisioning-templates\/demo-edge-fleet\/provision)\/\*$/);
  });
});

test('a platform whose pilots have no edge section gets no edge stacks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-no-edge-'));
  fs.cpSync(DEMO_CONFIG, dir, { recursive: true });
  for (const pilot of ['acme', 'bravo']) {
    const file = path.join(dir, 'pilots', `${pilot}.yaml`);
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    doc.delete('edge');
    fs.writeFileSync(file, doc.toString());
  }
  const ids = [...synthesizePlatform(dir, { gates: false }).templates.keys()];
  expect(ids.filter((id) => id.endsWith('Edge'))).toEqual([]);
});

test('pilot name prefixes never overlap: acme_* does not match the things or groups of acme-north', () => {
  const pattern = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  expect(pattern(EdgeNames.thingName('acme', '*')).test(EdgeNames.thingName('acme-north', 'SN-1'))).toBe(false);
  expect(pattern(EdgeNames.thingGroup('acme', '*')).test(EdgeNames.thingGroup('acme-north', 'gw-v1'))).toBe(false);
  expect(EdgeNames.thingGroup('acme', 'gw-v2', 'beta')).not.toBe(EdgeNames.thingGroup('acme', 'gw-v2-beta'));
});
