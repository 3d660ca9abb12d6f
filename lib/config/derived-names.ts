/**
 * Identifiers the stacks, Jenkins and the charts derive from owner (pilot or `platform`) and
 * component names, computed with the same functions their consumers use. Each family must be
 * injective: two different owner/component pairs that map to one identifier would share a secret,
 * a Jenkins job or a namespace, or crash synth with a construct-id clash. Each family with a limit
 * also stays within the length its AWS service accepts.
 */
import { CascVariables, deliveryJobName, repositoryCredentialId } from '../ci/jenkins-casc';
import { EdgeNames } from '../constructs/edge-names';
import { BuildStatsNames } from '../functions/build-stats';
import { REGISTRY_TIERS, RegistryNames } from '../constructs/registry-names';
import { productionNamespace, stagingNamespace } from '../lifecycle/delivery-namespaces';
import type { ComponentSpec, PilotSpec, PlatformSpec } from './schema';

/** A path into the raw config: `['pilots', 1, 'components', 0, 'name']`. */
export type ConfigPath = readonly (string | number)[];

export interface DerivedNameProblem {
  /** What the identifier is, e.g. `Jenkins credential id`. */
  readonly what: string;
  readonly identifier: string;
  /** The field that derives it (where the problem is reported). */
  readonly at: ConfigPath;
  /** For a clash: the other field the identifier was first derived from. */
  readonly alsoAt?: ConfigPath;
  /** What is wrong and what to do about it. */
  readonly rule: string;
}

interface Derived {
  readonly family: string;
  readonly identifier: string;
  /** Which owner/component (or approver) it comes from: identical sources are one use, not a clash. */
  readonly source: string;
  readonly path: ConfigPath;
  /** Longest identifier the consumer accepts, with its name. */
  readonly limit?: { readonly max: number; readonly consumer: string };
}

interface Owner {
  readonly name: string;
  readonly namePath: ConfigPath;
  readonly componentsPath: ConfigPath;
  readonly components: readonly ComponentSpec[];
  readonly pilot: boolean;
  readonly edge?: PilotSpec['edge'];
}

const RENAME = 'rename one of the two so every derived name stays unique';

