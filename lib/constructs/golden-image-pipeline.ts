import { CfnWaitCondition, CfnWaitConditionHandle, CustomResource, Duration } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import { ImageBuildTrigger } from './image-build-trigger';
import { contentVersion } from './image-build-infrastructure';

/** One component of a recipe: its Image Builder document (YAML). */
export interface ImageComponentSpec {
  /** Component name (unique in the account and region). */
  readonly name: string;
  readonly document: string;
}

export interface GoldenImagePipelineProps {
  /** Pipeline and image (recipe) name; the rollout gate maps it to its SSM parameter. */
  readonly name: string;
  readonly description: string;
  /** Build infrastructure (instance profile, subnet, IMDSv2). */
  readonly infrastructure: imagebuilder.CfnInfrastructureConfiguration;
  /** Components run in order; `test` phases run on an instance launched from the new image. */
  readonly components: readonly ImageComponentSpec[];
  /** What is built: an AMI recipe or a container recipe, given the component ARNs and a content version. */
  readonly recipe: (componentArns: readonly string[], version: string) => { readonly imageRecipeArn?: string; readonly containerRecipeArn?: string };
  /** Where the output goes. */
  readonly distribution: imagebuilder.CfnDistributionConfiguration;
  /** Inspector scanning settings (ECR repository for container images). */
  readonly scanning: imagebuilder.CfnImagePipeline.ImageScanningConfigurationProperty;
  /** Scheduled rebuilds (cron in UTC); a build runs only when the parent image or a component has a newer version. */
  readonly schedule: string;
  /** Starts the pipeline on create and when the recipe version changes. */
  readonly trigger: ImageBuildTrigger;
  /**
   * How long the first deploy waits for the first image to be rolled out (its SSM parameter written).
   * @default Duration.hours(3)
   */
  readonly firstImageTimeout?: Duration;
}

/**
 * An EC2 Image Builder pipeline with content-versioned components and recipe. It builds on create
 * and whenever a deploy changes the recipe version (the trigger), and on its schedule when the
 * parent image or a component has a newer version. Output is scanned by Inspector; rollout is the
 * gate's decision (lib/constructs/image-rollout-gate.ts). The first deploy waits for the first
 * image: the gate signals `firstImageSignal` when it wrote the parameter, or why it did not (the
 * stack then fails with that reason), so nothing that needs the image deploys before it exists.
 */
export class GoldenImagePipeline extends Construct {
  public readonly pipeline: imagebuilder.CfnImagePipeline;
  public readonly version: string;
  /** The custom resource that starts a build on create and on a recipe version change. */
  public readonly build: CustomResource;
  /** The wait condition handle (a presigned URL) the rollout gate signals for this image. */
  public readonly firstImageSignal: string;
  /** Completes when the first image is rolled out; a later deploy does not wait again. */
  public readonly firstImage: CfnWaitCondition;

  constructor(scope: Construct, id: string, props: GoldenImagePipelineProps) {
    super(scope, id);
    const components = props.components.map((c, i) => new imagebuilder.CfnComponent(this, `Component${i}`, {
      name: c.name,
      platform: 'Linux',
      version: contentVersion(c.document),
      data: c.document,
    }));
    this.version = contentVersion(props.name, ...props.components.map((c) => c.document));
    const recipe = props.recipe(components.map((c) => c.attrArn), this.version);
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
