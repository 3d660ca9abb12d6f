/**
 * The edge stacks' policies evaluated, not read: every IAM call each handler and AWS service makes
 * goes through the IAM policy simulator over the synthesized role policies; the IoT policies of
 * core devices go through an IoT policy evaluator with AWS's documented rules and calls (kept as
 * data with their sources in iot-policy-rules.json). Each boundary is tried for every pair of demo
 * pilots, next to the legitimate call.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import { fleetDirectoryFromEnv } from '../../lib/functions/fleet-directory';
import { bridgeRoutes } from '../../lib/stacks/pilot-edge-stack';
import { inTaskRoot } from '../functions/bundle-file';
import { demoAssembly } from '../demo-assembly';
import { iotDecision, IotRequest } from './iot-policy';
import rules from './iot-policy-rules.json';
import { ACCOUNT, Call, decide, logicalId, REGION, resolve } from './synthesized-policies';

const { outdir, templates } = demoAssembly();
const shared = templates.get('Platform-Edge')!;
const resources = shared.toJSON().Resources;
const PILOTS = ['acme', 'bravo'];
/** The fleet directory in the hook's bundle, read as Lambda would: what the hook hands out per pilot. */
const fleets = inTaskRoot(outdir, Object.entries<any>(shared.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('ProvisioningHook'))![1], fleetDirectoryFromEnv);
const pairs = PILOTS.flatMap((own) => PILOTS.filter((other) => other !== own).map((other) => [own, other]));

