import { RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlaneIpAddresses } from './plane-ip-addresses';
import { PlatformKey } from './platform-key';

/** Network planes: subnet groups that later get their own security rules (only `cd` reaches the cluster). */
export type NetworkPlane = 'public' | 'endpoints' | 'ci' | 'cd' | 'cluster';

export interface PlatformVpcProps {
  /** Availability zones, explicit so synth never looks them up. */
  readonly availabilityZones: readonly string[];
  /** The VPC's IPv4 block. */
  readonly cidr: string;
  /** One CIDR per plane, inside `cidr`, split evenly across the zones. */
  readonly planeCidrs: Readonly<Record<NetworkPlane, string>>;
  /** NAT gateways in the public plane. */
  readonly natGateways: number;
  /**
   * How long flow logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/** Services reached through interface endpoints, so registry, logging and SSM traffic stays off the NAT. */
const INTERFACE_ENDPOINTS: Readonly<Record<string, ec2.InterfaceVpcEndpointAwsService>> = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  SsmMessages: ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
  Ec2Messages: ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
};

const PRIVATE_PLANES: readonly NetworkPlane[] = ['ci', 'cd', 'cluster'];

/**
 * The platform VPC: one subnet group per plane in every zone, NAT egress for the private planes,
 * VPC endpoints (gateway S3/DynamoDB, interface ECR/STS/Logs/SSM) and flow logs of all traffic.
 */
export class PlatformVpc extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Security group of the interface endpoints (HTTPS from inside the VPC). */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /**
   * Security group of every CD-plane identity (CD agents, the cluster's kubectl handler): the only
   * source the cluster API accepts.
   */
  public readonly cdPlaneSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PlatformVpcProps) {
    super(scope, id);
    // Nothing gets a public IP by launching into a public subnet: NAT gateways and load balancers bring their own.
    const subnet = (name: NetworkPlane, subnetType: ec2.SubnetType): ec2.SubnetConfiguration => ({
      name,
      subnetType,
      mapPublicIpOnLaunch: subnetType === ec2.SubnetType.PUBLIC ? false : undefined,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [...props.availabilityZones],
      ipAddresses: new PlaneIpAddresses(props.cidr, props.planeCidrs),
      natGateways: props.natGateways,
      natGatewaySubnets: { subnetGroupName: 'public' },
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        subnet('public', ec2.SubnetType.PUBLIC),
        subnet('endpoints', ec2.SubnetType.PRIVATE_ISOLATED),
        ...PRIVATE_PLANES.map((plane) => subnet(plane, ec2.SubnetType.PRIVATE_WITH_EGRESS)),
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: PRIVATE_PLANES.map((p) => ({ subnetGroupName: p })) },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: PRIVATE_PLANES.map((p) => ({ subnetGroupName: p })) },
      },
    });

    Validations.of(Stack.of(this)).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason:
        "Only CDK's deploy-time handler that strips the default security group's rules runs as Lambda here; it calls EC2 APIs and holds no data.",
    });

    // Load balancers for Kubernetes Services find their subnets by these tags.
    for (const subnet of this.vpc.selectSubnets({ subnetGroupName: 'public' }).subnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    for (const subnet of this.vpc.selectSubnets({ subnetGroupName: 'cluster' }).subnets) Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    // The EKS cluster construct tags every private subnet of the VPC for internal load balancers; the
    // CI and CD planes hold none, so Services never place one there.
    for (const plane of ['ci', 'cd'] as const) {
      for (const subnet of this.vpc.selectSubnets({ subnetGroupName: plane }).subnets) Tags.of(subnet).remove('kubernetes.io/role/internal-elb', { priority: 1000 });
    }

    this.cdPlaneSecurityGroup = new ec2.SecurityGroup(this, 'CdPlaneSecurityGroup', {
      vpc: this.vpc,
      description: 'CD plane: CD agents and the kubectl handler; the only source the cluster API accepts',
    });

    const flowLogKey = new PlatformKey(this, 'FlowLogKey', { description: 'Encrypts the VPC flow logs' }).allowCloudWatchLogs();
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: flowLogKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: { subnetGroupName: 'endpoints' },
        securityGroups: [this.endpointSecurityGroup],
        open: false,
      });
    }
  }

  /** The subnets of one plane, for placing agents, nodes or load balancers. */
  public plane(plane: NetworkPlane): ec2.SubnetSelection {
    return { subnetGroupName: plane };
  }
}
