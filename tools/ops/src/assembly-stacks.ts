/**
 * The synthesized app as plain data: each stack's template, pilot, region and stack dependencies.
 * The diagram, the cost estimate and the rehearsal read this rather than the CDK classes, so their
 * logic is testable with hand-written templates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { loadConfig } from '../../../lib/config/load-config';
import { definePlatform } from '../../../lib/platform';

/** One CloudFormation resource as synthesized. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly DeletionPolicy?: string;
}

/** The parts of a template the ops tools read. */
export interface CfnTemplate {
  readonly Parameters?: Readonly<Record<string, { readonly Type: string; readonly Default?: unknown }>>;
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>>;
}

/** One deployable stack of the app. */
export interface AssemblyStack {
  /** Stack id, also its CloudFormation name. */
  readonly id: string;
  /** The pilot the stack belongs to (its `iiot-pilot` tag); undefined for platform stacks. */
  readonly pilot?: string;
  readonly region: string;
  /** Ids of the stacks this one deploys after (assets and other artifacts left out). */
  readonly dependencies: readonly string[];
  readonly template: CfnTemplate;
}

/** Tag that marks a stack as one pilot's (set in lib/platform.ts). */
export const PILOT_TAG = 'iiot-pilot';

const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/**
 * Synthesizes the platform in `configDir` in-process with cdk.json's feature flags (what
 * `cdk synth` would write, without the validation gates, which `npm test` runs).
 */
export function synthesizeAssembly(configDir: string, outdir: string): cxapi.CloudAssembly {
  const context = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
  // Path metadata (which the CLI turns on) ties each resource to its construct.
  const app = new App({ context: { ...context, [cxapi.PATH_METADATA_ENABLE_CONTEXT]: true }, outdir, builtinCloudFormationValidation: false });
  definePlatform(app, loadConfig(configDir));
  return app.synth();
}

/** The assembly's stacks in its (dependency-respecting) order. */
export function assemblyStacks(assembly: cxapi.CloudAssembly): AssemblyStack[] {
  const stackIds = new Set(assembly.stacks.map((s) => s.id));
  return assembly.stacks.map((s) => ({
    id: s.id,
    pilot: s.tags[PILOT_TAG],
    region: s.environment.region,
    dependencies: s.dependencies.map((d) => d.id).filter((id) => stackIds.has(id)),
    template: s.template as CfnTemplate,
  }));
}

/** The construct path CDK records on a resource, e.g. `Platform-Ci/Jenkins/Service/Service`. */
export function constructPath(resource: CfnResource): string | undefined {
  const p = resource.Metadata?.['aws:cdk:path'];
  return typeof p === 'string' ? p : undefined;
}
