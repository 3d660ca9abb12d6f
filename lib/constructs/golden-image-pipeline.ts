import { createHash } from 'crypto';
import { CfnWaitCondition, CfnWaitConditionHandle, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import { ImageBuildTrigger } from './image-build-trigger';

/** One component of a recipe: its Image Builder document (YAML). */
export interface ImageComponentSpec {
  /** Component name (unique in the account and region). */
  readonly name: string;
  readonly document: string;
}

type RecipeContent<P> = Omit<P, 'name' | 'version' | 'components'>;

/** What is built: an AMI recipe or a container recipe (everything but name, version and components). */
export type GoldenImageRecipe =
  | { readonly kind: 'ami'; readonly properties: RecipeContent<imagebuilder.CfnImageRecipeProps> }
  | { readonly kind: 'container'; readonly properties: RecipeContent<imagebuilder.CfnContainerRecipeProps> };

export interface GoldenImagePipelineProps {
  /** Pipeline and image (recipe) name; the rollout gate maps it to its SSM parameter. */
  readonly name: string;
  readonly description: string;
  /** Semantic version of the recipe and its components (the image's version). */
  readonly version: string;
  /** Where `version` is declared: named when a changed document or recipe needs it bumped. */
  readonly versionSource: string;
  /**
   * Digests of deployed versions (`<name>@<version>`, the config's image-recipes.lock.json): synth
   * refuses a recorded version whose content changed.
   * @default {} nothing recorded
   */
  readonly published?: Readonly<Record<string, string>>;
  /** Build infrastructure (instance profile, subnet, IMDSv2). */
  readonly infrastructure: imagebuilder.CfnInfrastructureConfiguration;
  /** Components run in order; `test` phases run on an instance launched from the new image. */
  readonly components: readonly ImageComponentSpec[];
  readonly recipe: GoldenImageRecipe;
  /** Where the output goes. */
  readonly distribution: imagebuilder.CfnDistributionConfiguration;
  /** Inspector scanning settings (ECR repository for container images). */
  readonly scanning: imagebuilder.CfnImagePipeline.ImageScanningConfigurationProperty;
  /** Scheduled rebuilds (cron in UTC); a build runs only when the parent image has a newer version (components are pinned to this version). */
  readonly schedule: string;
  /** Starts the pipeline on create and when the recipe version changes. */
  readonly trigger: ImageBuildTrigger;
  /**
   * How long the first deploy waits for the first image to be rolled out (its SSM parameter written).
   * @default Duration.hours(3)
   */
  readonly firstImageTimeout?: Duration;
}

const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * An EC2 Image Builder pipeline whose recipe and components carry one semantic version. Image
 * Builder versions are immutable, so a document or recipe that changed under a recorded version
 * fails synth, naming the version to bump. It builds on create and whenever a deploy changes the
 * version (the trigger), and on its schedule when the parent image has a newer version. Output is
 * scanned by Inspector; rollout is the gate's decision (lib/constructs/image-rollout-gate.ts). The
 * first deploy waits for the first image: the gate signals `firstImageSignal` when it wrote the
 * parameter, or why it did not (the stack then fails with that reason), so nothing that needs the
 * image deploys before it exists.
 */
export class GoldenImagePipeline extends Construct {
  public readonly pipeline: imagebuilder.CfnImagePipeline;
  public readonly version: string;
  /** Content digest per `<name>@<version>` (components and recipe), for the record of deployed versions. */
  public readonly digests: ReadonlyMap<string, string>;
  /** The custom resource that starts a build on create and on a version change. */
  public readonly build: CustomResource;
  /** The wait condition handle (a presigned URL) the rollout gate signals for this image. */
  public readonly firstImageSignal: string;
  /** Completes when the first image is rolled out; a later deploy does not wait again. */
  public readonly firstImage: CfnWaitCondition;

  constructor(scope: Construct, id: string, props: GoldenImagePipelineProps) {
    super(scope, id);
    this.version = props.version;
    const digests = new Map<string, string>();
    const record = (name: string, digest: string) => {
      const key = `${name}@${props.version}`;
      const recorded = props.published?.[key];
      if (recorded !== undefined && recorded !== digest) {
        throw new Error(
          `${key}: differs from the deployed one (recorded ${recorded}, now ${digest}). Image Builder versions are immutable, ` +
            `so this deploy would fail: release the change as a new version of image ${props.name} (bump ${props.version}, ${props.versionSource}).`,
        );
      }
      digests.set(key, digest);
    };
    const components = props.components.map((c, i) => {
      record(c.name, digestOf(c.document));
      return new imagebuilder.CfnComponent(this, `Component${i}`, { name: c.name, platform: 'Linux', version: props.version, data: c.document });
    });
    record(props.name, digestOf(JSON.stringify(Stack.of(this).resolve({ ...props.recipe, components: props.components.map((c) => c.name) }))));
    this.digests = digests;

    const common = { name: props.name, version: props.version, components: components.map((c) => ({ componentArn: c.attrArn })) };
    const recipe = props.recipe.kind === 'ami'
      ? { imageRecipeArn: new imagebuilder.CfnImageRecipe(this, 'Recipe', { ...props.recipe.properties, ...common }).attrArn }
      : { containerRecipeArn: new imagebuilder.CfnContainerRecipe(this, 'Recipe', { ...props.recipe.properties, ...common }).attrArn };
    this.pipeline = new imagebuilder.CfnImagePipeline(this, 'Pipeline', {
      name: props.name,
      description: props.description,
      ...recipe,
      infrastructureConfigurationArn: props.infrastructure.attrArn,
      distributionConfigurationArn: props.distribution.attrArn,
      imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: 60 },
      imageScanningConfiguration: props.scanning,
      enhancedImageMetadataEnabled: true,
      schedule: { scheduleExpression: props.schedule, pipelineExecutionStartCondition: 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE' },
      status: 'ENABLED',
    });
    this.build = props.trigger.buildOnChange(this, 'Build', this.pipeline, this.version);
    const handle = new CfnWaitConditionHandle(this, 'FirstImageHandle');
    this.firstImageSignal = handle.ref;
    this.firstImage = new CfnWaitCondition(this, 'FirstImage', {
      handle: handle.ref,
      count: 1,
      timeout: String((props.firstImageTimeout ?? Duration.hours(3)).toSeconds()),
    });
    this.firstImage.node.addDependency(this.build);
  }
}
