/**
 * What a deploy rehearsal against moto can do with the synthesized app: which stacks it deploys
 * (in dependency order) and which it must skip, how each template is cut down to what moto can
 * run, and which deployed resources to look for afterwards.
 */
import { AssemblyStack, CfnResource, CfnTemplate } from './assembly-stacks';

/** Types that only work against a live EKS control plane (kubectl / Helm custom resources, the cluster itself). */
const NEEDS_EKS = [/^AWS::EKS::Cluster$/, /^Custom::AWSCDK-EKS-/];

/** Services moto's CloudFormation cannot create resources of, with what to call them in the report. */
const MOTO_CANNOT_SERVE: readonly { readonly type: RegExp; readonly service: string }[] = [
  // Its answers are not even AWS errors.
  { type: /^AWS::(GreengrassV2|IoT)::/, service: 'IoT Core or Greengrass' },
  // Platform-Images failed to create on moto 5 (no Image Builder in its CloudFormation).
  { type: /^AWS::ImageBuilder::/, service: 'EC2 Image Builder' },
];

/** Lambda-backed custom resources: moto runs their handlers in Docker, and without it they never answer. */
const CUSTOM_RESOURCE = /^(Custom::|AWS::CloudFormation::CustomResource$)/;

export interface RehearsalPlan {
  /** Stack ids to deploy, dependencies first. */
  readonly deploy: readonly string[];
  /** Stacks moto cannot create: what they would create for others (outputs, SSM parameters) is stubbed instead. */
  readonly stubbed: readonly { readonly stack: string; readonly reason: string }[];
}

/**
 * Deploys every stack that neither holds an EKS control plane nor uses a service moto does not
 * serve. A stack that depends on such a stack is still deployed: the outputs and SSM parameters it
 * would read are stubbed (see `stubbedOutputs`, `stubbedParameters`).
 */
export function rehearsalPlan(stacks: readonly AssemblyStack[]): RehearsalPlan {
  const reasons = new Map<string, string>();
  for (const stack of stacks) {
    const types = Object.values(stack.template.Resources ?? {}).map((r) => r.Type);
    if (types.some((t) => NEEDS_EKS.some((p) => p.test(t)))) reasons.set(stack.id, 'needs a live EKS control plane');
    else {
      const unserved = MOTO_CANNOT_SERVE.find((m) => types.some((t) => m.type.test(t)));
      if (unserved) reasons.set(stack.id, `uses ${unserved.service}, which moto does not serve`);
    }
  }
  return {
    deploy: stacks.filter((s) => !reasons.has(s.id)).map((s) => s.id),
    stubbed: [...reasons].map(([stack, reason]) => ({ stack, reason })),
  };
}

/** One `Fn::GetStackOutput` replaced by a value before deploy (moto does not resolve it). */
export interface ResolvedOutput {
  readonly stack: string;
  readonly output: string;
  readonly value: string;
  /** True when the producer was not deployed and the value is a stand-in. */
  readonly stub: boolean;
}

/**
 * The template with every `Fn::GetStackOutput` replaced by its value: `deployedOutput` answers for
 * stacks the rehearsal deployed; the others get `stubbedOutputs`' stand-ins.
 */
export function resolveStackOutputs(
  template: CfnTemplate,
  deployedOutput: (stack: string, output: string) => string | undefined,
  stubs: ReadonlyMap<string, Readonly<Record<string, string>>>,
): { template: CfnTemplate; resolved: ResolvedOutput[] } {
  const resolved = new Map<string, ResolvedOutput>();
  const replace = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(replace);
    if (!value || typeof value !== 'object') return value;
    const ref = (value as Record<string, any>)['Fn::GetStackOutput'];
    if (ref && typeof ref.StackName === 'string' && typeof ref.OutputName === 'string') {
      const deployed = deployedOutput(ref.StackName, ref.OutputName);
      const stub = stubs.get(ref.StackName)?.[ref.OutputName];
      const found = deployed ?? stub;
      if (found === undefined) throw new Error(`${ref.StackName} has no output ${ref.OutputName}, neither deployed nor stubbed`);
      resolved.set(`${ref.StackName}/${ref.OutputName}`, { stack: ref.StackName, output: ref.OutputName, value: found, stub: deployed === undefined });
      return found;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
  };
  return { template: replace(template) as CfnTemplate, resolved: [...resolved.values()] };
}

/**
 * Stand-ins for a stack the rehearsal cannot deploy, one per output: names and ARNs in the shape
 * the output's resource would give (`Ref` is a name or id, `Arn` an ARN of the right service), so
 * that what reads them (policies, environment variables) is created as it would be.
 */
