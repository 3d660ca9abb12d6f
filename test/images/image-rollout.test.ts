/**
 * The rollout gate against a fake of Image Builder, ECR and SSM that follows their documented
 * shapes (GetImage state / scanState / outputResources, ListImageScanFindings severities, image
 * tags): a clean image is rolled out and carries the in-use tag alone, a critical finding, an
 * unfinished scan or a failed build keeps the previous image and says why; each outcome is
 * signalled to the first deploy's wait condition.
 */
import { WaitConditionSignal } from '../../lib/functions/cloudformation-reply';
import { imageRollout, ImageFacts, RolloutPorts } from '../../lib/functions/image-rollout';

const AMI_ARN = 'arn:aws:imagebuilder:eu-central-1:111111111111:image/iiot-agent-linux-x64/1.0.5/1';
const CTR_ARN = 'arn:aws:imagebuilder:eu-central-1:111111111111:image/iiot-jenkins-controller/1.0.9/2';
const targets = {
  'iiot-agent-linux-x64': { parameterName: '/iiot/demo/images/agent-linux-x64', kind: 'ami' as const },
  'iiot-jenkins-controller': { parameterName: '/iiot/demo/images/jenkins-controller', kind: 'container' as const },
};
const REPO = '111111111111.dkr.ecr.eu-central-1.amazonaws.com/platform-images-controller';

const PREVIOUS_AMI_ARN = 'arn:aws:imagebuilder:eu-central-1:111111111111:image/iiot-agent-linux-x64/1.0.4/1';
const PREVIOUS_CTR_ARN = 'arn:aws:imagebuilder:eu-central-1:111111111111:image/iiot-jenkins-controller/1.0.8/1';

