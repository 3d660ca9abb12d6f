/**
 * What a synthesized app uses of the AWS limits that grow with the platform: per template the body
 * size, resources, outputs and parameters (CloudFormation quotas), every literal physical name
 * against its service's length limit, each Lambda function's environment (4 KB), each ECS task
 * definition (64 KiB), each IoT policy document (2,048 characters), each IAM role's policies
 * (IAM_LIMITS) and each manifest's largest Kubernetes object; across the app, the account's IoT
 * fleet provisioning templates.
 * Sources: CloudFormation quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
 * Lambda quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), ECS
 * service quotas ("task definition size", 64 KiB), AWS IoT Core quotas ("policy document size",
 * 2,048 characters without white space), and each resource type's name constraints in the
 * CloudFormation resource reference. Kubernetes objects against the platform's own manifest budget
 * (lib/stacks/charts-stack.ts): one object larger than it cannot be applied by one custom resource.
 */
import { MANIFEST_BUDGET_BYTES } from '../../../lib/stacks/charts-stack';
import { AssemblyStack, CfnResource } from './assembly-stacks';

/** CloudFormation's per-template quotas (1 MB taken as 10^6 bytes, the stricter reading). */
export const TEMPLATE_LIMITS = { bodyBytes: 1_000_000, resources: 500, outputs: 200, parameters: 200 } as const;

/** Length limits of physical names, per resource type and name property. */
export const NAME_LIMITS: Readonly<Record<string, { readonly property: string; readonly max: number }>> = {
  'AWS::ECR::Repository': { property: 'RepositoryName', max: 256 },
  'AWS::S3::Bucket': { property: 'BucketName', max: 63 },
  'AWS::IAM::Role': { property: 'RoleName', max: 64 },
  'AWS::IAM::ManagedPolicy': { property: 'ManagedPolicyName', max: 128 },
  'AWS::SecretsManager::Secret': { property: 'Name', max: 512 },
  'AWS::Lambda::Function': { property: 'FunctionName', max: 64 },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', max: 512 },
  'AWS::DynamoDB::Table': { property: 'TableName', max: 255 },
  'AWS::SSM::Parameter': { property: 'Name', max: 2048 },
  'AWS::KMS::Alias': { property: 'AliasName', max: 256 },
  'AWS::IoT::ThingGroup': { property: 'ThingGroupName', max: 128 },
  'AWS::IoT::Policy': { property: 'PolicyName', max: 128 },
  'AWS::IoT::RoleAlias': { property: 'RoleAlias', max: 128 },
  'AWS::IoT::ProvisioningTemplate': { property: 'TemplateName', max: 36 },
  'AWS::IoT::JobTemplate': { property: 'JobTemplateId', max: 64 },
  'AWS::GreengrassV2::Deployment': { property: 'DeploymentName', max: 256 },
  'AWS::CloudWatch::Dashboard': { property: 'DashboardName', max: 255 },
};
/** Stack names: 128 characters. */
export const STACK_NAME_MAX = 128;
export const LAMBDA_ENVIRONMENT_BYTES = 4096;
export const TASK_DEFINITION_BYTES = 64 * 1024;
export const IOT_POLICY_CHARACTERS = 2048;

/**
 * IAM's quotas on a role's policies, in characters without white space (IAM does not count it).
 * Source: IAM and AWS STS quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * ("Role policy size cannot exceed 10,240 characters" for the aggregate of a role's inline
 * policies; "Managed policy size" 6,144; "Role trust policy length" 2,048, raisable to 4,096;
 * "Managed policies attached to an IAM role" 10, raisable to 20). The defaults count: a new
 * account has them.
 */
export const IAM_LIMITS = { inlineCharacters: 10_240, managedPolicyCharacters: 6_144, trustPolicyCharacters: 2_048, managedPoliciesPerRole: 10 } as const;

/**
 * Account-wide, per region: AWS IoT Core's "Maximum number of fleet provisioning templates per
 * customer" (Service Quotas service `iotcore`, code L-345B62A1), 256 by default and adjustable.
 * Source: AWS General Reference, AWS IoT Core endpoints and quotas, fleet provisioning
 * (https://docs.aws.amazon.com/general/latest/gr/iot-core.html). Each edge pilot has one.
 */
