/**
 * The IAM roles of a synthesized assembly as AWS would hold them after deployment: every
 * CloudFormation expression in their policies resolved (pseudo parameters, Ref / Fn::GetAtt of
 * roles and clusters, Fn::Join, Fn::ImportValue and Fn::GetStackOutput across stacks), so a policy simulator can evaluate
 * the documents exactly as synthesized.
 */
import { Template } from 'aws-cdk-lib/assertions';

export interface ModelRole {
  readonly stack: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly trust: unknown;
  /** Inline and attached customer policies (AWS-managed ones are named, not expanded). */
  readonly policies: { name: string; policy: unknown }[];
  readonly managedPolicyArns: string[];
}

export interface IamModel {
  readonly roles: readonly ModelRole[];
  /** Resolves any expression as found in `stack`'s template. */
  resolve(stack: string, value: unknown): unknown;
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

export function iamModel(templates: ReadonlyMap<string, Template>, env: { account: string; region: string }): IamModel {
  const json = new Map([...templates].map(([id, t]) => [id, t.toJSON() as { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }> }]));
  const exports = new Map<string, { stack: string; value: unknown }>();

  const roleName = (stack: string, logicalId: string): string => {
    const role = json.get(stack)!.Resources[logicalId];
    const explicit = role.Properties?.RoleName;
    // CloudFormation names an unnamed role <stack>-<logical id>-<suffix>; the suffix does not matter here.
    return explicit !== undefined ? String(resolve(stack, explicit)) : `${stack}-${logicalId}`.slice(0, 64);
  };
  /** IAM puts a role's path between `role` and its name (`role/iiot/demo/jenkins-bindable/<name>`). */
  const roleArn = (stack: string, logicalId: string): string =>
    `arn:aws:iam::${env.account}:role${String(json.get(stack)!.Resources[logicalId].Properties?.Path ?? '/')}${roleName(stack, logicalId)}`;

  function resolve(stack: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => resolve(stack, v));
    if (value === null || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = o[key];
      switch (key) {
        case 'Ref': {
          const name = arg as string;
          if (name === 'AWS::Partition') return 'aws';
          if (name === 'AWS::AccountId') return env.account;
          if (name === 'AWS::Region') return env.region;
          if (name === 'AWS::URLSuffix') return 'amazonaws.com';
          const resource = json.get(stack)!.Resources[name];
          if (resource?.Type === 'AWS::IAM::Role') return roleName(stack, name);
          return `${stack}.${name}`;
        }
        case 'Fn::GetAtt': {
          const [id, attribute] = arg as [string, string];
          const resource = json.get(stack)!.Resources[id];
          if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') return roleArn(stack, id);
          if (resource?.Type === 'AWS::EKS::Cluster' && attribute === 'Arn') return `arn:aws:eks:${env.region}:${env.account}:cluster/${stack}.${id}`;
          return `${stack}.${id}.${attribute}`;
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (resolve(stack, parts) as unknown[]).map(String).join(separator);
        }
        case 'Fn::GetStackOutput': {
          const { StackName, OutputName } = arg as { StackName: string; OutputName: string };
          const output = json.get(StackName)?.Outputs?.[OutputName];
          if (!output) throw new Error(`stack ${StackName} has no output ${OutputName}`);
          return resolve(StackName, output.Value);
        }
        case 'Fn::ImportValue': {
          const name = String(resolve(stack, arg));
          const exported = exports.get(name);
          if (!exported) throw new Error(`no stack exports ${name}`);
          return resolve(exported.stack, exported.value);
        }
      }
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(stack, v)]));
  }

  for (const [stack, template] of json) {
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export) exports.set(String(resolve(stack, output.Export.Name)), { stack, value: output.Value });
    }
  }

  const roles: ModelRole[] = [];
  for (const [stack, template] of json) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const props = resource.Properties ?? {};
      const name = roleName(stack, logicalId);
      const inline = ((props.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []).map((p) => ({ name: p.PolicyName, policy: resolve(stack, p.PolicyDocument) }));
      const attached = Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(`"${logicalId}"`))
        .map(([id, r]) => ({ name: id, policy: resolve(stack, r.Properties!.PolicyDocument) }));
      roles.push({
        stack,
        logicalId,
        name,
        arn: roleArn(stack, logicalId),
        trust: resolve(stack, props.AssumeRolePolicyDocument),
        policies: [...inline, ...attached],
        managedPolicyArns: ((props.ManagedPolicyArns as unknown[] | undefined) ?? []).map((a) => String(resolve(stack, a))),
      });
    }
  }
  return { roles, resolve };
}