function fake(images: Record<string, ImageFacts>, critical: Record<string, string[]>) {
  const parameters = new Map<string, string>([['/iiot/demo/images/agent-linux-x64', 'ami-previous'], ['/iiot/demo/images/jenkins-controller', `${REPO}@sha256:previous`]]);
  // The builds tagged in use: the ones the parameters name.
  const inUse = new Set([PREVIOUS_AMI_ARN, PREVIOUS_CTR_ARN]);
  const signals: WaitConditionSignal[] = [];
  const logs: string[] = [];
  const ports: RolloutPorts = {
    inUseBuilds: async (name) => [...inUse].filter((arn) => arn.includes(`:image/${name}/`)),
    setInUse: async (arn, tagged) => void (tagged ? inUse.add(arn) : inUse.delete(arn)),
    signal: async (signal) => void signals.push(signal),
    getImage: async (arn) => images[arn],
    criticalFindings: async (arn) => critical[arn] ?? [],
    digestUri: async (uri) => (uri === `${REPO}:1.0.9-2` ? `${REPO}@sha256:${'a'.repeat(64)}` : undefined),
    putParameter: async (name, value) => void parameters.set(name, value),
    log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields)}`),
  };
  return { gate: imageRollout(targets, 'eu-central-1', ports), parameters, logs, inUse, signals };
}
const event = (arn: string, status = 'AVAILABLE') => ({ 'detail-type': 'EC2 Image Builder Image State Change', resources: [arn], detail: { state: { status } } });
const ami = (scanStatus?: string): ImageFacts => ({ name: 'iiot-agent-linux-x64', status: 'AVAILABLE', scanStatus, amis: [{ region: 'us-east-1', image: 'ami-other' }, { region: 'eu-central-1', image: 'ami-new' }], containerUris: [] });
const ctr: ImageFacts = { name: 'iiot-jenkins-controller', status: 'AVAILABLE', scanStatus: 'COMPLETED', amis: [], containerUris: [`${REPO}:1.0.9-2`] };

test('a clean AMI becomes the fleet parameter (this region\'s AMI), the in-use tag moves to it, the wait condition hears it', async () => {
  const { gate, parameters, inUse, signals } = fake({ [AMI_ARN]: ami('COMPLETED') }, {});
  expect(await gate(event(AMI_ARN))).toEqual({ rolledOut: true, parameter: '/iiot/demo/images/agent-linux-x64', value: 'ami-new' });
  expect(parameters.get('/iiot/demo/images/agent-linux-x64')).toBe('ami-new');
  // The lifecycle policy may now delete the previous AMI build, never the new one; the controller's tag is untouched.
  expect([...inUse].sort()).toEqual([AMI_ARN, PREVIOUS_CTR_ARN].sort());
  expect(signals).toEqual([{ Status: 'SUCCESS', Reason: '/iiot/demo/images/agent-linux-x64 = ami-new', UniqueId: 'iiot-agent-linux-x64', Data: 'ami-new' }]);
});

test('a clean controller image is rolled out by digest, never by tag', async () => {
  const { gate, parameters } = fake({ [CTR_ARN]: ctr }, {});
  await gate(event(CTR_ARN));
  expect(parameters.get('/iiot/demo/images/jenkins-controller')).toBe(`${REPO}@sha256:${'a'.repeat(64)}`);
});

test.each([
  ['a critical finding', { [AMI_ARN]: ami('COMPLETED') }, { [AMI_ARN]: ['CVE-2026-0001'] }, /1 critical finding.*CVE-2026-0001.*keeps the previous image/],
  ['an unfinished scan', { [AMI_ARN]: ami('SCANNING') }, {}, /scan .* is SCANNING.*keeps the previous image/],
  ['a failed scan', { [AMI_ARN]: ami('FAILED') }, {}, /is FAILED/],
  ['no scan at all', { [AMI_ARN]: ami(undefined) }, {}, /is missing/],
  ['a failed build', { [AMI_ARN]: { ...ami(undefined), status: 'FAILED', statusReason: 'Workflow step ExecuteComponents failed: kubectl checksum mismatch' } }, {}, /is FAILED: .*checksum mismatch.*keeps the previous image/],
])('%s keeps the previous image (and its in-use tag), says why, and fails the first deploy\'s wait', async (_, images, critical, why) => {
  const { gate, parameters, logs, inUse, signals } = fake(images, critical);
  const result = await gate(event(AMI_ARN, images[AMI_ARN].status));
  expect(result.rolledOut).toBe(false);
  expect(result.rolledOut === false && result.reason).toMatch(why);
  expect(parameters.get('/iiot/demo/images/agent-linux-x64')).toBe('ami-previous');
  expect(inUse.has(PREVIOUS_AMI_ARN) && !inUse.has(AMI_ARN)).toBe(true);
  expect(logs.join('\n')).toMatch(why);
  expect(signals).toHaveLength(1);
  expect(signals[0]).toMatchObject({ Status: 'FAILURE', UniqueId: 'iiot-agent-linux-x64' });
  expect(signals[0].Reason).toMatch(why);
});

test('a controller build with critical findings keeps the running digest', async () => {
  const { gate, parameters } = fake({ [CTR_ARN]: ctr }, { [CTR_ARN]: ['CVE-2026-1', 'CVE-2026-2'] });
  expect((await gate(event(CTR_ARN))).rolledOut).toBe(false);
  expect(parameters.get('/iiot/demo/images/jenkins-controller')).toBe(`${REPO}@sha256:previous`);
});

test('other images change nothing and signal nothing', async () => {
  const { gate, parameters, inUse, signals } = fake({ [AMI_ARN]: { ...ami('COMPLETED'), name: 'someone-elses-image' } }, {});
  expect((await gate(event(AMI_ARN))).rolledOut).toBe(false);
  expect((await gate(event(AMI_ARN, 'FAILED'))).rolledOut).toBe(false);
  expect(parameters.get('/iiot/demo/images/agent-linux-x64')).toBe('ami-previous');
  expect(inUse.has(AMI_ARN)).toBe(false);
  expect(signals).toEqual([]);
});

test('a parameter write failing midway leaves both builds protected and the parameter unchanged; the event is retried', async () => {
  const { gate, parameters, inUse, signals } = fake({ [AMI_ARN]: ami('COMPLETED') }, {});
  const failing = imageRollout(targets, 'eu-central-1', {
    getImage: async () => ami('COMPLETED'),
    criticalFindings: async () => [],
    digestUri: async () => undefined,
    putParameter: async () => { throw new Error('ThrottlingException: Rate exceeded'); },
    inUseBuilds: async (name) => [...inUse].filter((arn) => arn.includes(`:image/${name}/`)),
    setInUse: async (arn, tagged) => void (tagged ? inUse.add(arn) : inUse.delete(arn)),
    signal: async (s) => void signals.push(s),
    log: () => undefined,
  });
  await expect(failing(event(AMI_ARN))).rejects.toThrow(/Rate exceeded/);
  expect(parameters.get('/iiot/demo/images/agent-linux-x64')).toBe('ami-previous');
  // The lifecycle policy may delete neither: the one the parameter names, nor the one about to be named.
  expect(inUse.has(PREVIOUS_AMI_ARN) && inUse.has(AMI_ARN)).toBe(true);
  expect(signals).toEqual([]);
  // The retry (EventBridge retries a failed invocation) completes the rollout and the tag move.
  await gate(event(AMI_ARN));
  expect(parameters.get('/iiot/demo/images/agent-linux-x64')).toBe('ami-new');
  expect(inUse.has(PREVIOUS_AMI_ARN)).toBe(false);
});
