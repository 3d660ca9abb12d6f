import { CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { gzipSync } from 'zlib';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { grantScoped } from './artefact-access';
import { AgentFleet } from './agent-fleet';

export interface JenkinsControllerProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the CI plane: controller, its file system and its internal load balancer. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Controller image by digest (`<repository uri>@sha256:...`): the pinned core with the pinned
   * plugin closure baked in (lib/stacks/images-stack.ts).
   */
  readonly image: string;
  /** Repository `image` is in: the task pulls from it. */
  readonly imageRepository: ecr.IRepository;
  /** Host name Jenkins is served as; the certificate covers it. */
  readonly hostname: string;
  readonly certificateArn: string;
  /** Networks allowed to the UI. */
  readonly allowedCidrs: readonly string[];
  /** The JCasC document (YAML). */
  readonly casc: string;
  /** Values JCasC reads from the environment (deploy-time names, role ARNs). */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets JCasC reads from the environment (agent key, repository keys). */
  readonly secrets: Readonly<Record<string, ecs.Secret>>;
  /** The fleets the controller scales through the EC2 Fleet plugin and reaches over SSH. */
  readonly fleets: readonly AgentFleet[];
  /** Key for the controller's logs. */
  readonly logKey: kms.IKey;
  /** The controller's task role (assumed by ECS tasks): the identity the aws-credentials bindings assume roles from. */
  readonly taskRole: iam.IRole;
}

const JENKINS_HOME = '/var/jenkins_home';

/** Budget for the compressed JCasC, leaving room in the 64 KiB task definition for everything else. */
export const CASC_BUDGET_BYTES = 48 * 1024;

/** The JCasC document gzipped (deterministic: no timestamp in the header) and base64-encoded. */
export function compressedCasc(casc: string): string {
  const encoded = gzipSync(Buffer.from(casc, 'utf8'), { level: 9 }).toString('base64');
  if (encoded.length > CASC_BUDGET_BYTES) {
    throw new Error(
      `The Jenkins configuration is ${encoded.length} bytes compressed, over the ${CASC_BUDGET_BYTES}-byte budget of the controller's task definition: split the platform's components over more controllers`,
    );
  }
  return encoded;
}

/** Where the controller image keeps the plugins baked in at build time (lib/constructs/image-components.ts). */
export const IMAGE_PLUGINS = '/usr/share/jenkins/ref/plugins';

/**
 * Start-up, downloading nothing: write the JCasC file, replace JENKINS_HOME's plugins with exactly
 * the image's (so a plugin dropped from the set does not linger on EFS), then start Jenkins as the
 * image does.
 */
const START = [
  'set -eu',
  `printf '%s' "$CASC_GZIP_BASE64" | base64 -d | gunzip > ${JENKINS_HOME}/casc.yaml`,
  `rm -rf ${JENKINS_HOME}/plugins.new`,
  `cp -R ${IMAGE_PLUGINS} ${JENKINS_HOME}/plugins.new`,
  `rm -rf ${JENKINS_HOME}/plugins && mv ${JENKINS_HOME}/plugins.new ${JENKINS_HOME}/plugins`,
  'exec /usr/bin/tini -- /usr/local/bin/jenkins.sh',
].join('\n');

/**
 * The Jenkins controller on ECS Fargate: JENKINS_HOME on encrypted EFS (retained, backed up by
 * AWS Backup), configured only by the generated JCasC, admin password generated into Secrets
 * Manager, HTTPS on an internal load balancer in the CI plane.
 */