/** Every identifier derived from the config, with the field it comes from. */
export function derivedNames(model: { readonly platform: PlatformSpec; readonly pilots: readonly PilotSpec[] }): Derived[] {
  const { platform, pilots } = model;
  const owners: Owner[] = [
    // "platform" is the owner name of the platform's own components (a reserved pilot name).
    { name: 'platform', namePath: ['platform', 'components'], componentsPath: ['platform', 'components'], components: platform.components, pilot: false },
    ...pilots.map((p, i) => ({ name: p.name, namePath: ['pilots', i, 'name'], componentsPath: ['pilots', i, 'components'], components: p.components, pilot: true, edge: p.edge })),
  ];
  const { account, region } = platform.environment;
  const out: Derived[] = [];
  for (const owner of owners) {
    const own = (family: string, identifier: string, limit?: Derived['limit']) =>
      out.push({ family, identifier, source: owner.name, path: owner.namePath, limit });
    own('environment variable of the publisher role (Jenkins controller)', CascVariables.publisherRole(owner.name));
    own('environment variable of the promoter role (Jenkins controller)', CascVariables.promoterRole(owner.name));
    own('environment variable of the build reporter role (Jenkins controller)', CascVariables.reporterRole(owner.name));
    own('IAM role name', BuildStatsNames.reporterRole(platform.name, owner.name), { max: 64, consumer: 'IAM role names' });
    if (owner.components.some((c) => c.artefacts.includes('blob'))) {
      for (const tier of REGISTRY_TIERS) {
        own('S3 bucket name', RegistryNames.blobBucket(owner.name, tier, account, region), { max: 63, consumer: 'S3 bucket names' });
      }
    }
    if (owner.pilot) {
      own('Kubernetes namespace', productionNamespace(owner.name), { max: 63, consumer: 'Kubernetes namespace names' });
      own('Kubernetes namespace', stagingNamespace(owner.name), { max: 63, consumer: 'Kubernetes namespace names' });
    }
    if (owner.edge) {
      // Source: CreateProvisioningTemplate, templateName 1-36 of [0-9A-Za-z_-] (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningTemplate.html).
      own('IoT fleet provisioning template name (<platform>_<pilot>)', EdgeNames.provisioningTemplate(platform.name, owner.name), { max: 36, consumer: 'IoT fleet provisioning template names' });
    }
    owner.edge?.generations.forEach((g, gi) => {
      const generationPath = [...owner.componentsPath.slice(0, -1), 'edge', 'generations', gi, 'name'];
      const group = (identifier: string, path: ConfigPath) =>
        out.push({ family: 'IoT thing group name', identifier, source: identifier, path, limit: { max: 128, consumer: 'IoT thing group names' } });
      group(EdgeNames.thingGroup(owner.name, g.name), generationPath);
      g.channels.forEach((c, ci) => group(EdgeNames.thingGroup(owner.name, g.name, c.name), [...generationPath.slice(0, -1), 'channels', ci, 'name']));
    });
    owner.components.forEach((c, ci) => {
      const path = [...owner.componentsPath, ci, 'name'];
      const component = (family: string, identifier: string, limit?: Derived['limit']) =>
        out.push({ family, identifier, source: `${owner.name}\u0000${c.name}`, path, limit });
      component(
        'Jenkins credential id (also the branch-source id <owner>-<component> and the CI stack construct id RepoKey-<owner>-<component>)',
        repositoryCredentialId(owner.name, c.name),
      );
      component('environment variable of the repository deploy key (Jenkins controller)', CascVariables.repositoryKey(owner.name, c.name));
      component('Secrets Manager secret name', `iiot/ci/${owner.name}/${c.name}/deploy-key`, { max: 512, consumer: 'Secrets Manager secret names' });
      component('Jenkins job', `/${owner.name}/${c.name}`);
      if (c.cd) component('Jenkins job', deliveryJobName(owner.name, c.name));
      for (const tier of REGISTRY_TIERS) {
        const repositories = [
          ...(c.artefacts.includes('image') ? [RegistryNames.imageRepository(owner.name, tier, c.name)] : []),
          ...(c.artefacts.includes('chart') ? [RegistryNames.chartRepository(owner.name, tier, c.name)] : []),
        ];
        for (const repository of repositories) {
          component('ECR repository name', repository, { max: 256, consumer: 'ECR repository names' });
          component(`construct id of an ECR repository in the ${owner.name} registry stack`, `${owner.name}\u0000${RegistryNames.repositoryConstructId(repository)}`);
        }
      }
      if (owner.pilot) component('Greengrass component name', EdgeNames.component(owner.name, c.name), { max: 128, consumer: 'Greengrass component names' });
      (c.cd?.approvers ?? []).forEach((user, ai) => {
        out.push({
          family: 'Secrets Manager secret name',
          identifier: `iiot/ci/users/${user}`,
          source: `user\u0000${user}`,
          path: [...owner.componentsPath, ci, 'cd', 'approvers', ai],
          limit: { max: 512, consumer: 'Secrets Manager secret names' },
        });
        out.push({
          family: 'environment variable of a Jenkins user password',
          identifier: CascVariables.userPassword(user),
          source: `user\u0000${user}`,
          path: [...owner.componentsPath, ci, 'cd', 'approvers', ai],
        });
      });
    });
  }
  return out;
}

/** Identifiers derived twice from different sources, and identifiers longer than their consumer allows. */
export function derivedNameProblems(model: { readonly platform: PlatformSpec; readonly pilots: readonly PilotSpec[] }): DerivedNameProblem[] {
  const firstOf = new Map<string, Derived>();
  const problems: DerivedNameProblem[] = [];
  for (const d of derivedNames(model)) {
    if (d.limit && d.identifier.length > d.limit.max) {
      problems.push({
        what: d.family,
        identifier: d.identifier,
        at: d.path,
        rule: `is ${d.identifier.length} characters; ${d.limit.consumer} allow at most ${d.limit.max}: shorten the name`,
      });
    }
    const key = `${d.family}\u0000${d.identifier}`;
    const first = firstOf.get(key);
    if (!first) firstOf.set(key, d);
    else if (first.source !== d.source) {
      problems.push({ what: d.family, identifier: d.identifier.replace(/^.*\u0000/, ''), at: d.path, alsoAt: first.path, rule: RENAME });
    }
  }
  return problems;
}
