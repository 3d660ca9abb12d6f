import { CfnCondition, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ArchitectureName, KUBERNETES_VERSIONS } from '../config/schema';
import { kubectlLayerFor } from './kubectl-layers';
import { PlatformKey } from './platform-key';

/** One managed node group's sizing. */
export interface NodeGroupSpec {
  /** Instance types, all of the group's architecture. */
  readonly instanceTypes: readonly ec2.InstanceType[];
  readonly minSize: number;
  readonly maxSize: number;
  /** @default minSize */
  readonly desiredSize?: number;
}

export interface PlatformClusterProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the cluster plane: control-plane ENIs and nodes. */
  readonly clusterSubnets: ec2.SubnetSelection;
  /** The CD plane's security group: the only source the API endpoint accepts. */
  readonly cdPlaneSecurityGroup: ec2.ISecurityGroup;
  readonly kubernetesVersion: (typeof KUBERNETES_VERSIONS)[number];
  /** Node groups per architecture. */
  readonly nodeGroups: Readonly<Record<ArchitectureName, NodeGroupSpec>>;
  /**
   * Roles with cluster-admin access (operators).
   * @default - none
   */
  readonly adminRoleArns?: readonly string[];
  /**
   * CIDRs allowed to a public API endpoint.
   * @default - private endpoint only
   */
  readonly publicEndpointCidrs?: readonly string[];
  /**
   * Extra labels of the x86 nodes (the default pool).
   * @default - none
   */
  readonly x86NodeLabels?: Readonly<Record<string, string>>;
}

/** Node label and taint key by which workloads choose an architecture. */
export const ARCH_LABEL = 'iiot-platform/arch';
/** Kernel setting CrateDB needs on the node (set at boot; no privileged pod). */
const NODE_SYSCTLS = 'vm.max_map_count=262144';

/**
 * The EKS cluster: native AWS::EKS::Cluster (aws-eks-v2), private API reachable only from the CD
 * plane, secrets envelope-encrypted with a platform key, all control-plane logs, x86 and Graviton
 * managed node groups, EBS CSI and CloudWatch observability add-ons through Pod Identity. The
 * delivering pilots' deployers and their access entries live in the pilots' stacks (PilotDeployer).
 */
export class PlatformCluster extends Construct {
  public readonly cluster: eks.Cluster;
  public readonly nodeGroups: readonly eks.Nodegroup[];

  constructor(scope: Construct, id: string, props: PlatformClusterProps) {
    super(scope, id);

    // Control-plane ENIs accept the API only from the CD plane; nodes reach it through the
    // cluster security group EKS manages for node <-> control-plane traffic.
    const controlPlane = new ec2.SecurityGroup(this, 'ControlPlaneSecurityGroup', {
      vpc: props.vpc,
      description: 'EKS API endpoint: HTTPS from the CD plane only',
    });
    controlPlane.addIngressRule(props.cdPlaneSecurityGroup, ec2.Port.tcp(443), 'Kubernetes API from the CD plane');

    const publicCidrs = props.publicEndpointCidrs ?? [];
    this.cluster = new eks.Cluster(this, 'Cluster', {
      version: eks.KubernetesVersion.of(props.kubernetesVersion),
      vpc: props.vpc,
      vpcSubnets: [props.clusterSubnets],
      securityGroup: controlPlane,
      endpointAccess: publicCidrs.length > 0 ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...publicCidrs) : eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: new PlatformKey(this, 'SecretsKey', { description: 'Envelope encryption of Kubernetes secrets' }),
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      bootstrapClusterCreatorAdminPermissions: false,
      // With a private endpoint CDK runs the kubectl handler in the cluster's subnets; its security
      // group is the CD plane's, so it reaches the API exactly as the CD agents do.
      kubectlProviderOptions: {
        kubectlLayer: kubectlLayerFor(this, 'KubectlLayer', props.kubernetesVersion),
        securityGroups: [props.cdPlaneSecurityGroup],
      },
    });

    acknowledgeManagedPolicies(this.cluster.role, ['AmazonEKSClusterPolicy'], 'The EKS service role policy is AWS-maintained and required by EKS.');
    acknowledgeKubectlProvider(this.cluster);

