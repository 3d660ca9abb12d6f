/**
 * The image functions' synthesized roles evaluated with @cloud-copilot/iam-simulate
 * (test/edge/synthesized-policies.ts): the trigger may start exactly the platform's pipelines; the
 * gate may read and (un)tag builds of the platform's images only, never another image.
 */
import { demoAssembly } from '../demo-assembly';
import { ACCOUNT, decide, REGION } from '../edge/synthesized-policies';

const images = demoAssembly().templates.get('Platform-Images')!;
const resources = images.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const roleOf = (envKey: string | undefined, module: string) => {
  const fn = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && (envKey ? envKey in (r.Properties.Environment?.Variables ?? {}) : /Starts a golden image pipeline/.test(r.Properties.Description)));
  if (!fn) throw new Error(`no ${module} function`);
  return fn.Properties.Role['Fn::GetAtt'][0] as string;
};
const trigger = roleOf(undefined, 'trigger');
const gate = roleOf('TARGETS', 'gate');
const NAMES = ['iiot-agent-linux-x64', 'iiot-agent-linux-arm64', 'iiot-agent-cd', 'iiot-jenkins-controller'];
const ib = (resource: string) => `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:${resource}`;

test('the trigger starts the platform\'s pipelines and no other', async () => {
  for (const name of NAMES) expect(await decide(images, trigger, { action: 'imagebuilder:StartImagePipelineExecution', resource: ib(`image-pipeline/${name}`) })).toBe('Allowed');
  expect(await decide(images, trigger, { action: 'imagebuilder:StartImagePipelineExecution', resource: ib('image-pipeline/someone-elses') })).toBe('ImplicitlyDenied');
  expect(await decide(images, trigger, { action: 'imagebuilder:DeleteImagePipeline', resource: ib('image-pipeline/iiot-agent-cd') })).toBe('ImplicitlyDenied');
});

test('the gate reads and moves the in-use tag on the platform\'s image builds only', async () => {
  for (const name of NAMES) {
    for (const action of ['imagebuilder:GetImage', 'imagebuilder:TagResource', 'imagebuilder:UntagResource']) {
      expect(await decide(images, gate, { action, resource: ib(`image/${name}/1.0.0/3`) })).toBe('Allowed');
    }
    // Its resource type is allImageBuildVersions, image/<name>/<version>/* (Service Authorization Reference).
    expect(await decide(images, gate, { action: 'imagebuilder:ListImageBuildVersions', resource: ib(`image/${name}/1.0.0/*`) })).toBe('Allowed');
  }
  expect(await decide(images, gate, { action: 'imagebuilder:ListImages', resource: '*' })).toBe('Allowed');
  for (const action of ['imagebuilder:TagResource', 'imagebuilder:UntagResource']) {
    expect(await decide(images, gate, { action, resource: ib('image/someone-elses/1.0.0/1') })).toBe('ImplicitlyDenied');
    // Nor the tag of a lifecycle policy, recipe or pipeline.
    expect(await decide(images, gate, { action, resource: ib('lifecycle-policy/iiot-demo-golden-ami') })).toBe('ImplicitlyDenied');
  }
});
