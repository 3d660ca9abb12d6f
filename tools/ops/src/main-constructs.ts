/** The top-level constructs of a stack that own resources: the boxes of the architecture diagram. */
import { AssemblyStack, CfnResource, constructPath } from './assembly-stacks';

/** A stack's direct construct child (or a group of like-named siblings) with what it holds. */
export interface MainConstruct {
  /** Construct id, or `<Prefix>-*` for a collapsed group of siblings. */
  readonly id: string;
  /** How many sibling constructs the group stands for (1 when not collapsed). */
  readonly members: number;
  /** Resource counts by CloudFormation type. */
  readonly resourceTypes: ReadonlyMap<string, number>;
}

/** Siblings `<Prefix>-<name>` are drawn as one box `<Prefix>-*` when there are more than this many. */
export const COLLAPSE_ABOVE = 3;

/** Types that are bookkeeping, not part of what a construct is. */
const BOOKKEEPING = new Set(['AWS::CDK::Metadata']);

/**
 * Groups the stack's resources by the top-level construct that owns them, in template order.
 * CDK-generated singletons (ids with `:`, e.g. `Custom::VpcRestrictDefaultSGCustomResourceProvider`,
 * SSM parameter look-ups) are left out: they are plumbing of the constructs that asked for them.
 */
export function mainConstructs(stack: AssemblyStack): MainConstruct[] {
  const byOwner = new Map<string, CfnResource[]>();
  for (const resource of Object.values(stack.template.Resources ?? {})) {
    const owner = topLevelId(resource);
    if (owner === undefined || owner.includes(':') || BOOKKEEPING.has(resource.Type)) continue;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), resource]);
  }
  const prefixCount = new Map<string, number>();
  for (const id of byOwner.keys()) {
    const prefix = groupPrefix(id);
    if (prefix) prefixCount.set(prefix, (prefixCount.get(prefix) ?? 0) + 1);
  }
  const groups = new Map<string, { members: number; resources: CfnResource[] }>();
  for (const [id, resources] of byOwner) {
    const prefix = groupPrefix(id);
    const key = prefix && (prefixCount.get(prefix) ?? 0) > COLLAPSE_ABOVE ? `${prefix}-*` : id;
    const group = groups.get(key) ?? { members: 0, resources: [] };
    groups.set(key, { members: group.members + 1, resources: [...group.resources, ...resources] });
  }
  return [...groups].map(([id, { members, resources }]) => ({ id, members, resourceTypes: countTypes(resources) }));
}

/** The id of the stack's child that owns `resource` (second segment of its construct path). */
export function topLevelId(resource: CfnResource): string | undefined {
  return constructPath(resource)?.split('/')[1];
}

/** The main construct (possibly a collapsed group) that a top-level id belongs to. */
export function mainConstructOf(constructs: readonly MainConstruct[], id: string): MainConstruct | undefined {
  return constructs.find((c) => c.id === id) ?? constructs.find((c) => c.id === `${groupPrefix(id)}-*`);
}

function groupPrefix(id: string): string | undefined {
  const dash = id.indexOf('-');
  return dash > 0 ? id.slice(0, dash) : undefined;
}

function countTypes(resources: readonly CfnResource[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  return counts;
}
