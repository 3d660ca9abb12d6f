import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseDocument } from 'yaml';
import { loadConfig } from '../lib/config/load-config';
import { DeviceGenerationSpec } from '../lib/config/schema';
import { readPublishedRecipes } from '../lib/config/published-recipes';
import { EdgeNames } from '../lib/constructs/edge-names';
import { fleetDirectoryFromEnv } from '../lib/functions/fleet-directory';
import { GreengrassContainerComponent } from '../lib/constructs/greengrass-container-component';
import { assemblyStacks } from '../tools/ops/src/assembly-stacks';
import { demoAssembly } from './demo-assembly';
import { resolve } from './edge/synthesized-policies';
import { inTaskRoot } from './functions/bundle-file';
import { DEMO_CONFIG, synthesizePlatform } from './fixtures/demo-platform';

// Gates run on this same platform in gates.test.ts; here only the templates matter.
const { outdir, templates } = demoAssembly();
const model = loadConfig(DEMO_CONFIG);
const template = (id: string): Template => templates.get(id)!;
const resources = (t: Template, type: string) => Object.entries(t.findResources(type));
const shared = template('Platform-Edge');

/** Recipes are JSON strings joined around the URL suffix of the region. */
function recipesOf(t: Template): any[] {
  return resources(t, 'AWS::GreengrassV2::ComponentVersion').map(([, r]) =>
    JSON.parse(r.Properties.InlineRecipe['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'amazonaws.com')).join('')),
  );
}

/** The thing group resource names a deployment's TargetArn points at, by group name. */
function deploymentsByGroup(t: Template): Map<string, Record<string, any>> {
  const groupNames = new Map(resources(t, 'AWS::IoT::ThingGroup').map(([id, r]) => [id, r.Properties.ThingGroupName as string]));
  return new Map(resources(t, 'AWS::GreengrassV2::Deployment').map(([, r]) => [groupNames.get(r.Properties.TargetArn['Fn::GetAtt'][0])!, r.Properties]));
}

describe('per-pilot edge fleets', () => {
  /** Leaf groups: per channel (or the generation), and per audience with optional updates. */
  const leafGroups = (pilot: string, g: DeviceGenerationSpec) => {
    const bases = g.channels.length ? g.channels.map((c) => `${pilot}_${g.name}_${c.name}`) : [`${pilot}_${g.name}`];
    return g.updatePolicy === 'optional' ? bases.flatMap((b) => [`${b}:opted-in`, `${b}:held`]) : bases;
  };

  test.each(model.pilots.map((p) => [p.name]))('%s: one deployment per leaf group (channel, and audience with optional updates), with its rollout and abort values', (pilot) => {
    const spec = model.pilots.find((p) => p.name === pilot)!.edge!;
    const deployments = deploymentsByGroup(template(`Pilot-${pilot}-Edge`));
    const gateways = spec.generations.filter((g) => g.kind === 'gateway');
    expect([...deployments.keys()].sort()).toEqual(gateways.flatMap((g) => leafGroups(pilot, g)).sort());
    for (const g of gateways) {
      for (const target of leafGroups(pilot, g)) {
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
    expect(deployments.get('acme_press-gw-v2_beta:opted-in')!.IotJobConfiguration.JobExecutionsRolloutConfig.ExponentialRate).toEqual({
      BaseRatePerMinute: 10,
      IncrementFactor: 2,
      RateIncreaseCriteria: { NumberOfNotifiedThings: 20 },
    });
  });

  test('channels: child groups of the generation; opted-in beta devices run its pin, opted-in stable ones the version, held ones the mandatory version', () => {
    const acme = template('Pilot-acme-Edge');
    acme.hasResourceProperties('AWS::IoT::ThingGroup', { ThingGroupName: 'acme_press-gw-v2_beta', ParentGroupName: { Ref: Match.stringLikeRegexp('^Generationpressgwv2Group') } });
    acme.hasResourceProperties('AWS::IoT::ThingGroup', { ThingGroupName: 'acme_press-gw-v2_beta:held', ParentGroupName: { Ref: Match.stringLikeRegexp('^Generationpressgwv2Channelbeta') } });
    const deployments = deploymentsByGroup(acme);
    const lineMonitor = (group: string) => deployments.get(group)!.Components['acme.line-monitor'];
    expect(lineMonitor('acme_press-gw-v2_beta:opted-in')).toEqual({ ComponentVersion: '1.5.0' });
    expect(lineMonitor('acme_press-gw-v2_stable:opted-in')).toEqual({ ComponentVersion: '1.4.0' });
    expect(lineMonitor('acme_press-gw-v2_stable:held')).toEqual({ ComponentVersion: '1.3.2' });
    expect(lineMonitor('acme_press-gw-v2_beta:held')).toEqual({ ComponentVersion: '1.3.2' });
    // A mandatory generation has no audiences: every device gets the version.
    expect(lineMonitor('acme_press-gw-v1')).toEqual({ ComponentVersion: '1.4.0' });
  });

  test('every gateway deployment points the nucleus at its pilot\'s own role alias, the one its stack creates and its device policy allows', () => {
    for (const pilot of model.pilots.filter((p) => p.edge)) {
      const t = template(`Pilot-${pilot.name}-Edge`);
      const [[, alias]] = resources(t, 'AWS::IoT::RoleAlias');
      const aliasName = alias.Properties.RoleAlias;
      const [[, devicePolicy]] = resources(t, 'AWS::IoT::Policy').filter(([id]) => id.startsWith('DevicePoliciesDevicePolicy'));
      const assume = devicePolicy.Properties.PolicyDocument.Statement.find((s: { Action: string }) => s.Action === 'iot:AssumeRoleWithCertificate');
      expect(JSON.stringify(assume.Resource)).toContain(`:rolealias/${aliasName}"`);
      const deployments = deploymentsByGroup(t);
      for (const g of pilot.edge!.generations.filter((x) => x.kind === 'gateway')) {
        for (const group of leafGroups(pilot.name, g)) {
          expect(JSON.parse(deployments.get(group)!.Components['aws.greengrass.Nucleus'].ConfigurationUpdate.Merge).iotRoleAlias).toBe(aliasName);
        }
      }
    }
  });

  test('offline operation: sensors stay trusted for the configured hours, uplink spools to disk at the configured size, telemetry also goes to local pub/sub', () => {
    for (const pilot of model.pilots) {
      const deployments = deploymentsByGroup(template(`Pilot-${pilot.name}-Edge`));
      for (const g of pilot.edge!.generations.filter((x) => x.kind === 'gateway')) {
        for (const group of leafGroups(pilot.name, g)) {
          const c = deployments.get(group)!.Components;
          const merged = (name: string) => JSON.parse(c[name].ConfigurationUpdate.Merge);
          expect(merged('aws.greengrass.clientdevices.Auth').security).toEqual({ clientDeviceTrustDurationMinutes: g.offline.sensorTrustHours * 60 });
          expect(merged('aws.greengrass.Nucleus').mqtt.spooler).toEqual({
            storageType: 'Disk',
            pluginName: 'aws.greengrass.DiskSpooler',
            maxSizeInBytes: g.offline.spoolMebibytes * 1048576,
            keepQos0WhenOffline: true,
          });
          expect(c['aws.greengrass.DiskSpooler']).toEqual({ ComponentVersion: model.platform.edge.greengrass.diskSpooler });
          expect(merged('aws.greengrass.clientdevices.mqtt.Bridge').mqttTopicMapping.TelemetryToComponents).toEqual({ topic: `dt/${pilot.name}/#`, source: 'LocalMqtt', target: 'Pubsub' });
        }
      }
    }
  });

  test('the nucleus, Docker application manager and token exchange service are pinned in every deployment and recipe', () => {
    const pins = model.platform.edge.greengrass;
    for (const pilot of ['acme', 'bravo']) {
      for (const d of deploymentsByGroup(template(`Pilot-${pilot}-Edge`)).values()) {
        expect(d.Components['aws.greengrass.Nucleus'].ComponentVersion).toBe(pins.nucleus);
        expect(d.Components['aws.greengrass.DockerApplicationManager']).toEqual({ ComponentVersion: pins.dockerApplicationManager });
        expect(d.Components['aws.greengrass.TokenExchangeService']).toEqual({ ComponentVersion: pins.tokenExchangeService });
      }
    }
    for (const recipe of recipesOf(template('Pilot-acme-Edge'))) {
      expect(recipe.ComponentDependencies).toEqual({
        'aws.greengrass.DockerApplicationManager': { VersionRequirement: `=${pins.dockerApplicationManager}` },
        'aws.greengrass.TokenExchangeService': { VersionRequirement: `=${pins.tokenExchangeService}` },
      });
    }
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

  test('component versions: recipes run the prod image through the Docker application manager, with IPC for its pilot\'s sensor data', () => {
    const recipes = recipesOf(template('Pilot-bravo-Edge'));
    expect(recipes.map((r) => `${r.ComponentName}@${r.ComponentVersion}`).sort()).toEqual(['bravo.cold-chain@2.1.0', 'bravo.quality-model@0.10.0', 'bravo.quality-model@0.9.0']);
    const coldChain = recipes.find((r) => r.ComponentName === 'bravo.cold-chain');
    expect(Object.keys(coldChain.ComponentDependencies)).toContain('aws.greengrass.DockerApplicationManager');
    expect(coldChain.Manifests).toEqual([
      expect.objectContaining({ Platform: { os: 'linux', architecture: 'amd64' }, Artifacts: [{ URI: 'docker:111111111111.dkr.ecr.eu-central-1.amazonaws.com/bravo/prod/cold-chain:2.1.0' }] }),
    ]);
    // Greengrass' documented way to give a container IPC: mount the nucleus socket, pass SVCUID.
    expect(coldChain.Manifests[0].Lifecycle.Run).toContain('-v $AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT:$AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT -e SVCUID');
    expect(coldChain.ComponentConfiguration.DefaultConfiguration.accessControl['aws.greengrass.ipc.pubsub']['bravo.cold-chain:pubsub:1'].resources).toEqual(['dt/bravo/#']);
  });

  test('firmware OTA: a job template per generation with firmware, same rollout, presigned URL into the prod blobs, rollback version, targets by update policy', () => {
    const acme = template('Pilot-acme-Edge');
    // press-gw-v1 and press-sensor-v1, and press-gw-v1's rollback (it has a rollbackVersion).
    acme.resourceCountIs('AWS::IoT::JobTemplate', 3);
    const [, job] = resources(acme, 'AWS::IoT::JobTemplate').find(([id]) => id.startsWith('Generationpressgwv1FirmwareTemplate'))!;
    expect(job.Properties.JobExecutionsRolloutConfig).toEqual({
      ExponentialRolloutRate: { BaseRatePerMinute: 2, IncrementFactor: 1.2, RateIncreaseCriteria: { NumberOfSucceededThings: 5 } },
      MaximumPerMinute: 20,
    });
    expect(job.Properties.AbortConfig.CriteriaList).toHaveLength(2);
    expect(job.Properties.JobTemplateId).toMatch(/^acme-press-gw-v1-fw-[0-9a-f]{8}$/);
    expect(JSON.parse(job.Properties.Document)).toMatchObject({ operation: 'firmware-update', version: '3.2.0', rollbackVersion: '3.1.4', critical: false });
    // press-gw-v1 takes updates by mandate: the whole generation is the target.
    const targets = (t: Template, generation: string) => Object.entries(t.findOutputs('*')).find(([id]) => id.startsWith(`Generation${generation}Firmware`) && id.includes('Targets'))![1].Value;
    expect(targets(acme, 'pressgwv1')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Generationpressgwv1Group/), 'Arn'] });
    // vision-box-v2 lets owners choose: its non-critical firmware goes to the opted-in devices only.
    const bravo = template('Pilot-bravo-Edge');
    const groupName = (ref: { 'Fn::GetAtt': [string, string] }) => bravo.toJSON().Resources[ref['Fn::GetAtt'][0]].Properties.ThingGroupName;
    expect(targets(bravo, 'visionboxv2')['Fn::Join'][1].map(groupName)).toEqual(['bravo_vision-box-v2_stable:opted-in', 'bravo_vision-box-v2_pilot-line:opted-in']);
    expect(JSON.parse(resources(bravo, 'AWS::IoT::JobTemplate').find(([id]) => id.startsWith('Generationvisionboxv2'))![1].Properties.Document).url).toContain(
      '/cold-chain/2.0.0/vision-box-v2/amd64/vision-box.bin}',
    );
  });

  test('rollback: a template installing the rollback version for every device it targets, without abort criteria; the rollback function knows every deployment target and firmware template', () => {
    const acme = template('Pilot-acme-Edge');
    const [, rollback] = resources(acme, 'AWS::IoT::JobTemplate').find(([id]) => id.startsWith('Generationpressgwv1FirmwareRollbackTemplate'))!;
    expect(JSON.parse(rollback.Properties.Document)).toMatchObject({ operation: 'firmware-update', version: '3.1.4', rollbackOf: '3.2.0', critical: true });
    expect(JSON.parse(rollback.Properties.Document).url).toContain('/press-firmware/3.1.4/press-gw-v1/arm64/press-gw.bin}');
    expect(rollback.Properties.AbortConfig).toBeUndefined();
    expect(rollback.Properties.JobExecutionsRolloutConfig).toEqual(resources(acme, 'AWS::IoT::JobTemplate').find(([id]) => id.startsWith('Generationpressgwv1FirmwareTemplate'))![1].Properties.JobExecutionsRolloutConfig);
    for (const pilot of model.pilots) {
      const t = template(`Pilot-${pilot.name}-Edge`);
      const [, fn] = resources(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('RollbackFunction'))!;
      const env = JSON.stringify(fn.Properties.Environment.Variables.ROLLBACK);
      const targets = resources(t, 'AWS::GreengrassV2::Deployment').map(([, d]) => d.Properties.TargetArn['Fn::GetAtt'][0]);
      expect(targets.length).toBeGreaterThan(0);
      for (const group of targets) expect(env).toContain(group);
      t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RollbackFunction'), 'Arn'] } })] });
    }
    expect(JSON.stringify(resources(acme, 'AWS::Lambda::Function').find(([id]) => id.startsWith('RollbackFunction'))![1].Properties.Environment.Variables.ROLLBACK)).toMatch(/Generationpressgwv1FirmwareRollbackTemplate/);
  });

  test('sensors: a thing group per sensor generation, no Greengrass deployment, firmware jobs to the generation (through the gateways)', () => {
    const acme = template('Pilot-acme-Edge');
    acme.hasResourceProperties('AWS::IoT::ThingGroup', { ThingGroupName: 'acme_press-sensor-v1' });
    expect([...deploymentsByGroup(acme).keys()].filter((g) => g.includes('press-sensor'))).toEqual([]);
    const [, job] = resources(acme, 'AWS::IoT::JobTemplate').find(([id]) => id.startsWith('Generationpresssensorv1'))!;
    expect(JSON.parse(job.Properties.Document).url).toContain('/press-firmware/3.2.0/press-sensor-v1/arm64/press-sensor.bin}');
  });

  test('a changed recipe of a recorded component version fails synth, naming the version to bump', () => {
    const stack = new Stack(new App(), 'Recipes', { env: { account: '111111111111', region: 'eu-central-1' } });
    const props = {
      componentName: 'acme.line-monitor',
      repositoryName: 'acme/prod/line-monitor',
      architectures: ['arm64' as const],
      description: 'd',
      dependencies: { dockerApplicationManager: '2.0.15', tokenExchangeService: '2.0.3' },
      localTopics: ['dt/acme/#'],
    };
    const published = new GreengrassContainerComponent(stack, 'Published', { ...props, versions: ['1.4.0'] });
    const record = Object.fromEntries(published.recipeDigests);
    expect(() => new GreengrassContainerComponent(stack, 'Same', { ...props, versions: ['1.4.0', '1.5.0'], publishedRecipes: record })).not.toThrow();
    expect(() => new GreengrassContainerComponent(stack, 'Changed', { ...props, description: 'changed', versions: ['1.4.0'], publishedRecipes: record })).toThrow(
      /acme\.line-monitor 1\.4\.0: its recipe differs from the published one .* release the change as a new version \(bump 1\.4\.0\)/,
    );
  });

  test('a malformed record of published recipes is a config error naming the file and entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-recipes-'));
    fs.writeFileSync(path.join(dir, 'greengrass-recipes.lock.json'), JSON.stringify({ 'acme.line-monitor@1.4': 'sha256:abc' }));
    expect(() => readPublishedRecipes(dir)).toThrow(/greengrass-recipes\.lock\.json acme\.line-monitor@1\.4 = .*entries map "<pilot>\.<component>@<MAJOR\.MINOR\.PATCH>" to "sha256:<64 hex digits>"/);
  });

  test('the demo\'s record of published recipes lists every component version it publishes (synth above checked they match)', () => {
    const recorded = readPublishedRecipes(DEMO_CONFIG);
    const published = model.pilots.flatMap((p) => recipesOf(template(`Pilot-${p.name}-Edge`)).map((r) => `${r.ComponentName}@${r.ComponentVersion}`));
    expect(Object.keys(recorded).sort()).toEqual(published.sort());
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
    // CDK's AwsCustomResource provider (the IoT job events call, lib/constructs/iot-job-alerts.ts) ships prebuilt.
    const functions = resources(shared, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'));
    // Ingest, query, provisioning hook, retirement, sensor association.
    expect(functions).toHaveLength(5);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Code: { S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) } });
    }
  });

  test.each(model.pilots.filter((p) => p.edge).map((p) => p.name))("%s's provisioning template: in its own stack, gated by the shared hook, the thing joins the group the hook picks", (pilot) => {
    const own = template(`Pilot-${pilot}-Edge`);
    const [[id, t], ...more] = resources(own, 'AWS::IoT::ProvisioningTemplate');
    expect(more).toEqual([]);
    expect(t.Properties).toMatchObject({ TemplateName: `demo_${pilot}`, Enabled: true, PreProvisioningHook: { PayloadVersion: '2020-04-01' } });
    // The shared hook by its fixed name: `arn:<partition>:lambda:<region>:<account>:function:<name>`, no cross-stack reference.
    const [, hookFn] = resources(shared, 'AWS::Lambda::Function').find(([fn]) => fn.startsWith('ProvisioningHook'))!;
    const { account, region } = model.platform.environment;
    expect(resolve(t.Properties.PreProvisioningHook.TargetArn, own.toJSON().Resources)).toBe(`arn:aws:lambda:${region}:${account}:function:${hookFn.Properties.FunctionName}`);
    // Run as its own stack's provisioning role.
    expect(t.Properties.ProvisioningRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ProvisioningRole/), 'Arn'] });
    expect(Object.values(own.toJSON().Outputs).filter((o: any) => o.Value === `demo_${pilot}`)).toHaveLength(1);
    expect(id).toMatch(/^ProvisioningTemplate/);
    // The hook names the thing, its group and its pilot's device policy.
    const body = JSON.parse(t.Properties.TemplateBody);
    expect(body.Resources.policy.Properties).toEqual({ PolicyName: { Ref: 'DevicePolicy' } });
    expect(body.Resources.thing.Properties).toMatchObject({ ThingName: { Ref: 'ThingName' }, ThingGroups: [{ Ref: 'ThingGroup' }] });
  });

  // IoT checks that it may invoke a template's pre-provisioning hook when the template is created:
  // the hook and its invoke permission (Platform-Edge) must be deployed first. Ordered, not imported.
  test("each pilot's edge stack is deployed after Platform-Edge, and imports nothing from it", () => {
    const stacks = assemblyStacks(new cxapi.CloudAssembly(outdir));
    for (const pilot of model.pilots.filter((p) => p.edge).map((p) => p.name)) {
      const own = stacks.find((x) => x.id === `Pilot-${pilot}-Edge`)!;
      expect([pilot, own.dependencies.includes('Platform-Edge')]).toEqual([pilot, true]);
      expect(JSON.stringify(own.template)).not.toContain('Fn::ImportValue');
    }
  });

  test("the shared stack has no provisioning template (it would grow with the pilots), only the hook every template calls, with the fleet directory in its bundle", () => {
    expect(resources(shared, 'AWS::IoT::ProvisioningTemplate')).toEqual([]);
    const hook = resources(shared, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProvisioningHook'))![1];
    // The directory is a file in the hook's bundle, read by the handler's own loader as Lambda would run it.
    const fleets = inTaskRoot(outdir, hook, fleetDirectoryFromEnv);
    expect(fleets).toEqual({
      acme: {
        provisioningTemplate: 'demo_acme',
        devicePolicy: 'demo_acme_device-policy',
        sensorPolicy: 'demo_acme_sensor-policy',
        generations: {
          'press-gw-v1': { kind: 'gateway', group: 'acme_press-gw-v1', requiredTests: { 'supply-voltage': '2.1', 'rf-power': '1.0' } },
          'press-gw-v2': { kind: 'gateway', group: 'acme_press-gw-v2_stable:held', requiredTests: { 'supply-voltage': '2.1' } },
          'press-sensor-v1': { kind: 'sensor', group: 'acme_press-sensor-v1', requiredTests: { 'vibration-calibration': '1.1' } },
        },
      },
      bravo: {
        provisioningTemplate: 'demo_bravo',
        devicePolicy: 'demo_bravo_device-policy',
        sensorPolicy: 'demo_bravo_sensor-policy',
        generations: {
          'cold-logger-v1': { kind: 'gateway', group: 'bravo_cold-logger-v1', requiredTests: { 'probe-calibration': '3.0' } },
          'vision-box-v2': { kind: 'gateway', group: 'bravo_vision-box-v2_stable:held', requiredTests: { 'camera-focus': '1.2' } },
        },
      },
    });
  });
  test('each pilot\'s fleet entry names only its own policies and groups, and the policies it names are its own', () => {
    const hook = resources(shared, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProvisioningHook'))![1];
    const fleets = inTaskRoot(outdir, hook, fleetDirectoryFromEnv);
    // Every IoT policy of the app, by name (the pilots' are in their Pilot-<pilot>-Edge stacks).
    const documents = new Map([...templates.values()].flatMap((t) => resources(t, 'AWS::IoT::Policy')).map(([, r]) => [r.Properties.PolicyName, JSON.stringify(r.Properties.PolicyDocument)]));
    expect(Object.keys(fleets).sort()).toEqual(model.pilots.filter((p) => p.edge).map((p) => p.name).sort());
    for (const [pilot, fleet] of Object.entries(fleets)) {
      for (const name of [fleet.devicePolicy, fleet.sensorPolicy]) {
        // The named policy exists, and every thing and client it names is one of this pilot's.
        const named = [...(documents.get(name) ?? '').matchAll(/:(?:thing|client)\/([^"*]*)\*/g)].map((m) => m[1]);
        expect([pilot, name, named.length > 0]).toEqual([pilot, name, true]);
        for (const prefix of named) expect([pilot, name, prefix.startsWith(EdgeNames.thingName(pilot, ''))]).toEqual([pilot, name, true]);
      }
      for (const g of Object.values(fleet.generations)) expect(g.group.startsWith(EdgeNames.thingName(pilot, ''))).toBe(true);
      // The template the hook admits the pilot's devices through is the one its stack deploys.
      const [[, t]] = resources(template(`Pilot-${pilot}-Edge`), 'AWS::IoT::ProvisioningTemplate');
      expect([pilot, fleet.provisioningTemplate]).toEqual([pilot, t.Properties.TemplateName]);
    }
  });

  // AWS IoT API Reference, CreateProvisioningTemplate: templateName, 1-36 characters, pattern ^[0-9A-Za-z_-]+$.
  test("provisioning template names follow IoT's rules, and templates of one platform never match another platform's pattern", () => {
    const names = [...templates.values()].flatMap((t) => resources(t, 'AWS::IoT::ProvisioningTemplate')).map(([, r]) => r.Properties.TemplateName as string);
    expect(names.sort()).toEqual(['demo_acme', 'demo_bravo']);
    for (const name of names) expect(name).toMatch(/^[0-9A-Za-z_-]{1,36}$/);
    // Platform names hold no `_`: `demo_*` cannot match a template of platform `demo-2` or `demo_x`'s look-alikes.
    const pattern = (platform: string) => new RegExp(`^${EdgeNames.provisioningTemplate(platform, '.*')}$`);
    expect(pattern('demo').test(EdgeNames.provisioningTemplate('demo-2', 'acme'))).toBe(false);
    expect(pattern('demo-2').test(EdgeNames.provisioningTemplate('demo', 'acme'))).toBe(false);
  });

  // AWS IoT API Reference, CreatePolicy: policyName, 1-128 characters, pattern [\w+=,.@-]+.
  test('IoT policy names follow IoT\'s rules at the longest platform and pilot names the schema allows', () => {
    const longest = (what: string) => 'a'.repeat(24 - what.length) + what;
    for (const name of [EdgeNames.devicePolicy(longest('p'), longest('z')), EdgeNames.sensorPolicy(longest('p'), longest('z')), ...[...templates.values()].flatMap((t) => resources(t, 'AWS::IoT::Policy')).flatMap(([, r]) => r.Properties.PolicyName ?? [])]) {
      expect(name).toMatch(/^[\w+=,.@-]{1,128}$/);
    }
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



  test('each pilot\'s token exchange role (in its own stack) pulls only that pilot\'s prod images; the shared stack has none', () => {
    expect(resources(shared, 'AWS::IoT::RoleAlias')).toEqual([]);
    const pulls = (pilot: string) => {
      const [, policy] = resources(templates.get(`Pilot-${pilot}-Edge`)!, 'AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles).includes('TokenExchangeRole'))!;
      return policy.Properties.PolicyDocument.Statement.filter((s: { Action: string[] }) => [s.Action].flat().includes('ecr:BatchGetImage')).map((s: { Condition: unknown; Resource: unknown }) => [s.Condition, s.Resource]);
    };
    expect(pulls('acme')).toEqual([[{ StringLike: { 'credentials-iot:ThingName': 'acme_*' } }, 'arn:aws:ecr:eu-central-1:111111111111:repository/acme/prod/line-monitor']]);
    expect(pulls('bravo')).toEqual([
      [
        { StringLike: { 'credentials-iot:ThingName': 'bravo_*' } },
        ['arn:aws:ecr:eu-central-1:111111111111:repository/bravo/prod/cold-chain', 'arn:aws:ecr:eu-central-1:111111111111:repository/bravo/prod/quality-model'],
      ],
    ]);
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
