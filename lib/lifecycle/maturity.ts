/**
 * Onboarding maturity of a component (levels 1-7, see DESIGN.md): levels 1-3 are CI, 4-7 CD.
 * Computed from the component's spec and what the platform config declares about its owner;
 * each level lists what is still missing to reach it, in plain words an onboarding pilot can act on.
 */

/**
 * The parts of a component's spec that decide its level. Structural, so that the config schema can
 * check "CD needs level 3" with this module without the two importing each other.
 */
export interface MaturityInput {
  readonly webhook: boolean;
  readonly artefacts: readonly string[];
  readonly tests?: unknown;
  readonly blobs?: unknown;
  readonly cd?: { readonly integrationTests?: unknown; readonly approvers: readonly string[]; readonly healthPath?: string };
}

export interface MaturityContext {
  /** IAM principals with read-only access to the owner's registries. */
  readonly developers: readonly string[];
}

export interface Maturity {
  /** Highest level reached (0 when not even level 1). */
  readonly level: number;
  /** What the next level still needs (empty at level 7). */
  readonly missing: readonly string[];
}

export const LEVEL_NAMES: Readonly<Record<number, string>> = {
  0: 'not onboarded',
  1: 'CI can read and is triggered',
  2: 'builds images or blobs, reports unit tests',
  3: 'publishes to its registries',
  4: 'deploys to staging',
  5: 'integration-tested in staging',
  6: 'promoted to production on approval',
  7: 'monitored in production with rollback',
};

/** What each level requires beyond the previous one: the unmet requirements, by level. */
const REQUIREMENTS: readonly ((c: MaturityInput, ctx: MaturityContext) => string[])[] = [
  (c) => (c.webhook ? [] : ['no webhook: register the platform relay as push webhook on the repository, then set webhook: true']),
  (c) => [
    // The build produces artefacts: Docker images, or blobs from a declared blob build (firmware).
    ...(c.artefacts.includes('image') || c.artefacts.includes('blob') ? [] : ['no build artefact (artefacts: [image] or [blob])']),
    ...(c.artefacts.includes('blob') && !c.blobs ? ['no blob build for the blob artefact (blobs.image, blobs.command, blobs.outputDir)'] : []),
    ...(c.tests ? [] : ['no unit tests with a JUnit path (tests.junitReport)']),
  ],
  (_c, ctx) => (ctx.developers.length > 0 ? [] : ['no developers with read-only access to the registries (developers in the pilot or platform file)']),
  (c) => [
    ...(c.cd ? [] : ['no Helm chart deployed to staging (cd.chart)']),
    ...(c.artefacts.includes('chart') ? [] : ['charts are not published (artefacts: [chart])']),
  ],
  (c) => (c.cd?.integrationTests ? [] : ['no integration tests against staging (cd.integrationTests)']),
  (c) => ((c.cd?.approvers.length ?? 0) > 0 ? [] : ['no production approvers (cd.approvers)']),
  (c) => (c.cd?.healthPath ? [] : ['no health path for production monitoring and rollback (cd.healthPath)']),
];

export function maturityOf(component: MaturityInput, context: MaturityContext): Maturity {
  for (const [index, requirement] of REQUIREMENTS.entries()) {
    const missing = requirement(component, context);
    if (missing.length > 0) return { level: index, missing };
  }
  return { level: REQUIREMENTS.length, missing: [] };
}

/** Lowest level whose pipeline publishes to the dev registries: below it CI builds and tests only. */
export const PUBLISHING_LEVEL = 2;
/** Whether CI has a job for the component: from level 1 on (CI can read the repository and is triggered). */
export function hasCiJob(component: MaturityInput, context: MaturityContext): boolean {
  return maturityOf(component, context).level >= 1;
}

/** What stands between the component and level 3, the entry to CD (empty when it is there). */
export function missingForDelivery(component: MaturityInput, context: MaturityContext): string[] {
  return REQUIREMENTS.slice(0, 3).flatMap((requirement) => requirement(component, context));
}
