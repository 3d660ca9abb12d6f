import { Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RolloutTarget } from '../functions/image-rollout';
import { PlatformFunction } from './platform-function';

export interface ImageRolloutGateProps {
  /** Image (recipe) name -> the SSM parameter it feeds when clean. */
  readonly targets: Readonly<Record<string, RolloutTarget>>;
  /** Repositories of container images: the gate reads their digests. */
  readonly repositories: readonly ecr.IRepository[];
  readonly logKey: kms.IKey;
  /** Image name -> its first-deploy wait condition handle: the gate signals each outcome there. */
  readonly firstImageSignals: Readonly<Record<string, string>>;
}

/**
 * Rolls a new golden image out (writes its SSM parameter, moves the in-use tag the lifecycle
 * policies spare) only when its build is available and its Inspector scan completed without
 * critical findings; otherwise the parameter keeps the previous image and the function's log says
 * why (lib/functions/image-rollout.ts). Each outcome is signalled to the image's first-deploy wait.
 */
export class ImageRolloutGate extends Construct {
  public readonly function: PlatformFunction;
  /** The rule that invokes the gate: builds must not start before it exists. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ImageRolloutGateProps) {
    super(scope, id);
    this.function = new PlatformFunction(this, 'Function', {
      module: 'image-rollout-handler',
      description: 'Golden image rollout: clean scans only, else the previous image stays',
      logKey: props.logKey,
      environment: { TARGETS: JSON.stringify(props.targets), FIRST_IMAGE_SIGNALS: Stack.of(scope).toJsonString(props.firstImageSignals) },
      reservedConcurrency: 2,
    });
    const stack = Stack.of(this);
    const names = Object.keys(props.targets);
    this.function.addToRolePolicy(new iam.PolicyStatement({
      // Read the build, move the in-use tag (lifecycle exclusion) between its builds.
      actions: ['imagebuilder:GetImage', 'imagebuilder:ListImageBuildVersions', 'imagebuilder:TagResource', 'imagebuilder:UntagResource'],
      resources: names.map((n) => stack.formatArn({ service: 'imagebuilder', resource: 'image', resourceName: `${n.toLowerCase()}/*` })),
    }));
    this.function.addToRolePolicy(new iam.PolicyStatement({
      // ListImageScanFindings and ListImages have no resource-level permissions (Service Authorization Reference).
      actions: ['imagebuilder:ListImageScanFindings', 'imagebuilder:ListImages'],
      resources: ['*'],
    }));
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:PutParameter'],
      resources: Object.values(props.targets).map((t) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: t.parameterName.replace(/^\//, '') })),
    }));
    for (const repository of props.repositories) repository.grant(this.function, 'ecr:DescribeImages');
    // Writing an aws:ec2:image parameter validates the AMI with DescribeImages.
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeImages'], resources: ['*'] }));
    for (const name of names) {
      Validations.of(this.function.role!).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:imagebuilder:${stack.region}:${stack.account}:image/${name.toLowerCase()}/*]`,
        reason: 'Every build version of one golden image: versions are created by each pipeline run.',
      });
    }
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ListImageScanFindings, ListImages and ec2:DescribeImages support no resource-level permissions; all only read.',
    });
    this.rule = new events.Rule(this, 'ImageAvailable', {
      description: 'A golden image build ended (available after build, test and scan; or failed, cancelled)',
      eventPattern: {
        source: ['aws.imagebuilder'],
        detailType: ['EC2 Image Builder Image State Change'],
        detail: { state: { status: ['AVAILABLE', 'FAILED', 'CANCELLED'] } },
      },
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 4 })],
    });
  }
}