export function stubbedOutputs(stack: AssemblyStack, account: string): Record<string, string> {
  const resources = stack.template.Resources ?? {};
  return Object.fromEntries(
    Object.entries(stack.template.Outputs ?? {}).map(([name, { Value }]) => {
      const v = Value as Record<string, any>;
      const [logicalId, attribute] = typeof v?.Ref === 'string' ? [v.Ref, 'Ref'] : Array.isArray(v?.['Fn::GetAtt']) ? [String(v['Fn::GetAtt'][0]), String(v['Fn::GetAtt'][1])] : [name, 'Value'];
      return [name, stubValue(resources[logicalId]?.Type, `rehearsal-stub-${logicalId}`, attribute, stack.region, account) as string];
    }),
  );
}

/** A name, or for an `...Arn` attribute an ARN of the type's service; region and account may be intrinsics. */
function stubValue(type: string | undefined, name: string, attribute: string, region: unknown, account: unknown): unknown {
  name = name.slice(0, 63);
  if (!attribute.endsWith('Arn')) return name;
  const service = (type ?? 'AWS::CloudFormation::Stack').split('::')[1].toLowerCase();
  const kind = (type ?? '').split('::')[2]?.toLowerCase() ?? 'resource';
  // IAM ARNs carry no region; the others do.
  const parts = service === 'iam' ? ['arn:aws:iam::', account, `:${kind}/${name}`] : [`arn:aws:${service}:`, region, ':', account, `:${kind}/${name}`];
  return parts.every((p) => typeof p === 'string') ? parts.join('') : { 'Fn::Join': ['', parts] };
}

/** SSM parameters a stubbed stack would create with a fixed name and value (others read them at deploy). */
export function stubbedParameters(stack: AssemblyStack): { readonly name: string; readonly value: string }[] {
  return Object.values(stack.template.Resources ?? {}).flatMap((r) => {
    const { Name, Value } = r.Properties ?? {};
    return r.Type === 'AWS::SSM::Parameter' && typeof Name === 'string' && typeof Value === 'string' ? [{ name: Name, value: Value }] : [];
  });
}

/** A resource the rehearsal removed from a template or changed in it for moto, and why. */
export interface MotoChange {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/**
 * The template without custom resources and whatever refers to them (resources and outputs),
 * and with what moto cannot take rewritten (see the tables above), so moto can create the rest.
 * Every removal and rewrite is returned to be reported, not hidden.
 */
export function motoTemplate(template: CfnTemplate, served?: ReadonlySet<string>): { template: CfnTemplate; removed: MotoChange[] } {
  const resources = { ...(template.Resources ?? {}) };
  const removed: MotoChange[] = [];
  let pending = Object.entries(resources).filter(([, r]) => CUSTOM_RESOURCE.test(r.Type)).map(([id]) => ({ id, reason: 'custom resource (moto needs Docker to run its Lambda)' }));
  while (pending.length > 0) {
    for (const { id, reason } of pending) {
      removed.push({ logicalId: id, type: resources[id].Type, reason });
      delete resources[id];
    }
    const gone = new Set(removed.map((r) => r.logicalId));
    pending = Object.entries(resources)
      .filter(([, r]) => [...referencedIds(r)].some((ref) => gone.has(ref)))
      .map(([id, r]) => ({ id, reason: `refers to removed ${[...referencedIds(r)].find((ref) => gone.has(ref))}` }));
  }
  const gone = new Set(removed.map((r) => r.logicalId));
  const outputs = Object.fromEntries(Object.entries(template.Outputs ?? {}).filter(([, o]) => ![...referencedIds(o)].some((ref) => gone.has(ref))));
  for (const [id, r] of Object.entries(resources)) {
    for (const [property, value] of Object.entries(MOTO_NEEDS_DEFAULTS[r.Type] ?? {})) {
      if (r.Properties?.[property] !== undefined) continue;
      resources[id] = { ...r, Properties: { ...r.Properties, [property]: value } };
      removed.push({ logicalId: id, type: r.Type, reason: `property ${property} set to AWS's default ${JSON.stringify(value)}: moto has no default` });
    }
  }
  for (const [id, r] of Object.entries(resources)) {
    for (const [property, reason] of Object.entries(MOTO_REFUSED_PROPERTIES[r.Type] ?? {})) {
      if (r.Properties?.[property] === undefined) continue;
      const { [property]: _dropped, ...rest } = r.Properties;
      resources[id] = { ...r, Properties: rest };
      removed.push({ logicalId: id, type: r.Type, reason: `property ${property} dropped: ${reason}` });
    }
  }
  for (const [logicalId, attribute, how] of rewriteAttributes(resources, outputs, served)) {
    removed.push({ logicalId, type: resources[logicalId].Type, reason: `moto cannot resolve its ${attribute}: ${how}` });
  }
  // moto honours only `Retain`; after a successful create, `RetainExceptOnCreate` means the same.
  for (const [id, r] of Object.entries(resources)) if (r.DeletionPolicy === 'RetainExceptOnCreate') resources[id] = { ...r, DeletionPolicy: 'Retain' };
  return { template: { ...template, Resources: resources, Outputs: outputs }, removed };
}

/** Types whose `Ref` is an ARN (CloudFormation resource reference, "Return values"). */
const REF_IS_ARN = new Set(['AWS::SecretsManager::Secret']);

/** Optional properties moto requires, with the default AWS applies (CloudFormation resource reference). */
const MOTO_NEEDS_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'AWS::SSM::Document': { DocumentFormat: 'JSON' },
};

