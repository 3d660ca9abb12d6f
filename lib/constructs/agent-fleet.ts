import { Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface AgentFleetProps {
  readonly vpc: ec2.IVpc;
  /** Subnets the agents run in (their network plane). */
  readonly subnets: ec2.SubnetSelection;
  /** Instance types, all of the architecture of the fleet's image. */
  readonly instanceTypes: readonly ec2.InstanceType[];
  /** Jenkins label the controller schedules on; also the fleet's name. */
  readonly label: string;
  /** Most agents the EC2 Fleet plugin may run; it scales to zero when idle. */
  readonly maxSize: number;
  /**
   * Spot capacity, price-capacity-optimized across the instance types.
   * @default false
   */
  readonly spot?: boolean;
  /** Key pair whose private half the controller's SSH launcher holds. */
  readonly keyPair: ec2.IKeyPair;
  /**
   * Extra security groups (a network plane's identity, e.g. the CD plane's).
   * @default - none
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
  /**
   * SSM parameter holding the fleet's golden AMI (lib/stacks/images-stack.ts): the launch template
   * resolves it at each launch, so a rolled-out rebuild needs no redeploy.
   */
  readonly imageParameterName: string;
}

/**
 * EC2 agents in an Auto Scaling group the Jenkins EC2 Fleet plugin scales between zero and
 * maxSize. The fleet's golden AMI (newest clean build, through SSM), encrypted gp3, IMDSv2 (containers
 * cannot reach instance credentials), SSM for humans; SSH only from the controller (the plugin's
 * launcher), never from a network range. The agents' role assumes no other role: AWS credentials
 * reach a build only through the credentials its Jenkins folder binds (lib/ci/pipeline-credentials.ts).
 */
export class AgentFleet extends Construct implements ec2.IConnectable {
  public readonly connections: ec2.Connections;
  public readonly role: iam.Role;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly label: string;

  constructor(scope: Construct, id: string, props: AgentFleetProps) {
    super(scope, id);
    this.label = props.label;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Jenkins agents ${props.label}: SSH from the controller only`,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Jenkins agents ${props.label}`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Session Manager is how humans reach agents (no SSH from networks); AWS maintains this minimal SSM policy.',
    });

    // The golden image has every tool installed and Docker enabled: an agent is ready when it boots.
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.resolveSsmParameterAtLaunch(props.imageParameterName, { os: ec2.OperatingSystemType.LINUX }),
      role: this.role,
      keyPair: props.keyPair,
      securityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }) }],
    });
    for (const extra of props.securityGroups ?? []) launchTemplate.connections.addSecurityGroup(extra);

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      minCapacity: 0,
      maxCapacity: props.maxSize,
      mixedInstancesPolicy: {
        launchTemplate,
        launchTemplateOverrides: props.instanceTypes.map((instanceType) => ({ instanceType })),
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: props.spot ? 0 : 100,
          spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
        },
      },
    });
    for (const [rule, reason] of [
      ['AwsSolutions::AwsSolutions-AS3', 'The Jenkins EC2 Fleet plugin drives this group and reports every scale event in Jenkins; nobody subscribes to ASG notifications.'],
      ['AwsSolutions::AwsSolutions-EC26', 'The launch template encrypts the root volume (asserted in the CI tests); the rule cannot follow the template reference.'],
      ['cdk-validator-cfnguard::autoscaling_multiple_az_check', "The group spans its plane's subnets, one per configured zone; the rule cannot see through the cross-stack subnet references."],
    ]) {
      Validations.of(this.autoScalingGroup).acknowledge({ id: rule, reason });
    }
  }

  /** Lets the controller's SSH launcher connect. */
  public allowLauncher(controller: ec2.IConnectable): void {
    this.connections.allowFrom(controller, ec2.Port.tcp(22), 'Jenkins controller SSH launcher');
  }
}