const iot = (resource: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:${resource}`;
const role = (prefix: string, t: Template = shared) => logicalId(t, 'AWS::IAM::Role', prefix);
const tableArn = iot('').replace(/iot:.*/, '') + `dynamodb:${REGION}:${ACCOUNT}:table/${logicalId(shared, 'AWS::DynamoDB::Table', 'TestRecordsTable')}`;
const tableKey = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${logicalId(shared, 'AWS::KMS::Key', 'TestRecordsKey')}`;
/** A pilot's IoT policy (`DevicePolicy` or `SensorPolicy`), in its own Pilot-<pilot>-Edge stack: its name and its document as deployed. */
function pilotPolicy(pilot: string, which: 'DevicePolicy' | 'SensorPolicy'): { name: string; document: any } {
  const t = templates.get(`Pilot-${pilot}-Edge`)!;
  const own = t.toJSON().Resources;
  const { PolicyName, PolicyDocument } = own[logicalId(t, 'AWS::IoT::Policy', `DevicePolicies${which}`)].Properties;
  return { name: PolicyName, document: resolve(PolicyDocument, own) };
}
const devicePolicy = (pilot: string) => pilotPolicy(pilot, 'DevicePolicy').name;
const cert = iot('cert/0a1b2c3d4e5f');
const pilotRole = (pilot: string, purpose: string) => `arn:aws:iam::${ACCOUNT}:role/iiot/demo/edge-pilot/demo_${pilot}_${purpose}`;
const tableKeyPolicy = resolve(resources[logicalId(shared, 'AWS::KMS::Key', 'TestRecordsKey')].Properties.KeyPolicy, resources);
const kms = (action: string): Call => ({ action, resource: tableKey, resourcePolicy: tableKeyPolicy });

async function expectDecisions(roleId: string, allowed: Call[], denied: Call[], t: Template = shared) {
  const verdicts = async (calls: Call[]) => Promise.all(calls.map(async (c) => `${c.action} ${c.resource} ${await decide(t, roleId, c)}`));
  expect(await verdicts(allowed)).toEqual(allowed.map((c) => `${c.action} ${c.resource} Allowed`));
  expect(await verdicts(denied)).toEqual(denied.map((c) => `${c.action} ${c.resource} ImplicitlyDenied`));
}

describe('IAM, by policy evaluation', () => {
  test.each(pairs)(
    "fleet provisioning: %s's provisioning role is allowed every call of its template (thing, group, certificate, principal and policy attachment) on its own things and policies, not on %s's",
    async (own, other) => {
      const calls = (thing: string, group: string, policy: string): Call[] => [
        { action: 'iot:DescribeThing', resource: iot(`thing/${thing}`) },
        { action: 'iot:CreateThing', resource: iot(`thing/${thing}`) },
        { action: 'iot:UpdateThing', resource: iot(`thing/${thing}`) },
        { action: 'iot:ListThingGroupsForThing', resource: iot(`thing/${thing}`) },
        { action: 'iot:AddThingToThingGroup', resource: iot(`thing/${thing}`) },
        { action: 'iot:AddThingToThingGroup', resource: iot(`thinggroup/${group}`) },
        { action: 'iot:UpdateThingGroupsForThing', resource: iot(`thing/${thing}`) },
        { action: 'iot:UpdateThingGroupsForThing', resource: iot(`thinggroup/${group}`) },
        { action: 'iot:DescribeThingGroup', resource: iot(`thinggroup/${group}`) },
        { action: 'iot:DescribeCertificate', resource: cert },
        { action: 'iot:UpdateCertificate', resource: cert },
        // The Service Authorization Reference authorises principal attachment on the certificate.
        { action: 'iot:AttachThingPrincipal', resource: cert },
        { action: 'iot:AttachPolicy', resource: cert },
        { action: 'iot:GetPolicy', resource: iot(`policy/${policy}`) },
      ];
      // What the hook hands out for each pilot: its groups (from its bundled fleet directory) and its two policies.
      const groups = (pilot: string) => Object.values(fleets[pilot].generations).map((g) => g.group);
      const policies = (pilot: string) => [devicePolicy(pilot), pilotPolicy(pilot, 'SensorPolicy').name];
      const legitimate = (pilot: string) => [
        ...groups(pilot).flatMap((g, i) => calls(`${pilot}_SN-000${i}`, g, policies(pilot)[0])),
        ...calls(`${pilot}_sensor-TH-0042`, groups(pilot)[0], policies(pilot)[1]),
      ];
      const foreign = (c: Call) => !c.resource.includes(':cert/');
      const t = templates.get(`Pilot-${own}-Edge`)!;
      await expectDecisions(
        role('ProvisioningRole', t),
        legitimate(own),
        [
          // Another pilot's things, groups and policies: the cross-pilot attempt.
          ...legitimate(other).filter(foreign),
          // A pilot that is not configured, other policies of this platform and another platform's policy for this pilot.
          ...calls('zulu_SN-0001', 'zulu_gw', 'SomeOtherPolicy').filter(foreign),
          ...calls(`${own}_SN-0001`, `${own}_gw`, `demo_${own}_claim-policy`).filter((c) => c.action === 'iot:GetPolicy'),
          ...calls(`${own}_SN-0001`, `${own}_gw`, `other-platform_${own}_device-policy`).filter((c) => c.action === 'iot:GetPolicy'),
          // Things named like the pilot's but of a pilot whose name starts with it.
          ...calls(`${own}-north_SN-0001`, `${own}-north_gw`, devicePolicy(own)).filter((c) => c.resource.includes(`${own}-north`)),
        ],
        t,
      );
    },
  );

  test.each(PILOTS)("fleet provisioning: only IoT, from this account, may assume %s's provisioning role", async (pilot) => {
    const t = templates.get(`Pilot-${pilot}-Edge`)!;
    const own = t.toJSON().Resources;
    const id = role('ProvisioningRole', t);
    const trust = resolve(own[id].Properties.AssumeRolePolicyDocument, own);
    // A service principal has no identity policy of ours: the trust policy alone decides.
    const verdict = async (principal: string, account: string) => {
      const result = await runSimulation({
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: trust,
        request: { principal, action: 'sts:AssumeRole', resource: { resource: `arn:aws:iam::${ACCOUNT}:role/${id}`, accountId: ACCOUNT }, contextVariables: { 'aws:SourceAccount': account } },
      } as never, {});
      return result.resultType === 'single' ? result.overallResult : JSON.stringify(result);
    };
    expect(await verdict('iot.amazonaws.com', ACCOUNT)).toBe('Allowed');
    expect(await verdict('iot.amazonaws.com', '222222222222')).toBe('ImplicitlyDenied');
    expect(await verdict('lambda.amazonaws.com', ACCOUNT)).toBe('ImplicitlyDenied');
  });

  test.each(pairs)('device retirement: %s\'s role is allowed every DeviceRegistry call on its things, not on %s\'s; the shared role only the store and assuming', async (own, other) => {
    const calls = (pilot: string): Call[] => {
      const thing = iot(`thing/${pilot}_SN-0001`);
      return [
        { action: 'iot:ListThingPrincipals', resource: thing },
        { action: 'iot:DetachThingPrincipal', resource: cert },
        { action: 'iot:DescribeCertificate', resource: cert },
        { action: 'iot:ListAttachedPolicies', resource: '*' },
        { action: 'iot:DetachPolicy', resource: cert },
        { action: 'iot:UpdateCertificate', resource: cert },
        { action: 'iot:DeleteCertificate', resource: cert },
        { action: 'iot:ListNamedShadowsForThing', resource: thing },
        { action: 'iot:DeleteThingShadow', resource: thing },
        { action: 'iot:ListJobExecutionsForThing', resource: thing },
        { action: 'iot:DeleteJobExecution', resource: thing },
        { action: 'iot:DeleteJobExecution', resource: iot('job/fw-3-2-0') },
        { action: 'iot:ListThingGroupsForThing', resource: thing },
        { action: 'iot:RemoveThingFromThingGroup', resource: thing },
        { action: 'iot:RemoveThingFromThingGroup', resource: iot(`thinggroup/${pilot}_gw:held`) },
        { action: 'greengrass:DeleteCoreDevice', resource: `arn:aws:greengrass:${REGION}:${ACCOUNT}:coreDevices:${pilot}_SN-0001` },
        { action: 'iot:DeleteThing', resource: thing },
      ];
    };
    const store: Call[] = [
      { action: 'dynamodb:Query', resource: tableArn },
      { action: 'dynamodb:PutItem', resource: tableArn },
      kms('kms:Decrypt'),
      kms('kms:GenerateDataKey'),
    ];
    // Certificates, jobs and `*` carry no pilot: the pilot's things bound them (the registry reaches certificates through the thing).
    const pilotOwn = (c: Call) => !c.resource.includes(':cert/') && c.resource !== '*' && !c.resource.includes(':job/');
    const t = templates.get(`Pilot-${own}-Edge`)!;
    await expectDecisions(role('RetirementRole', t), calls(own), [...calls(other).filter(pilotOwn), ...calls('zulu').filter(pilotOwn), ...store], t);
    await expectDecisions(
      role('RetirementFunctionRole'),
      [...store, { action: 'sts:AssumeRole', resource: pilotRole(own, 'retirement') }, { action: 'sts:AssumeRole', resource: pilotRole(other, 'retirement') }],
      [
        ...calls(own),
        { action: 'dynamodb:DeleteItem', resource: tableArn },
        { action: 'dynamodb:UpdateItem', resource: tableArn },
        { action: 'sts:AssumeRole', resource: pilotRole(own, 'association') },
        { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/demo_${own}_retirement` },
        { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/iiot/other/edge-pilot/other_${own}_retirement` },
      ],
    );
  });

  test.each([['retirement', 'RetirementRole', 'association'], ['association', 'AssociationRole', 'retirement']] as const)(
    'only the shared %s function\'s role may assume the pilots\' roles for it',
    async (purpose, prefix, otherPurpose) => {
      for (const pilot of PILOTS) {
        const t = templates.get(`Pilot-${pilot}-Edge`)!;
        const own = t.toJSON().Resources;
        const trust = resolve(own[role(prefix, t)].Properties.AssumeRolePolicyDocument, own);
        // The same identity policy (it allows the assume) for each caller: only the trust policy decides.
        const as = (principal: string): Call => ({ action: 'sts:AssumeRole', resource: pilotRole(pilot, purpose), resourcePolicy: trust, principal, context: { 'aws:PrincipalArn': principal } });
        await expectDecisions(
          role(purpose === 'retirement' ? 'RetirementFunctionRole' : 'SensorAssociationFunctionRole'),
          [as(`arn:aws:iam::${ACCOUNT}:role/demo_edge-${purpose}`)],
          [as(`arn:aws:iam::${ACCOUNT}:role/demo_edge-${otherPurpose}`), as(`arn:aws:iam::${ACCOUNT}:role/${role('ProvisioningHookRole')}`), as(`arn:aws:iam::222222222222:role/demo_edge-${purpose}`)],
        );
      }
    },
  );

  test.each(pairs)('sensor association: %s\'s role reads and changes client device associations of its cores and groups, not %s\'s; the shared role only lists cores and assumes', async (own, other) => {
    const core = (thing: string) => `arn:aws:greengrass:${REGION}:${ACCOUNT}:coreDevices:${thing}`;
    const calls = (pilot: string): Call[] => [
      { action: 'greengrass:ListClientDevicesAssociatedWithCoreDevice', resource: core(`${pilot}_GW-1`) },
      { action: 'greengrass:BatchAssociateClientDeviceWithCoreDevice', resource: core(`${pilot}_GW-1`) },
      { action: 'greengrass:BatchDisassociateClientDeviceFromCoreDevice', resource: core(`${pilot}_GW-1`) },
      { action: 'iot:ListThingsInThingGroup', resource: iot(`thinggroup/${pilot}_press-sensor-v1`) },
    ];
    const t = templates.get(`Pilot-${own}-Edge`)!;
    await expectDecisions(role('AssociationRole', t), calls(own), [...calls(other), ...calls('zulu'), { action: 'greengrass:DeleteCoreDevice', resource: core(`${own}_GW-1`) }, { action: 'greengrass:CreateDeployment', resource: '*' }], t);
    await expectDecisions(
      role('SensorAssociationFunctionRole'),
      [{ action: 'greengrass:ListCoreDevices', resource: '*' }, { action: 'sts:AssumeRole', resource: pilotRole(own, 'association') }],
      [...calls(own), { action: 'sts:AssumeRole', resource: pilotRole(own, 'retirement') }, { action: 'greengrass:CreateDeployment', resource: '*' }],
    );
  });

  test("IoT may invoke the shared hook for every pilot's template of this platform in this account, and for nothing else", async () => {
    const [permission, ...more] = Object.values<any>(shared.findResources('AWS::Lambda::Permission')).filter((p) => p.Properties.Principal === 'iot.amazonaws.com');
    expect(more).toEqual([]);
    const { Action, SourceAccount, SourceArn } = resolve(permission.Properties, resources);
    // The permission is on the hook, whose physical name the pilots' templates use.
    const hookId = logicalId(shared, 'AWS::Lambda::Function', 'ProvisioningHook');
    expect(permission.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [hookId, 'Arn'] });
    const hookArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${resources[hookId].Properties.FunctionName}`;
    // The statement Lambda adds for AddPermission (the API CloudFormation's AWS::Lambda::Permission calls): SourceArn
    // "Lambda configures the comparison using the StringLike operator", SourceAccount an equality
    // (Lambda API Reference, AddPermission: https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html).
    const functionPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'iot.amazonaws.com' }, Action, Resource: hookArn, Condition: { StringEquals: { 'AWS:SourceAccount': SourceAccount }, StringLike: { 'AWS:SourceArn': SourceArn } } }],
    };
    const invoke = async (principal: string, template: string, account = ACCOUNT) => {
      const result = await runSimulation({
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: functionPolicy,
        request: { principal, action: 'lambda:InvokeFunction', resource: { resource: hookArn, accountId: ACCOUNT }, contextVariables: { 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:iot:${REGION}:${account}:provisioningtemplate/${template}` } },
      } as never, {});
      return `${principal} ${template} ${account} ${result.resultType === 'single' ? result.overallResult : JSON.stringify(result)}`;
    };
    // Every pilot's template, as its stack names it and points at this function.
    for (const pilot of PILOTS) {
      const t = templates.get(`Pilot-${pilot}-Edge`)!;
      const own = t.toJSON().Resources;
      const template = own[logicalId(t, 'AWS::IoT::ProvisioningTemplate', 'ProvisioningTemplate')].Properties;
      expect(resolve(template.PreProvisioningHook.TargetArn, own)).toBe(hookArn);
      expect(await invoke('iot.amazonaws.com', template.TemplateName)).toBe(`iot.amazonaws.com ${template.TemplateName} ${ACCOUNT} Allowed`);
    }
    for (const [principal, template, account] of [['iot.amazonaws.com', 'demo-edge-fleet'], ['iot.amazonaws.com', 'other_acme'], ['iot.amazonaws.com', 'demo_acme', '222222222222'], ['lambda.amazonaws.com', 'demo_acme']]) {
      expect(await invoke(principal, template, account)).toBe(`${principal} ${template} ${account ?? ACCOUNT} ImplicitlyDenied`);
    }
  });

  test('the provisioning hook reads records and adds its identity claim; it never updates or deletes', async () => {
    await expectDecisions(
      role('ProvisioningHookRole'),
      [{ action: 'dynamodb:Query', resource: tableArn }, { action: 'dynamodb:PutItem', resource: tableArn }, kms('kms:Decrypt'), kms('kms:GenerateDataKey')],
      [{ action: 'dynamodb:UpdateItem', resource: tableArn }, { action: 'dynamodb:DeleteItem', resource: tableArn }, { action: 'dynamodb:BatchWriteItem', resource: tableArn }],
    );
  });

  test('ingest only puts, query only queries', async () => {
    await expectDecisions(role('TestRecordsIngestRole'), [{ action: 'dynamodb:PutItem', resource: tableArn }], [{ action: 'dynamodb:Query', resource: tableArn }, { action: 'dynamodb:UpdateItem', resource: tableArn }]);
    await expectDecisions(role('TestRecordsQueryRole'), [{ action: 'dynamodb:Query', resource: tableArn }], [{ action: 'dynamodb:PutItem', resource: tableArn }]);
  });

  test.each(pairs)('token exchange: %s devices pull their pilot\'s prod images through its own role, not %s\'s, not with another pilot\'s thing name', async (own, other) => {
    const t = templates.get(`Pilot-${own}-Edge`)!;
    const repo = (pilot: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${pilot}/prod/${pilot === 'acme' ? 'line-monitor' : 'cold-chain'}`;
    const as = (pilot: string) => ({ 'credentials-iot:ThingName': `${pilot}_SN-0001` });
    await expectDecisions(
      role('CoreIdentityTokenExchangeRole', t),
      [
        { action: 'ecr:GetAuthorizationToken', resource: '*' },
        { action: 'ecr:BatchGetImage', resource: repo(own), context: as(own) },
        { action: 'ecr:GetDownloadUrlForLayer', resource: repo(own), context: as(own) },
      ],
      [
        { action: 'ecr:BatchGetImage', resource: repo(other), context: as(own) },
        { action: 'ecr:GetDownloadUrlForLayer', resource: repo(other), context: as(own) },
        { action: 'ecr:BatchGetImage', resource: repo(other), context: as(other) },
        // Another pilot's thing that obtained this role's credentials still gets nothing.
        { action: 'ecr:BatchGetImage', resource: repo(own), context: as(other) },
      ],
      t,
    );
  });

  test.each(pairs)('rollback of %s rollouts: every call of the handler and of CreateDeployment is allowed on its pilot\'s groups and things, not on %s\'s', async (own, other) => {
    const t = templates.get(`Pilot-${own}-Edge`)!;
    const calls = (pilot: string): Call[] => [
      { action: 'iot:CreateJob', resource: iot(`thinggroup/${pilot}_gw:rollback-fw-1`) },
      { action: 'iot:CreateThingGroup', resource: iot(`thinggroup/${pilot}_gw:rollback-fw-1`) },
      { action: 'iot:DescribeThingGroup', resource: iot(`thinggroup/${pilot}_gw:rollback-fw-1`) },
      { action: 'iot:AddThingToThingGroup', resource: iot(`thinggroup/${pilot}_gw:rollback-fw-1`) },
      { action: 'iot:DeleteThingGroup', resource: iot(`thinggroup/${pilot}_gw:rollback-fw-1`) },
      { action: 'iot:AddThingToThingGroup', resource: iot(`thing/${pilot}_SN-0001`) },
      { action: 'iot:DescribeThing', resource: iot(`thing/${pilot}_SN-0001`) },
      { action: 'iot:UpdateThingShadow', resource: iot(`thing/${pilot}_SN-0001`) },
    ];
    // greengrass:GetDeployment is not simulated: the reference data merges Greengrass v1's and v2's
    // deployment ARNs into one resource type the simulator cannot match; its grant names v2's `deployments:*`.
    const rollbackTemplates = Object.entries<any>(t.findResources('AWS::IoT::JobTemplate')).filter(([id]) => id.includes('RollbackTemplate'));
    const templateCalls: Call[] = rollbackTemplates.map(([, r]) => ({ action: 'iot:CreateJob', resource: iot(`jobtemplate/${r.Properties.JobTemplateId}`) }));
    await expectDecisions(
      role('RollbackFunctionRole', t),
      [
        { action: 'greengrass:ListDeployments', resource: '*' },
        { action: 'greengrass:CreateDeployment', resource: '*' },
        { action: 'iot:ListJobs', resource: '*' },
        { action: 'iot:ListThingGroups', resource: '*' },
        { action: 'iot:DescribeJob', resource: iot('job/fw-1') },
        { action: 'iot:ListJobExecutionsForJob', resource: iot('job/fw-1') },
        { action: 'iot:CreateJob', resource: iot('job/fw-1-rollback') },
        { action: 'iot:CancelJob', resource: iot('job/fw-1') },
        ...calls(own),
        ...templateCalls,
      ],
      [...calls(other), { action: 'iot:CreateJob', resource: iot('jobtemplate/someone-elses-template') }, { action: 'iot:DeleteThing', resource: iot(`thing/${own}_SN-0001`) }],
      t,
    );
    expect(templateCalls.length).toBe(own === 'acme' ? 1 : 0);
  });

  // Its kms:Decrypt is bound by kms:EncryptionContext:aws:s3:arn, a key pattern the simulator does not expand; not evaluated here.
  test('the firmware URL signer reads the generation\'s firmware in the pilot\'s prod blobs and nothing of another pilot', async () => {
    const acme = templates.get('Pilot-acme-Edge')!;
    const bucket = (pilot: string) => `${pilot}-blobs-prod-${ACCOUNT}-${REGION}`;
    const key = 'press-firmware/3.2.0/press-gw-v1/arm64/press-gw.bin';
    await expectDecisions(
      role('Generationpressgwv1FirmwareUrlSigner', acme),
      [{ action: 's3:GetObject', resource: `arn:aws:s3:::${bucket('acme')}/${key}` }],
      [{ action: 's3:GetObject', resource: `arn:aws:s3:::${bucket('bravo')}/${key}` }, { action: 's3:PutObject', resource: `arn:aws:s3:::${bucket('acme')}/${key}` }],
      acme,
    );
  });

  test('the job document uses IoT Jobs\' current presigned-URL placeholder for that key', () => {
    const [job] = Object.values<any>(templates.get('Pilot-acme-Edge')!.findResources('AWS::IoT::JobTemplate'));
    expect(JSON.parse(job.Properties.Document).url).toBe(
      `\${aws:iot:s3-presigned-url-v2:https://s3.${REGION}.amazonaws.com/acme-blobs-prod-${ACCOUNT}-${REGION}/press-firmware/3.2.0/press-gw-v1/arm64/press-gw.bin}`,
    );
  });
});

