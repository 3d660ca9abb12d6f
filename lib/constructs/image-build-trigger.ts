import { CustomResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BuildTriggerProperties } from '../functions/image-build-trigger';
import { PlatformFunction } from './platform-function';

export interface ImageBuildTriggerProps {
  readonly logKey: kms.IKey;
}

/**
 * Starts image pipelines on deploy: on create (the first image) and when a recipe version changes
 * (lib/functions/image-build-trigger.ts), so a changed recipe builds without waiting for the schedule.
 */
export class ImageBuildTrigger extends Construct {
  public readonly function: PlatformFunction;

  constructor(scope: Construct, id: string, props: ImageBuildTriggerProps) {
    super(scope, id);
    this.function = new PlatformFunction(this, 'Function', {
      module: 'image-build-trigger-handler',
      description: 'Starts a golden image pipeline on create and when its recipe version changes',
      logKey: props.logKey,
      reservedConcurrency: 2,
    });
  }

  /** A custom resource that builds `pipeline` whenever `recipeVersion` changes; it runs after the pipeline's own update. */
  buildOnChange(scope: Construct, id: string, pipeline: imagebuilder.CfnImagePipeline, recipeVersion: string): CustomResource {
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['imagebuilder:StartImagePipelineExecution'], resources: [pipeline.attrArn] }));
    const properties: BuildTriggerProperties = { PipelineArn: pipeline.attrArn, RecipeVersion: recipeVersion };
    const build = new CustomResource(scope, id, { serviceToken: this.function.functionArn, resourceType: 'Custom::ImageBuild', properties });
    build.node.addDependency(pipeline, this.function.role!);
    return build;
  }
}