export class JenkinsController extends Construct implements ec2.IConnectable {
  public readonly connections: ec2.Connections;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly adminPassword: secretsmanager.Secret;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: JenkinsControllerProps) {
    super(scope, id);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Jenkins controller' });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    const home = new efs.FileSystem(this, 'Home', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      encrypted: true,
      enableAutomaticBackups: true,
      removalPolicy: RemovalPolicy.RETAIN,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.ELASTIC,
    });
    home.connections.allowDefaultPortFrom(securityGroup, 'JENKINS_HOME from the controller');
    // The image runs as jenkins (uid 1000).
    const accessPoint = home.addAccessPoint('JenkinsHome', {
      path: '/jenkins-home',
      posixUser: { uid: '1000', gid: '1000' },
      createAcl: { ownerUid: '1000', ownerGid: '1000', permissions: '750' },
    });

    this.adminPassword = new secretsmanager.Secret(this, 'AdminPassword', {
      description: 'Jenkins admin password (user admin)',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    Validations.of(this.adminPassword).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'JCasC reads the password at controller start; rotating means a new value plus a service restart (README runbook).',
    });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      taskRole: props.taskRole,
      cpu: 2048,
      memoryLimitMiB: 8192,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      volumes: [
        // Jenkins and the JVM write temporary files; the root file system stays read-only.
        { name: 'tmp' },
        {
          name: 'jenkins-home',
          efsVolumeConfiguration: {
            fileSystemId: home.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: 'ENABLED' },
          },
        },
      ],
    });
    const executionRole = taskDefinition.obtainExecutionRole();
    props.imageRepository.grantPull(executionRole);
    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions; the pull itself is scoped to the controller repository.',
    });
    home.grant(taskDefinition.taskRole, 'elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite');
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.RETAIN });
    const container = taskDefinition.addContainer('jenkins', {
      image: ecs.ContainerImage.fromRegistry(props.image),
      entryPoint: ['/bin/sh', '-c'],
      command: [START],
      portMappings: [{ containerPort: 8080 }],
      // The image's jenkins user (uid 1000), which also owns JENKINS_HOME on EFS.
      user: '1000:1000',
      readonlyRootFilesystem: true,
      memoryLimitMiB: 8192,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'jenkins' }),
      environment: {
        ...props.environment,
        // Compressed: ECS caps a task definition at 64 KiB, and each component's job adds ~8 KiB of YAML.
        CASC_GZIP_BASE64: compressedCasc(props.casc),
        CASC_JENKINS_CONFIG: `${JENKINS_HOME}/casc.yaml`,
        // No setup wizard (JCasC configures everything); notifyCommit may only trigger scans (see webhook relay).
        JAVA_OPTS: '-Djenkins.install.runSetupWizard=false -Dhudson.plugins.git.GitStatus.NOTIFY_COMMIT_ACCESS_CONTROL=disabled-for-polling',
      },
      secrets: { ...props.secrets, JENKINS_ADMIN_PASSWORD: ecs.Secret.fromSecretsManager(this.adminPassword) },
    });
    container.addMountPoints(
      { containerPath: JENKINS_HOME, sourceVolume: 'jenkins-home', readOnly: false },
      { containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false },
    );
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ECS2',
      reason: 'The environment holds the JCasC document, pinned plugin list and deploy-time names; every secret comes from Secrets Manager or SSM.',
    });

    this.grantFleetControl(taskDefinition.taskRole, props.fleets);
    for (const fleet of props.fleets) fleet.allowLauncher(this);

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: 1,
      // One controller owns JENKINS_HOME: stop the old task before starting the new one.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      circuitBreaker: { rollback: true },
      healthCheckGracePeriod: Duration.minutes(15),
    });

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', { receives: 'the Jenkins load balancer access logs' });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      dropInvalidHeaderFields: true,
      deletionProtection: true,
    });
    this.loadBalancer.logAccessLogs(accessLogs, 'jenkins');
    const listener = this.loadBalancer.addListener('Https', {
      port: 443,
      open: false,
      certificates: [acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    for (const cidr of props.allowedCidrs) this.loadBalancer.connections.allowFrom(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'Jenkins UI');
    listener.addTargets('Controller', {
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      healthCheck: { path: '/login', healthyHttpCodes: '200' },
      deregistrationDelay: Duration.seconds(30),
    });
  }

  /** What the EC2 Fleet plugin calls: describe everything, change only the agent groups. */
  private grantFleetControl(role: iam.IRole, fleets: readonly AgentFleet[]): void {
    grantScoped(
      role,
      { actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'ec2:DescribeRegions'], resources: ['*'] },
      'Describe calls of Auto Scaling and EC2 support no resource-level permissions',
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: fleets.map((f) => f.autoScalingGroup.autoScalingGroupArn),
      }),
    );
    // A group's ARN carries its generated id as `*`; the name pins each statement to one group.
    const stack = Stack.of(this);
    for (const fleet of fleets) {
      const logicalId = stack.getLogicalId(fleet.autoScalingGroup.node.defaultChild as CfnElement);
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:autoscaling:${stack.region}:${stack.account}:autoScalingGroup:*:autoScalingGroupName/<${logicalId}>]`,
        reason: 'Exactly one agent group, by name; the group id in its ARN is not known before it exists.',
      });
    }
  }
}
