import { ArnFormat, CfnElement, Duration, FileSystem, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { grantScoped } from './artefact-access';
import { AgentFleet } from './agent-fleet';
import { ControllerVariables } from './controller-variables';

/** The document as a file to stage as an asset (its hash is the content's: the same document, the same object key). */
function cascFile(casc: string): string {
  const file = path.join(FileSystem.mkdtemp('iiot-casc'), 'casc.yaml');
  fs.writeFileSync(file, casc);
  return file;
}

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
  /**
   * The JCasC document (YAML): an S3 object (asset) the controller fetches at each start, so its
   * size does not count against the task definition; a change is a new object key, a new task
   * definition revision, and so a rolling restart.
   */
  readonly casc: string;
  /** Values JCasC reads from the environment: a fixed set of deploy-time names. */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets JCasC reads from the environment: a fixed set (the agent key). */
  readonly secrets: Readonly<Record<string, ecs.Secret>>;
  /**
   * SSM path of the parameters holding the JCasC variables that grow with the platform (controller-variables.ts);
   * secrets come from {@link ControllerVariables.secretPrefix}.
   */
  readonly variableParameterPath: string;
  /** The fleets the controller scales through the EC2 Fleet plugin and reaches over SSH. */
  readonly fleets: readonly AgentFleet[];
  /** Key for the controller's logs. */
  readonly logKey: kms.IKey;
  /** The controller's task role (assumed by ECS tasks): the identity the aws-credentials bindings assume roles from. */
  readonly taskRole: iam.IRole;
}

const JENKINS_HOME = '/var/jenkins_home';

/** JCasC's secrets folder (configuration-as-code DockerSecretSource reads `$SECRETS/<variable>`): task-local, never on EFS. */
export const CASC_SECRETS_DIR = '/tmp/casc-secrets';

/** Where the controller image keeps the plugins baked in at build time (lib/constructs/image-components.ts). */
export const IMAGE_PLUGINS = '/usr/share/jenkins/ref/plugins';

/**
 * Start-up, downloading nothing but its own configuration: the JCasC object from S3; every JCasC
 * variable from the SSM parameters under the path and the tagged secrets under the prefix, each
 * into a file of the secrets folder named for its variable (a variable name that is not
 * [A-Z0-9_] stops the start); then JENKINS_HOME's plugins replaced with exactly the image's (so a
 * plugin dropped from the set does not linger on EFS), and Jenkins started as the image does.
 * The AWS CLI paginates list calls itself; its text output separates fields with tabs.
 */
const START = [
  'set -eu',
  'umask 077',
  `aws s3 cp --only-show-errors "$CASC_OBJECT" ${JENKINS_HOME}/casc.yaml.new`,
  `mv ${JENKINS_HOME}/casc.yaml.new ${JENKINS_HOME}/casc.yaml`,
  'rm -rf "$SECRETS" && mkdir -p "$SECRETS"',
  'tab=$(printf \'\\t\')',
  'valid() { case "$1" in ""|*[!A-Z0-9_]*) echo "refusing JCasC variable name [$1]" >&2; exit 1 ;; esac; }',
  `aws ssm get-parameters-by-path --path "$CASC_PARAMETER_PATH" --recursive --query 'Parameters[].[Name,Value]' --output text > /tmp/casc-parameters`,
  'while IFS="$tab" read -r name value; do variable=${name##*/}; valid "$variable"; printf \'%s\' "$value" > "$SECRETS/$variable"; done < /tmp/casc-parameters',
  `aws secretsmanager list-secrets --filters Key=name,Values="$CASC_SECRET_PREFIX" Key=tag-key,Values=${ControllerVariables.secretTag} --query "SecretList[].[ARN,Tags[?Key=='${ControllerVariables.secretTag}']|[0].Value]" --output text > /tmp/casc-secrets.list`,
  'while IFS="$tab" read -r arn variable; do valid "$variable"; aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text > "$SECRETS/$variable"; done < /tmp/casc-secrets.list',
  'rm -f /tmp/casc-parameters /tmp/casc-secrets.list',
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
    const configuration = new s3assets.Asset(this, 'Configuration', { path: cascFile(props.casc) });
    this.grantVariables(taskDefinition.taskRole, configuration, props.variableParameterPath);
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
        CASC_OBJECT: configuration.s3ObjectUrl,
        CASC_PARAMETER_PATH: props.variableParameterPath,
        CASC_SECRET_PREFIX: ControllerVariables.secretPrefix,
        SECRETS: CASC_SECRETS_DIR,
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
      reason: 'The environment holds deploy-time names and where the configuration is; every secret comes from Secrets Manager or SSM.',
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

  /** Reads its configuration object and nothing else of the bucket; its variables' parameters and secrets. */
  private grantVariables(role: iam.IRole, configuration: s3assets.Asset, parameterPath: string): void {
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [configuration.bucket.arnForObjects(configuration.s3ObjectKey)] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParametersByPath'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterPath.slice(1) })],
      }),
    );
    grantScoped(
      role,
      {
        actions: ['secretsmanager:GetSecretValue'],
        resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${ControllerVariables.secretPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      },
      'The JCasC variables: secrets named under the CI prefix (deploy keys, approver passwords), whichever stack adds them; ListSecrets tells which carry a variable tag',
    );
    grantScoped(role, { actions: ['secretsmanager:ListSecrets'], resources: ['*'] }, 'ListSecrets supports no resource-level permissions; the values are read only under the prefix');
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
