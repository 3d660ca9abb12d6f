import { CancelJobCommand, CreateJobCommand, CreateThingCommand, CreateThingGroupCommand, DescribeJobCommand, IoTClient, ListThingsInThingGroupCommand } from '@aws-sdk/client-iot';
import { CreateDeploymentCommand, GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { awsRollbackRegistry, rollBackCanceledRollouts, rollbackJobId, RollbackDirectory, RollbackRegistry } from '../../lib/functions/rollout-rollback';
import { ACCOUNT, EdgeBed, REGION, startEdgeBed } from './fakes';

// Greengrass deployments on the bed's Greengrass v2 fake, whose deployments are IoT jobs on moto;
// firmware jobs, groups and things on moto. All through the real adapter, except two answers moto
// does not give (it ignores a job's template and cannot move executions to SUCCEEDED, which devices
// do through the IoT jobs data plane): `job()` adds the template ARN a real DescribeJob returns and
// `succeededThings()` answers what the devices reported.
let bed: EdgeBed;
let iot: IoTClient;
let gg: GreengrassV2Client;
beforeAll(async () => {
  bed = await startEdgeBed();
  iot = new IoTClient(bed.clientConfig);
  gg = new GreengrassV2Client(bed.greengrassConfig);
}, 60_000);
beforeEach(() => void jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterAll(() => bed?.stop());

const groupArn = (name: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/${name}`;
const policies = { failureHandlingPolicy: 'ROLLBACK', componentUpdatePolicy: { action: 'NOTIFY_COMPONENTS', timeoutInSeconds: 300 } };
const rollout = {
  jobExecutionsRolloutConfig: { maximumPerMinute: 20 },
  abortConfig: { criteriaList: [{ action: 'CANCEL', failureType: 'FAILED', thresholdPercentage: 5, minNumberOfExecutedThings: 5 }] },
};
async function deploy(target: string, lineMonitor: string): Promise<{ deploymentId: string; iotJobId: string }> {
  const out = await gg.send(
    new CreateDeploymentCommand({
      targetArn: groupArn(target),
      deploymentName: target,
      components: { 'acme.line-monitor': { componentVersion: lineMonitor }, 'aws.greengrass.Nucleus': { componentVersion: '2.15.1', configurationUpdate: { merge: '{"mqtt":{}}' } } },
      deploymentPolicies: policies as never,
      iotJobConfiguration: rollout as never,
    }),
  );
  return { deploymentId: out.deploymentId!, iotJobId: out.iotJobId! };
}
const abort = (jobId: string) => iot.send(new CancelJobCommand({ jobId, comment: 'abort criteria met' }));
const deploymentsOf = (target: string) => bed.greengrass.deployments.filter((d) => d.targetArn === groupArn(target));
const registry = () => awsRollbackRegistry({ iot: bed.clientConfig, greengrass: bed.greengrassConfig });
const directory = (...targets: string[]): RollbackDirectory => ({ deploymentTargets: targets.map(groupArn), firmware: [] });

describe('a cancelled Greengrass rollout rolls the updated devices back', () => {
  test('the target gets the last completed revision again (components, configuration, policies), without abort criteria; once', async () => {
    await deploy('acme_gw-a', '1.3.2');
    const release = await deploy('acme_gw-a', '1.4.0');
    await abort(release.iotJobId);
    const run = rollBackCanceledRollouts(registry(), directory('acme_gw-a'));
    const report = await run();
    expect(report.deployments).toEqual([{ targetArn: groupArn('acme_gw-a'), canceled: release.deploymentId, restored: deploymentsOf('acme_gw-a')[0].deploymentId, created: expect.any(String) }]);
    const rollback = deploymentsOf('acme_gw-a').at(-1)!;
    expect(rollback).toMatchObject({
      isLatestForTarget: true,
      deploymentName: `acme_gw-a (rollback of ${release.deploymentId})`,
      components: { 'acme.line-monitor': { componentVersion: '1.3.2' }, 'aws.greengrass.Nucleus': { componentVersion: '2.15.1', configurationUpdate: { merge: '{"mqtt":{}}' } } },
      deploymentPolicies: policies,
      iotJobConfiguration: { jobExecutionsRolloutConfig: { maximumPerMinute: 20 } },
    });
    expect(rollback.iotJobConfiguration).not.toHaveProperty('abortConfig');
    expect(await run()).toMatchObject({ deployments: [] });
    expect(deploymentsOf('acme_gw-a')).toHaveLength(3);
  });

  test('a rollout that was not cancelled, and a target of another pilot (not in the directory), are left alone', async () => {
    await deploy('acme_gw-b', '1.3.2');
    await deploy('acme_gw-b', '1.4.0');
    await deploy('bravo_gw', '0.9.0');
    const other = await deploy('bravo_gw', '0.10.0');
    await abort(other.iotJobId);
    expect(await rollBackCanceledRollouts(registry(), directory('acme_gw-b'))()).toMatchObject({ deployments: [] });
    expect(deploymentsOf('acme_gw-b')).toHaveLength(2);
    expect(deploymentsOf('bravo_gw')).toHaveLength(2);
  });

  test('two cancelled releases in a row go back to the last one that was not cancelled; a cancelled first deployment has nothing to go back to', async () => {
    const good = await deploy('acme_gw-c', '1.3.2');
    await abort((await deploy('acme_gw-c', '1.4.0')).iotJobId);
    await abort((await deploy('acme_gw-c', '1.4.1')).iotJobId);
    await abort((await deploy('acme_gw-d', '1.4.0')).iotJobId);
    const report = await rollBackCanceledRollouts(registry(), directory('acme_gw-c', 'acme_gw-d'))();
    expect(report.deployments.map((d) => d.restored)).toEqual([good.deploymentId]);
    expect(deploymentsOf('acme_gw-c').at(-1)!.components).toMatchObject({ 'acme.line-monitor': { componentVersion: '1.3.2' } });
    expect(report.notes).toEqual([expect.stringMatching(/acme_gw-d: deployment .* was cancelled and no earlier revision completed/)]);
    expect(deploymentsOf('acme_gw-d')).toHaveLength(1);
  });

  test('an operator who cancels the rollback itself is left alone', async () => {
    await deploy('acme_gw-e', '1.3.2');
    await abort((await deploy('acme_gw-e', '1.4.0')).iotJobId);
    const run = rollBackCanceledRollouts(registry(), directory('acme_gw-e'));
    await run();
    await abort(deploymentsOf('acme_gw-e').at(-1)!.iotJobId);
    expect(await run()).toMatchObject({ deployments: [] });
    expect(deploymentsOf('acme_gw-e')).toHaveLength(3);
  });

  test('a failure midway (Greengrass refusing the new revision) fails the run after the other targets; the next run finishes', async () => {
    await deploy('acme_gw-f', '1.3.2');
    await abort((await deploy('acme_gw-f', '1.4.0')).iotJobId);
    await deploy('acme_gw-g', '1.3.2');
    await abort((await deploy('acme_gw-g', '1.4.0')).iotJobId);
    // Three failures: the SDK's standard retry makes three attempts before the call fails.
    bed.greengrass.failNext(/^POST \/greengrass\/v2\/deployments$/, 3);
    const run = rollBackCanceledRollouts(registry(), directory('acme_gw-f', 'acme_gw-g'));
    await expect(run()).rejects.toThrow(/acme_gw-f: InternalServerException/);
    expect(deploymentsOf('acme_gw-g')).toHaveLength(3);
    expect((await run()).deployments.map((d) => d.targetArn)).toEqual([groupArn('acme_gw-f')]);
  });
});

describe('a cancelled firmware job rolls back the devices that succeeded', () => {
  const template = `arn:aws:iot:${REGION}:${ACCOUNT}:jobtemplate/acme-press-gw-v1-fw-0a1b2c3d`;
  const rollbackTemplate = `arn:aws:iot:${REGION}:${ACCOUNT}:jobtemplate/acme-press-gw-v1-rb-4e5f6a7b`;
  const firmware: RollbackDirectory = { deploymentTargets: [], firmware: [{ templateArn: template, rollbackTemplateArn: rollbackTemplate, groupName: 'acme_press-gw-v1' }] };
  const thingArn = (name: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`;
  /** The real adapter on moto, with the two answers moto cannot give (see the top of the file). */
  const withDevices = (templates: Record<string, string>, succeeded: Record<string, string[]>): RollbackRegistry => {
    const real = registry();
    return { ...real, job: async (id) => ({ ...(await real.job(id)), jobTemplateArn: templates[id] }), succeededThings: async (id) => succeeded[id] ?? [] };
  };

  test('the succeeded devices go into a rollback group, and a job from the rollback template targets it; once', async () => {
    for (const t of ['acme_FW-1', 'acme_FW-2', 'acme_FW-3']) await iot.send(new CreateThingCommand({ thingName: t }));
    await iot.send(new CreateJobCommand({ jobId: 'fw-320-wave1', targets: ['acme_FW-1', 'acme_FW-2', 'acme_FW-3'].map(thingArn), document: '{"version":"3.2.0"}' }));
    await iot.send(new CreateJobCommand({ jobId: 'unrelated-job', targets: [thingArn('acme_FW-3')], document: '{}' }));
    await abort('fw-320-wave1');
    await abort('unrelated-job');
    const registry = withDevices({ 'fw-320-wave1': template, 'unrelated-job': 'arn:aws:iot:eu-central-1:111111111111:jobtemplate/other' }, { 'fw-320-wave1': [thingArn('acme_FW-1'), thingArn('acme_FW-2')], 'unrelated-job': [thingArn('acme_FW-3')] });
    const run = rollBackCanceledRollouts(registry, firmware);
    const report = await run();
    expect(report.firmware).toEqual([{ jobId: 'fw-320-wave1', rollbackJob: 'fw-320-wave1-rollback', things: 2 }]);
    const members = await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'acme_press-gw-v1:rollback-fw-320-wave1' }));
    expect(members.things?.sort()).toEqual(['acme_FW-1', 'acme_FW-2']);
    const job = await iot.send(new DescribeJobCommand({ jobId: 'fw-320-wave1-rollback' }));
    expect(job.job?.targets).toEqual([groupArn('acme_press-gw-v1:rollback-fw-320-wave1')]);
    expect(await run()).toMatchObject({ firmware: [], groupsDeleted: [] });
    await expect(iot.send(new DescribeJobCommand({ jobId: 'unrelated-job-rollback' }))).rejects.toThrow();
    // Once the rollback job has ended its group goes (a thing can be in at most 10 groups); the rollback is not made again.
    await abort('fw-320-wave1-rollback');
    expect(await run()).toMatchObject({ firmware: [], groupsDeleted: ['acme_press-gw-v1:rollback-fw-320-wave1'] });
    await expect(iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'acme_press-gw-v1:rollback-fw-320-wave1' }))).rejects.toThrow();
    expect(await run()).toMatchObject({ firmware: [], groupsDeleted: [] });
  });

  test('a job cancelled more than 14 days ago is not looked at again', async () => {
    await iot.send(new CreateJobCommand({ jobId: 'fw-319-wave1', targets: [thingArn('acme_FW-1')], document: '{}' }));
    await abort('fw-319-wave1');
    const later = () => new Date(Date.now() + 15 * 24 * 3600 * 1000);
    const report = await rollBackCanceledRollouts(withDevices({ 'fw-319-wave1': template }, { 'fw-319-wave1': [thingArn('acme_FW-1')] }), firmware, later)();
    expect(report.firmware).toEqual([]);
    expect((await rollBackCanceledRollouts(withDevices({ 'fw-319-wave1': template }, { 'fw-319-wave1': [thingArn('acme_FW-1')] }), firmware)()).firmware).toEqual([
      { jobId: 'fw-319-wave1', rollbackJob: 'fw-319-wave1-rollback', things: 1 },
    ]);
  });

  test('a cancelled job where no device had succeeded needs no rollback job', async () => {
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'acme_press-gw-v1' })).catch(() => undefined);
    await iot.send(new CreateJobCommand({ jobId: 'fw-321-wave1', targets: [groupArn('acme_press-gw-v1')], document: '{}' }));
    await abort('fw-321-wave1');
    expect(await rollBackCanceledRollouts(withDevices({ 'fw-321-wave1': template }, {}), firmware)()).toMatchObject({ firmware: [] });
    await expect(iot.send(new DescribeJobCommand({ jobId: 'fw-321-wave1-rollback' }))).rejects.toThrow();
  });

  test('rollback job ids stay within IoT\'s 64 characters and differ for long ids that share a prefix', () => {
    const a = rollbackJobId(`${'x'.repeat(50)}-wave-1`);
    const b = rollbackJobId(`${'x'.repeat(50)}-wave-2`);
    expect([a.length <= 64, b.length <= 64, a !== b]).toEqual([true, true, true]);
    expect(rollbackJobId('fw-1')).toBe('fw-1-rollback');
  });
});
