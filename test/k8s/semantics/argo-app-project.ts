/**
 * Argo CD's AppProject rules for what an application may sync, as Argo CD v2.13 implements them
 * (argoproj/argo-cd, pkg/apis/application/v1alpha1/app_project_types.go: IsGroupKindPermitted,
 * isResourceInList, IsDestinationPermitted; docs: "Projects", user-guide/projects.md):
 * - a namespaced kind is permitted when the namespace whitelist is absent, or non-empty and lists it,
 *   and the namespace blacklist does not list it;
 * - a cluster-scoped kind is permitted only when the cluster whitelist is non-empty and lists it, and
 *   the cluster blacklist does not list it (before v2 an empty cluster whitelist permitted all:
 *   `legacyEmptyClusterWhitelist` evaluates that older rule);
 * - list entries match group and kind with Go's filepath.Match globs (`*`, `?`);
 * - a namespaced object also needs a destination whose server and namespace globs match.
 */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface AppProjectSpec {
  readonly destinations?: readonly { readonly server?: string; readonly namespace?: string }[];
  readonly clusterResourceWhitelist?: readonly GroupKind[];
  readonly clusterResourceBlacklist?: readonly GroupKind[];
  readonly namespaceResourceWhitelist?: readonly GroupKind[];
  readonly namespaceResourceBlacklist?: readonly GroupKind[];
}

/** Go's filepath.Match for the patterns Argo CD lists use (`*` and `?`, no separators in kinds). */
export const globMatch = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`).test(value);

const inList = (gk: GroupKind, list: readonly GroupKind[] | undefined) => (list ?? []).some((i) => globMatch(i.kind, gk.kind) && globMatch(i.group, gk.group));

export function isGroupKindPermitted(spec: AppProjectSpec, gk: GroupKind, namespaced: boolean, opts: { legacyEmptyClusterWhitelist?: boolean } = {}): boolean {
  if (namespaced) {
    const white = spec.namespaceResourceWhitelist;
    const whitelisted = white === undefined || (white.length !== 0 && inList(gk, white));
    return whitelisted && !inList(gk, spec.namespaceResourceBlacklist);
  }
  const white = spec.clusterResourceWhitelist ?? [];
  const whitelisted = opts.legacyEmptyClusterWhitelist ? white.length === 0 || inList(gk, white) : white.length !== 0 && inList(gk, white);
  return whitelisted && !inList(gk, spec.clusterResourceBlacklist);
}

export const isDestinationPermitted = (spec: AppProjectSpec, server: string, namespace: string) =>
  (spec.destinations ?? []).some((d) => globMatch(d.server ?? '*', server) && globMatch(d.namespace ?? '*', namespace));

/** Whether an object of this kind may be synced into `namespace` (cluster-scoped when namespace is undefined). */
export function mayDeploy(spec: AppProjectSpec, gk: GroupKind, server: string, namespace: string | undefined, opts: { legacyEmptyClusterWhitelist?: boolean } = {}) {
  if (!isGroupKindPermitted(spec, gk, namespace !== undefined, opts)) return false;
  return namespace === undefined || isDestinationPermitted(spec, server, namespace);
}