    props.adminRoleArns?.forEach((arn, i) =>
      this.cluster.grantAccess(`Admin${i}`, arn, [
        eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER }),
      ]),
    );

    this.nodeGroups = (['amd64', 'arm64'] as const).map((arch) =>
      this.nodeGroup(arch, props.nodeGroups[arch], props.clusterSubnets, arch === 'amd64' ? (props.x86NodeLabels ?? {}) : {}),
    );
    this.addOns();
  }

  private nodeGroup(arch: ArchitectureName, spec: NodeGroupSpec, subnets: ec2.SubnetSelection, labels: Readonly<Record<string, string>>): eks.Nodegroup {
    const userData = new ec2.MultipartUserData();
    const boot = ec2.UserData.forLinux();
    boot.addCommands(`echo '${NODE_SYSCTLS}' > /etc/sysctl.d/90-iiot-platform.conf`, 'sysctl --system');
    userData.addPart(ec2.MultipartBody.fromUserData(boot));
    const launchTemplate = new ec2.LaunchTemplate(this, `${arch}LaunchTemplate`, {
      userData,
      requireImdsv2: true,
      // Pods cannot reach the node's metadata (and its role): everything that needs AWS uses Pod Identity.
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(80, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }) }],
    });
    const nodeGroup = this.cluster.addNodegroupCapacity(`${arch}Nodes`, {
      amiType: arch === 'arm64' ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD : eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      instanceTypes: [...spec.instanceTypes],
      minSize: spec.minSize,
      maxSize: spec.maxSize,
      desiredSize: spec.desiredSize ?? spec.minSize,
      subnets,
      launchTemplateSpec: { id: launchTemplate.launchTemplateId!, version: launchTemplate.latestVersionNumber },
      labels: { ...labels, [ARCH_LABEL]: arch },
      // x86 is the default pool; arm64 nodes take only workloads that say they run there.
      taints: arch === 'arm64' ? [{ key: ARCH_LABEL, value: arch, effect: eks.TaintEffect.NO_SCHEDULE }] : undefined,
      enableNodeAutoRepair: true,
    });
    acknowledgeManagedPolicies(
      nodeGroup,
      ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'],
      'EKS worker nodes need these AWS-maintained policies, which AWS updates together with EKS.',
    );
    return nodeGroup;
  }

  /** EBS CSI (volumes for MongoDB, CrateDB, Keycloak) and CloudWatch observability, each with its own Pod Identity role. */
  private addOns(): void {
    const podIdentityAgent = new eks.Addon(this, 'PodIdentityAgent', { cluster: this.cluster, addonName: 'eks-pod-identity-agent' });
    // The pilots' NetworkPolicies only bite when the VPC CNI enforces them.
    const vpcCni = new eks.Addon(this, 'VpcCni', {
      cluster: this.cluster,
      addonName: 'vpc-cni',
      configurationValues: { enableNetworkPolicy: 'true' },
    });
    // EKS bootstraps a self-managed vpc-cni; taking it over with configuration values fails with
    // ConfigurationConflict unless the add-on may overwrite the fields that differ.
    (vpcCni.node.defaultChild as eks.CfnAddon).resolveConflicts = 'OVERWRITE';
    const addOnWithRole = (id: string, addonName: string, namespace: string, serviceAccount: string, managedPolicy: string, why: string) => {
      const role = new iam.Role(this, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(managedPolicy)],
        maxSessionDuration: Duration.hours(1),
      });
      acknowledgeManagedPolicies(role, [managedPolicy], why);
      const association = new eks.CfnPodIdentityAssociation(this, `${id}PodIdentity`, {
        clusterName: this.cluster.clusterName,
        namespace,
        serviceAccount,
        roleArn: role.roleArn,
      });
      association.node.addDependency(podIdentityAgent);
      const addOn = new eks.Addon(this, id, { cluster: this.cluster, addonName });
      addOn.node.addDependency(association);
      for (const group of this.nodeGroups) addOn.node.addDependency(group);
      return addOn;
    };
    addOnWithRole('EbsCsi', 'aws-ebs-csi-driver', 'kube-system', 'ebs-csi-controller-sa', 'service-role/AmazonEBSCSIDriverPolicy',
      'The EBS CSI driver policy is AWS-maintained and tracks the driver; it is scoped by the driver to volumes it creates.');
    addOnWithRole('Observability', 'amazon-cloudwatch-observability', 'amazon-cloudwatch', 'cloudwatch-agent', 'CloudWatchAgentServerPolicy',
      'The CloudWatch agent policy is the AWS-maintained minimum for Container Insights metrics and logs.');
  }
}

/** Acknowledges AWS-managed policies on a role (or the roles below a construct), by exact finding. */
function acknowledgeManagedPolicies(scope: Construct, policies: readonly string[], reason: string): void {
  for (const policy of policies) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`, reason });
  }
}

/**
 * CDK's kubectl provider is deploy-time machinery the cluster construct builds for us: its
 * functions, roles and log groups are not ours to shape beyond what KubectlProviderOptions offers.
 */
function acknowledgeKubectlProvider(cluster: eks.Cluster): void {
  const provider = cluster.node.findChild('KubectlProvider');
  const handler = provider.node.findChild('Handler');
  const handlerId = Stack.of(cluster).getLogicalId(handler.node.defaultChild as CfnElement);
  const reason = "CDK's kubectl provider, which applies manifests and Helm charts at deploy time only";
  acknowledgeManagedPolicies(
    provider,
    ['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonEC2ContainerRegistryReadOnly'],
    reason,
  );
  // The ECR Public read policy is attached only in partitions that have ECR Public (a CfnCondition).
  const hasEcrPublic = handler.node.findAll().find((c) => c instanceof CfnCondition) as CfnCondition;
  const ecrPublic = JSON.stringify({
    'Fn::If': [
      Stack.of(cluster).getLogicalId(hasEcrPublic),
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly']] },
      { Ref: 'AWS::NoValue' },
    ],
  });
  for (const id of [
    `AwsSolutions::AwsSolutions-IAM4[Policy::${ecrPublic}]`,
    `AwsSolutions::AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`,
    'AwsSolutions::AwsSolutions-L1',
    'cdk-validator-cfnguard::lambda_inside_vpc_check',
    'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check',
  ]) {
    Validations.of(provider).acknowledge({ id, reason });
  }
}
