import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import { IN_USE_TAG } from '../functions/image-rollout';

export interface ImageLifecycleProps {
  /** Policy name (unique in the account and region). */
  readonly name: string;
  /** Image (recipe) names whose images this policy cleans, each of `resourceType`. */
  readonly recipes: readonly string[];
  readonly resourceType: 'AMI_IMAGE' | 'CONTAINER_IMAGE';
  /** Newest images kept per recipe; older ones are deleted with their AMIs and snapshots, or container images. */
  readonly keep: number;
  /** Role Image Builder runs lifecycle actions with (one per stack serves all policies). */
  readonly executionRole: iam.IRole;
}

/**
 * Deletes old golden images (Image Builder image, AMIs and snapshots, or the ECR image) beyond the
 * newest `keep`, never one carrying the in-use tag: the rollout gate puts it on the image its SSM
 * parameter names (lib/functions/image-rollout.ts).
 */
export class ImageLifecycle extends Construct {
  public readonly policy: imagebuilder.CfnLifecyclePolicy;

  /** The execution role lifecycle policies need (AWS managed policy documented for it). */
  static executionRole(scope: Construct, id: string): iam.Role {
    const role = new iam.Role(scope, id, {
      assumedBy: new iam.ServicePrincipal('imagebuilder.amazonaws.com'),
      description: 'Image Builder lifecycle policies: delete old golden images',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/EC2ImageBuilderLifecycleExecutionPolicy')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy]',
      reason: 'The policy AWS documents for Image Builder lifecycle execution; it acts only on resources tagged CreatedBy: EC2 Image Builder.',
    });
    return role;
  }

  constructor(scope: Construct, id: string, props: ImageLifecycleProps) {
    super(scope, id);
    const ami = props.resourceType === 'AMI_IMAGE';
    this.policy = new imagebuilder.CfnLifecyclePolicy(this, 'Policy', {
      name: props.name,
      description: `Keeps the newest ${props.keep} images per recipe and the one in use`,
      executionRole: props.executionRole.roleArn,
      resourceType: props.resourceType,
      status: 'ENABLED',
      resourceSelection: { recipes: props.recipes.map((name) => ({ name, semanticVersion: 'x.x.x' })) },
      policyDetails: [{
        action: { type: 'DELETE', includeResources: ami ? { amis: true, snapshots: true } : { containers: true } },
        filter: { type: 'COUNT', value: props.keep },
        exclusionRules: { tagMap: { [IN_USE_TAG.key]: IN_USE_TAG.value } },
      }],
    });
  }
}