export const IOT_PROVISIONING_TEMPLATES = { max: 256, quotaCode: 'L-345B62A1' } as const;
/** The `stack` of a use that counts across every stack of the app (one account and region). */
export const ACCOUNT_WIDE = 'Account';

/** How long a deploy-time value can get, where a template holds a reference instead of a string. */
const TOKEN_LENGTH: Readonly<Record<string, number>> = { 'AWS::AccountId': 12, 'AWS::Region': 14, 'AWS::Partition': 10, 'AWS::URLSuffix': 16 };
/** Anything else a reference stands for (an ARN, an id) is counted as this long. */
const OTHER_TOKEN_LENGTH = 128;

/** One measured quantity against its limit. */
export interface LimitUse {
  readonly stack: string;
  /** What is measured, e.g. `template body`, `name AWS::S3::Bucket BlobsDev`. */
  readonly what: string;
  readonly value: number;
  readonly limit: number;
}

export const ratio = (u: LimitUse) => u.value / u.limit;

/**
 * Share of a limit the platform allows itself: 60% of the template and IAM quotas (room to grow: a
 * role's policies grow with every grant a change adds), all of the rest.
 */
export const allowedShare = (u: LimitUse) => (TEMPLATE_QUOTA_USES.includes(u.what) || u.what.startsWith('IAM ') ? 0.6 : 1);
const TEMPLATE_QUOTA_USES = ['template body', 'resources', 'outputs', 'parameters'];

/** Every limit use of the app's stacks. */
export function limitUses(stacks: readonly AssemblyStack[], templateBytes: (stack: string) => number): LimitUse[] {
  const templates = stacks.flatMap((s) => Object.values(s.template.Resources ?? {})).filter((r) => r.Type === 'AWS::IoT::ProvisioningTemplate').length;
  const accountWide: LimitUse[] = [{ stack: ACCOUNT_WIDE, what: 'IoT fleet provisioning templates', value: templates, limit: IOT_PROVISIONING_TEMPLATES.max }];
  return [...accountWide, ...stacks.flatMap((s) => {
    const t = s.template as AssemblyStack['template'] & { Parameters?: object };
    const resources = Object.entries(t.Resources ?? {});
    const uses: LimitUse[] = [
      { stack: s.id, what: 'template body', value: templateBytes(s.id), limit: TEMPLATE_LIMITS.bodyBytes },
      { stack: s.id, what: 'resources', value: resources.length, limit: TEMPLATE_LIMITS.resources },
      { stack: s.id, what: 'outputs', value: Object.keys(t.Outputs ?? {}).length, limit: TEMPLATE_LIMITS.outputs },
      { stack: s.id, what: 'parameters', value: Object.keys(t.Parameters ?? {}).length, limit: TEMPLATE_LIMITS.parameters },
      { stack: s.id, what: 'stack name', value: s.id.length, limit: STACK_NAME_MAX },
    ];
    for (const [id, r] of resources) uses.push(...resourceUses(s.id, id, r));
    uses.push(...iamUses(s.id, resources));
    return uses;
  })];
}

/**
 * Per role: its inline policies' aggregate (its `Policies` and every `AWS::IAM::Policy` attached to
 * it), its trust policy and how many managed policies it has; per managed policy its size. A policy
 * attached to a role of another stack would make that role's aggregate unmeasurable here: an error.
 */
