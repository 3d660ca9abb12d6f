import { Stack } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
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
}

/**
 * An EC2 Image Builder pipeline with content-versioned components and recipe: it rebuilds on its
 * schedule when the parent image changed, and at once whenever a deploy changes a component or the
 * recipe (also the first deploy, so the first image exists before anything uses it). Output is
 * scanned by Inspector; rollout is the gate's decision (lib/constructs/image-rollout-gate.ts).
 */
export class GoldenImagePipeline extends Construct {
  public readonly pipeline: imagebuilder.CfnImagePipeline;
  public readonly version: string;

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

    // A changed recipe starts a build on deploy: the version is part of the call, so the resource updates.
    const start: cr.AwsSdkCall = {
      service: 'Imagebuilder',
      action: 'startImagePipelineExecution',
      parameters: { imagePipelineArn: this.pipeline.attrArn, clientToken: this.version },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.name}-${this.version}`),
    };
    const stack = Stack.of(this);
    new cr.AwsCustomResource(this, 'BuildOnChange', {
      onCreate: start,
      onUpdate: start,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['imagebuilder:StartImagePipelineExecution'],
          resources: [stack.formatArn({ service: 'imagebuilder', resource: 'image-pipeline', resourceName: props.name.toLowerCase() })],
        }),
        // Image Builder creates its service-linked role on the first execution.
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder' })],
          conditions: { StringEquals: { 'iam:AWSServiceName': 'imagebuilder.amazonaws.com' } },
        }),
      ]),
    });
  }
}
