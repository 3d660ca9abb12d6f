import { Names, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';

export interface ImageBuildInfrastructureProps {
  readonly vpc: ec2.IVpc;
  /** Subnet the build and test instances run in (it needs egress for the pinned downloads). */
  readonly subnet: ec2.ISubnet;
  /** Instance types of the build, all of the image's architecture. */
  readonly instanceTypes: readonly ec2.InstanceType[];
  /** Extra managed policies the build instance needs (e.g. ECR pushes for container builds). */
  readonly managedPolicies?: readonly iam.IManagedPolicy[];
}

/** Where Image Builder builds and tests: an instance profile, IMDSv2 only, no inbound access. */
export class ImageBuildInfrastructure extends Construct {
  public readonly configuration: imagebuilder.CfnInfrastructureConfiguration;

  constructor(scope: Construct, id: string, props: ImageBuildInfrastructureProps) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'EC2 Image Builder build and test instances',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('EC2InstanceProfileForImageBuilder'),
        ...(props.managedPolicies ?? []),
      ],
    });
    for (const policy of ['AmazonSSMManagedInstanceCore', 'EC2InstanceProfileForImageBuilder', 'EC2InstanceProfileForImageBuilderECRContainerBuilds']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: 'A policy AWS documents for Image Builder build instances (SSM agent, component download, container push); AWS maintains it with the service.',
      });
    }
    const profile = new iam.CfnInstanceProfile(this, 'Profile', { roles: [role.roleName] });
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Image Builder instances: egress only' });
    this.configuration = new imagebuilder.CfnInfrastructureConfiguration(this, 'Configuration', {
      name: Names.uniqueResourceName(this, { maxLength: 120 }),
      instanceProfileName: profile.ref,
      instanceTypes: props.instanceTypes.map((t) => t.toString()),
      subnetId: props.subnet.subnetId,
      securityGroupIds: [securityGroup.securityGroupId],
      instanceMetadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
      terminateInstanceOnFailure: true,
    });
  }
}