function iamUses(stack: string, resources: readonly (readonly [string, CfnResource])[]): LimitUse[] {
  const roles = new Map(resources.filter(([, r]) => r.Type === 'AWS::IAM::Role'));
  const inline = new Map<string, number>([...roles].map(([id, r]) => [id, ((r.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).reduce((n, p) => n + policyCharacters(p.PolicyDocument), 0)]));
  const managed = new Map<string, number>([...roles].map(([id, r]) => [id, ((r.Properties?.ManagedPolicyArns ?? []) as unknown[]).length]));
  const uses: LimitUse[] = [];
  for (const [id, r] of resources.filter(([, x]) => x.Type === 'AWS::IAM::Policy' || x.Type === 'AWS::IAM::ManagedPolicy')) {
    const size = policyCharacters(r.Properties!.PolicyDocument);
    const attached = ((r.Properties!.Roles ?? []) as unknown[]).map((role) => {
      const ref = (role as { Ref?: string }).Ref;
      if (!ref || !roles.has(ref)) throw new Error(`${stack}: ${id} attaches to ${JSON.stringify(role)}, not a role of its stack, so that role's policy size is not measured`);
      return ref;
    });
    const counts = r.Type === 'AWS::IAM::Policy' ? inline : managed;
    for (const role of attached) counts.set(role, counts.get(role)! + (r.Type === 'AWS::IAM::Policy' ? size : 1));
    if (r.Type === 'AWS::IAM::ManagedPolicy') uses.push({ stack, what: `IAM managed policy ${id}`, value: size, limit: IAM_LIMITS.managedPolicyCharacters });
  }
  for (const [id, r] of roles) {
    uses.push(
      { stack, what: `IAM inline policies ${id}`, value: inline.get(id)!, limit: IAM_LIMITS.inlineCharacters },
      { stack, what: `IAM managed policies of ${id}`, value: managed.get(id)!, limit: IAM_LIMITS.managedPoliciesPerRole },
      { stack, what: `IAM trust policy ${id}`, value: policyCharacters(r.Properties!.AssumeRolePolicyDocument), limit: IAM_LIMITS.trustPolicyCharacters },
    );
  }
  return uses;
}

/** A policy document's characters as IAM and IoT count them: without white space, references at their longest. */
const policyCharacters = (doc: unknown) => JSON.stringify(withTokensMeasured(doc)).replace(/\s/g, '').length;

function resourceUses(stack: string, id: string, r: CfnResource): LimitUse[] {
  const p = (r.Properties ?? {}) as Record<string, unknown>;
  const uses: LimitUse[] = [];
  const name = NAME_LIMITS[r.Type];
  if (name && p[name.property] !== undefined) uses.push({ stack, what: `name ${r.Type} ${id}`, value: valueLength(p[name.property]), limit: name.max });
  if (r.Type === 'AWS::Lambda::Function') {
    const vars = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    const bytes = Object.entries(vars).reduce((n, [k, v]) => n + k.length + valueLength(v), 0);
    uses.push({ stack, what: `Lambda environment ${id}`, value: bytes, limit: LAMBDA_ENVIRONMENT_BYTES });
  }
  if (r.Type === 'AWS::ECS::TaskDefinition') {
    uses.push({ stack, what: `task definition ${id}`, value: valueLength(JSON.stringify(withTokensMeasured(p))), limit: TASK_DEFINITION_BYTES });
  }
  if (r.Type === 'Custom::AWSCDK-EKS-KubernetesResource' && typeof p.Manifest === 'string') {
    const largest = Math.max(...(JSON.parse(p.Manifest) as unknown[]).map((o) => JSON.stringify(o).length));
    uses.push({ stack, what: 'largest Kubernetes object', value: largest, limit: MANIFEST_BUDGET_BYTES });
  }
  if (r.Type === 'AWS::IoT::Policy') {
    uses.push({ stack, what: `IoT policy ${id}`, value: policyCharacters(p.PolicyDocument), limit: IOT_POLICY_CHARACTERS });
  }
  return uses;
}

/** The longest a value can be once deployed: strings as they are, references at their longest. */
export function valueLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return String(value).length;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Ref' in o) return TOKEN_LENGTH[String(o.Ref)] ?? OTHER_TOKEN_LENGTH;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.reduce<number>((n, part) => n + valueLength(part), 0) + sep.length * Math.max(parts.length - 1, 0);
    }
    if ('Fn::Sub' in o) {
      const template = String([o['Fn::Sub']].flat()[0]);
      return template.replace(/\$\{([^}]+)\}/g, (_, ref) => 'x'.repeat(TOKEN_LENGTH[ref] ?? OTHER_TOKEN_LENGTH)).length;
    }
  }
  return OTHER_TOKEN_LENGTH;
}

/** A document with every reference replaced by a string as long as the value it stands for can be. */
function withTokensMeasured(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withTokensMeasured);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return 'x'.repeat(valueLength(value));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTokensMeasured(v)]));
  }
  return value;
}
