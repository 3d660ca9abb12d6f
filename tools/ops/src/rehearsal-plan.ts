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
  readonly skipped: readonly { readonly stack: string; readonly reason: string }[];
}

/** Deploys every stack that neither holds an EKS control plane nor depends on one that does. */
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
  // The assembly lists stacks dependencies first, so one pass sees every dependency's verdict.
  for (const stack of stacks) {
    const blocked = stack.dependencies.find((d) => reasons.has(d));
    if (!reasons.has(stack.id) && blocked) reasons.set(stack.id, `depends on ${blocked}, which is not rehearsed`);
  }
  return {
    deploy: stacks.filter((s) => !reasons.has(s.id)).map((s) => s.id),
    skipped: [...reasons].map(([stack, reason]) => ({ stack, reason })),
  };
}

/** A resource the rehearsal removed from a template, and why. */
export interface RemovedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/**
 * The template without custom resources and whatever refers to them (resources and outputs),
 * so moto can create the rest. The removals are returned to be reported, not hidden.
 */
export function motoTemplate(template: CfnTemplate): { template: CfnTemplate; removed: RemovedResource[] } {
  const resources = { ...(template.Resources ?? {}) };
  const removed: RemovedResource[] = [];
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
  return { template: { ...template, Resources: resources, Outputs: outputs }, removed };
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