describe('IoT policies of core devices, by evaluation against the documented rules', () => {
  const policyOf = (pilot: string) => pilotPolicy(pilot, 'DevicePolicy').document;
  /** The pilot's own role alias, as its stack deploys it. */
  const roleAliasOf = (pilot: string) => {
    const t = templates.get(`Pilot-${pilot}-Edge`)!;
    return resolve({ 'Fn::GetAtt': [logicalId(t, 'AWS::IoT::RoleAlias', 'CoreIdentityRoleAlias'), 'Arn'] }, t.toJSON().Resources);
  };
  const arnOf = (resource: string, thing: string, sensor: string) => {
    const filled = resource.replace('{thing}', thing).replace('{sensor}', sensor).replace('{account}', ACCOUNT).replace('{roleAlias}', roleAliasOf(thing.split('_')[0]));
    if (filled === '*' || filled.startsWith('arn:')) return filled;
    if (filled.startsWith('greengrass:')) return `arn:aws:greengrass:${REGION}:${filled.slice('greengrass:'.length)}`;
    return iot(filled);
  };
  const request = (call: (typeof rules.coreDeviceCalls)[number], pilot: string, thing = `${pilot}_SN-0001`, sensor = `${pilot}_sensor-0001`): IotRequest => ({
    action: call.action,
    resource: arnOf(call.resource, thing, sensor),
    protocol: call.protocol as IotRequest['protocol'],
    thingName: `${pilot}_SN-0001`,
  });

  test('no core device policy uses thing policy variables (Greengrass: not supported for core devices)', () => {
    expect(rules.thingPolicyVariablesInCoreDevicePolicies).toBe('not supported');
    for (const pilot of PILOTS) expect(JSON.stringify(policyOf(pilot))).not.toMatch(/iot:Connection\.Thing\./);
  });

  test.each(PILOTS)('%s: every call of AWS\'s minimal core device and client device support policies, over its protocol, is allowed', (pilot) => {
    const refused = rules.coreDeviceCalls.filter((c) => iotDecision(policyOf(pilot), request(c, pilot)) !== 'Allow');
    expect(refused.map((c) => `${c.action} ${c.resource} (${c.source})`)).toEqual([]);
  });

  test.each(pairs)('%s gateways cannot act on %s\'s devices: no call on the other pilot\'s things, shadows, sensors or artefacts is allowed', (own, other) => {
    const crossing = rules.coreDeviceCalls.filter((c) => c.resource.includes('{thing}') || c.resource.includes('{sensor}'));
    const allowed = crossing.filter((c) => iotDecision(policyOf(own), request(c, own, `${other}_SN-0001`, `${other}_sensor-0001`)) === 'Allow');
    expect(allowed.map((c) => `${c.action} ${c.resource}`)).toEqual([]);
    const artefact = (component: string) => ({ action: 'greengrass:GetComponentVersionArtifact', resource: `arn:aws:greengrass:${REGION}:${ACCOUNT}:components:${component}:versions:1.0.0`, protocol: 'https' as const, thingName: `${own}_SN-0001` });
    expect(iotDecision(policyOf(own), artefact(`${own}.some-component`))).toBe('Allow');
    expect(iotDecision(policyOf(own), artefact(`${other}.some-component`))).toBe('Deny');
    // Credentials only through its own pilot's role alias (each pilot's token exchange role pulls only its images).
    const assume = (pilot: string) => ({ action: 'iot:AssumeRoleWithCertificate', resource: roleAliasOf(pilot), protocol: 'https' as const, thingName: `${own}_SN-0001` });
    expect(iotDecision(policyOf(own), assume(own))).toBe('Allow');
    expect(iotDecision(policyOf(own), assume(other))).toBe('Deny');
  });

  test.each(pairs)('the MQTT bridge of a %s gateway: its subscriptions are allowed, and IoT Core delivers its sensors\' job answers but not %s\'s', (own, other) => {
    const routes = Object.values(bridgeRoutes(own));
    const as = { protocol: 'mqtt' as const, thingName: `${own}_SN-0001` };
    for (const r of routes.filter((x) => x.source === 'IotCore')) {
      expect([r.topic, iotDecision(policyOf(own), { ...as, action: 'iot:Subscribe', resource: iot(`topicfilter/${r.topic}`) })]).toEqual([r.topic, 'Allow']);
    }
    const answer = (pilot: string) => iot(`topic/$aws/things/${pilot}_sensor-0001/jobs/notify-next`);
    expect(iotDecision(policyOf(own), { ...as, action: 'iot:Receive', resource: answer(own) })).toBe('Allow');
    expect(iotDecision(policyOf(own), { ...as, action: 'iot:Receive', resource: answer(other) })).toBe('Deny');
    const request = (pilot: string) => iot(`topic/$aws/things/${pilot}_sensor-0001/jobs/get`);
    expect(iotDecision(policyOf(own), { ...as, action: 'iot:Publish', resource: request(own) })).toBe('Allow');
    expect(iotDecision(policyOf(own), { ...as, action: 'iot:Publish', resource: request(other) })).toBe('Deny');
    expect(iotDecision(policyOf(own), { ...as, action: 'iot:Publish', resource: iot(`topic/dt/${own}/${own}_sensor-0001/temperature`) })).toBe('Allow');
    expect(iotDecision(policyOf(own), { ...as, action: 'iot:Publish', resource: iot(`topic/dt/${other}/${other}_sensor-0001/temperature`) })).toBe('Deny');
  });

  test.each(pairs)('%s sensors discover and use only their own pilot\'s things, not %s\'s', (own, other) => {
    const sensorPolicy = pilotPolicy(own, 'SensorPolicy').document;
    const as = { thingName: `${own}_sensor-0001` };
    const discover = (pilot: string) => ({ ...as, action: 'greengrass:Discover', resource: iot(`thing/${pilot}_sensor-0001`), protocol: 'https' as const });
    expect(iotDecision(sensorPolicy, discover(own))).toBe('Allow');
    expect(iotDecision(sensorPolicy, discover(other))).toBe('Deny');
    expect(iotDecision(sensorPolicy, { ...as, action: 'iot:Connect', resource: iot(`client/${own}_SN-0001`), protocol: 'mqtt' })).toBe('Deny');
    expect(JSON.stringify(sensorPolicy)).not.toMatch(/iot:Connection\.Thing\./);
  });

  test('the evaluator follows the documented variable rule: a thing variable resolves over MQTT and never over HTTPS', () => {
    const withVariable = { Statement: [{ Effect: 'Allow', Action: 'iot:GetThingShadow', Resource: iot('thing/${iot:Connection.Thing.ThingName}') }] };
    const call = { action: 'iot:GetThingShadow', resource: iot('thing/acme_SN-0001'), thingName: 'acme_SN-0001' };
    expect(iotDecision(withVariable, { ...call, protocol: 'mqtt' })).toBe('Allow');
    expect(iotDecision(withVariable, { ...call, protocol: 'https' })).toBe('Deny');
  });

  test("the claim certificate may only ask for a certificate and provision, through this platform's templates only", () => {
    const claim = resolve(resources[logicalId(shared, 'AWS::IoT::Policy', 'ProvisioningClaimPolicy')].Properties.PolicyDocument, resources);
    const as = { protocol: 'mqtt' as const, thingName: '' };
    // The fleet provisioning MQTT API (https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html):
    // RegisterThing publishes to provision/json and receives on provision/json/accepted and /rejected.
    const provision = (template: string) => [
      { ...as, action: 'iot:Publish', resource: iot(`topic/$aws/provisioning-templates/${template}/provision/json`) },
      { ...as, action: 'iot:Receive', resource: iot(`topic/$aws/provisioning-templates/${template}/provision/json/accepted`) },
      { ...as, action: 'iot:Subscribe', resource: iot(`topicfilter/$aws/provisioning-templates/${template}/provision/json/rejected`) },
    ];
    const decisions = (template: string) => provision(template).map((r) => iotDecision(claim, r));
    expect(iotDecision(claim, { ...as, action: 'iot:Publish', resource: iot('topic/$aws/certificates/create/json') })).toBe('Allow');
    // Every pilot's template as its stack deploys it.
    for (const pilot of PILOTS) {
      const t = templates.get(`Pilot-${pilot}-Edge`)!;
      const name = t.toJSON().Resources[logicalId(t, 'AWS::IoT::ProvisioningTemplate', 'ProvisioningTemplate')].Properties.TemplateName;
      expect([name, decisions(name)]).toEqual([name, ['Allow', 'Allow', 'Allow']]);
    }
    // The old shared template, another platform's (named `demo-2`, or another name) and a template outside the convention.
    for (const other of ['demo-edge-fleet', 'demo-2_acme', 'other_acme', 'demoacme', 'acme']) expect([other, decisions(other)]).toEqual([other, ['Deny', 'Deny', 'Deny']]);
    expect(iotDecision(claim, { ...as, action: 'iot:Publish', resource: iot('topic/dt/acme/x') })).toBe('Deny');
    expect(iotDecision(claim, { ...as, action: 'iot:Publish', resource: iot('topic/$aws/things/acme_SN-0001/shadow/update') })).toBe('Deny');
  });
});
