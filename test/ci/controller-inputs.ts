/**
 * What the synthesized Jenkins controller starts from, read as its start script reads it: the
 * JCasC object (the S3 asset its task names), its task's environment and secrets, and the JCasC
 * variables any stack provides (SSM parameters under the task's path, secrets under its prefix
 * tagged with their variable; lib/constructs/controller-variables.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ControllerVariables } from '../../lib/constructs/controller-variables';

export interface ControllerInputs {
  /** The JCasC document as the controller downloads it. */
  readonly casc: string;
  /** The task's environment: literal values as they are, CloudFormation expressions as JSON. */
  readonly environment: Readonly<Record<string, string>>;
  /** Names of the task's secrets (injected by ECS). */
  readonly taskSecrets: readonly string[];
  /** Variable to value of every parameter under the task's path, across the app's stacks. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Variable to secret name of every tagged secret under the prefix, across the app's stacks. */
  readonly secrets: Readonly<Record<string, string>>;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function controllerInputs(outdir: string, templates: ReadonlyMap<string, Template>): ControllerInputs {
  const container = Object.values(templates.get('Platform-Ci')!.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
  const environment: Record<string, string> = Object.fromEntries(container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, text(e.Value)]));
  const key = /\/([0-9a-f]{64}\.yaml)$/.exec(environment.CASC_OBJECT)?.[1];
  if (!key) throw new Error(`CASC_OBJECT is not an asset object URL: ${environment.CASC_OBJECT}`);
  const all = (type: string) => [...templates.values()].flatMap((t) => Object.values(t.findResources(type))) as { Properties: any }[];
  const prefix = `${environment.CASC_PARAMETER_PATH}/`;
  const parameters = Object.fromEntries(
    all('AWS::SSM::Parameter').filter((p) => String(p.Properties.Name).startsWith(prefix)).map((p) => [String(p.Properties.Name).slice(prefix.length), text(p.Properties.Value)]),
  );
  const secrets = Object.fromEntries(
    all('AWS::SecretsManager::Secret').flatMap((s) => {
      const tag = (s.Properties.Tags ?? []).find((t: { Key: string }) => t.Key === ControllerVariables.secretTag);
      return tag && String(s.Properties.Name).startsWith(environment.CASC_SECRET_PREFIX) ? [[tag.Value, s.Properties.Name]] : [];
    }),
  );
  return {
    casc: fs.readFileSync(path.join(outdir, `asset.${key}`), 'utf8'),
    environment,
    taskSecrets: container.Secrets.map((s: { Name: string }) => s.Name),
    parameters,
    secrets,
  };
}

/** Every variable JCasC can resolve on the controller: values as they are, secrets as `marker(name)`. */
export function cascVariables(inputs: ControllerInputs, marker: (variable: string) => string): Record<string, string> {
  return {
    ...inputs.environment,
    ...inputs.parameters,
    ...Object.fromEntries([...inputs.taskSecrets, ...Object.keys(inputs.secrets)].map((v) => [v, marker(v)])),
  };
}