/** Valid properties moto refuses, with why; the rehearsal drops them (settings are checked by the gates, not here). */
const MOTO_REFUSED_PROPERTIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'AWS::EFS::FileSystem': { FileSystemPolicy: 'moto validates it as an identity policy and wants a Resource, which EFS file system policies may omit' },
};

/**
 * Attributes moto's CloudFormation cannot resolve (its model of the type has no such attribute),
 * with the value built from the resource's `Ref` in the format the AWS documentation gives.
 */
const MOTO_MISSING_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, (ref: unknown) => unknown>>>> = {
  // ARN format: Amazon EFS User Guide, "Resource types defined by Amazon Elastic File System".
  'AWS::EFS::FileSystem': { Arn: (ref) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticfilesystem:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':file-system/', ref]] }) },
};

/**
 * Replaces, in place, the attributes moto cannot resolve: those missing from its model of a type,
 * and every attribute of a type it has no model of (`served` lists the types it has).
 * Returns (logical id, attribute, what was done) for each.
 */
function rewriteAttributes(resources: Record<string, CfnResource>, outputs: Record<string, unknown>, served?: ReadonlySet<string>): [string, string, string][] {
  const rewritten = new Map<string, [string, string, string]>();
  const replace = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(replace);
    if (!value || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const att = typeof obj.Ref === 'string' && resources[obj.Ref] ? [obj.Ref, 'Ref'] : obj['Fn::GetAtt'];
    if (Array.isArray(att)) {
      const [id, attribute] = att.map(String);
      const type = resources[id]?.Type;
      const build = MOTO_MISSING_ATTRIBUTES[type]?.[attribute];
      if (build) {
        rewritten.set(`${id}.${attribute}`, [id, attribute, 'read as the documented format instead']);
        return build({ Ref: id });
      }
      if (type !== undefined && served !== undefined && !served.has(type) && !CUSTOM_RESOURCE.test(type)) {
        rewritten.set(`${id}.${attribute}`, [id, attribute, 'moto has no model of the type (not created), a stand-in is read']);
        const name = `rehearsal-stub-${id}-${attribute}`;
        return attribute.endsWith('Arn') || (attribute === 'Ref' && REF_IS_ARN.has(type)) ? stubValue(type, name, 'Arn', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }) : name;
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
  };
  for (const [id, r] of Object.entries(resources)) resources[id] = replace(r) as CfnResource;
  for (const [id, o] of Object.entries(outputs)) outputs[id] = replace(o);
  return [...rewritten.values()];
}

/** Resources a stack's deletion leaves in place (`Retain`, or `RetainExceptOnCreate` once created). */
export function retainedResources(stack: string, template: CfnTemplate): { readonly stack: string; readonly logicalId: string }[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate')
    .map(([logicalId]) => ({ stack, logicalId }));
}

/** Names of the SSM parameters CloudFormation reads for the template's parameters (CDK's `valueForStringParameter`). */
export function readParameters(template: CfnTemplate): string[] {
  return Object.values(template.Parameters ?? {})
    .filter((p) => p.Type.startsWith('AWS::SSM::Parameter::Value<') && typeof p.Default === 'string')
    .map((p) => p.Default as string);
}

/** Logical ids a resource or output points at (Ref, Fn::GetAtt, DependsOn). */
function referencedIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, found);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') found.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v)) found.add(String(v[0]));
      else if (key === 'DependsOn') for (const d of [v].flat()) found.add(String(d));
      else referencedIds(v, found);
    }
  }
  return found;
}

/** The resource types the rehearsal checks in the deployed account, with the service call that lists them. */
export const KEY_TYPES = ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::ECR::Repository', 'AWS::S3::Bucket', 'AWS::IAM::Role'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** One key resource the rehearsal expects to find. */
export interface ExpectedResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: KeyType;
  /** The physical name the template sets, when it is a plain string (e.g. an ECR repository name). */
  readonly name?: string;
}

/** Every key resource of the deployed templates. */
export function expectedResources(stack: string, template: CfnTemplate): ExpectedResource[] {
  return Object.entries(template.Resources ?? {}).flatMap(([logicalId, r]) =>
    (KEY_TYPES as readonly string[]).includes(r.Type) ? [{ stack, logicalId, type: r.Type as KeyType, name: literalName(r) }] : [],
  );
}

function literalName(r: CfnResource): string | undefined {
  const name = r.Properties?.RepositoryName ?? r.Properties?.BucketName ?? r.Properties?.RoleName;
  return typeof name === 'string' ? name : undefined;
}
