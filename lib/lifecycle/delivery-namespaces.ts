/** Where CD puts a pilot's components: a staging namespace (levels 4-5) and the production one (6-7). */

export const stagingNamespace = (pilot: string) => `pilot-${pilot}-staging`;
export const productionNamespace = (pilot: string) => `pilot-${pilot}`;

/** Pilots with at least one component delivered by CD: only they get a staging namespace and deploy access. */
export function deliveringPilots(model: { readonly pilots: readonly { readonly name: string; readonly components: readonly { readonly cd?: unknown }[] }[] }): string[] {
  return model.pilots.filter((p) => p.components.some((c) => c.cd)).map((p) => p.name);
}
