import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { componentPipeline } from '../ci/component-pipeline';
import { deliveryPipeline } from '../ci/delivery-pipeline';
import { approvers, CascVariables, CiOwner, deliveryJobName, jenkinsCascYaml, repositoryCredentialId } from '../ci/jenkins-casc';
import { FLEETS, PlatformSpec } from '../config/schema';
import { AgentFleet } from '../constructs/agent-fleet';
import { BuildStatistics } from '../constructs/build-statistics';
import { JenkinsController } from '../constructs/jenkins-controller';
import { PlatformKey } from '../constructs/platform-key';
import { TranslatorService } from '../constructs/translator-service';
import { JenkinsControllerRole } from '../constructs/controller-identity';
import { hasCiJob, maturityOf } from '../lifecycle/maturity';
import { WebhookRelay } from '../constructs/webhook-relay';
import { ImageParameters } from './images-stack';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface CiStackProps extends PlatformStackProps {
  readonly ci: PlatformSpec['ci'];
  readonly vpc: ec2.IVpc;
  readonly ciSubnets: ec2.SubnetSelection;
  readonly cdSubnets: ec2.SubnetSelection;
  /** The CD plane's identity: CD agents carry it, the cluster API admits it. */
  readonly cdPlaneSecurityGroup: ec2.ISecurityGroup;
  /**
   * Owners (platform, pilots) whose components CI builds: their developers (for maturity), their
   * registry publisher and promoter roles and, for pilots with CD, their cluster deployer role.
   */
  readonly owners: readonly CiStackOwner[];
  /** Name of the EKS cluster CD deploys to. */
  readonly clusterName: string;
  /** Name of the platform: names the controller's task role, which the other stacks trust. */
  readonly platformName: string;
  /** The controller images' repository (Platform-Images). */
  readonly controllerRepository: ecr.IRepository;
}

export interface CiStackOwner extends CiOwner {
  readonly developers: readonly string[];
  readonly publisher: iam.IRole;
  readonly promoter: iam.IRole;
  /** @default - no CD: the owner has no deployer */
  readonly deployer?: iam.IRole;
}

/** Jenkins: controller, the x86 / Graviton / CD agent fleets, and the webhook relay. */
export class CiStack extends PlatformStack {
  public readonly controller: JenkinsController;
  public readonly fleets: readonly AgentFleet[];

  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id, props);
    const logKey = new PlatformKey(this, 'LogKey', { description: 'Encrypts the CI logs' }).allowCloudWatchLogs();
    const agentKey = new ec2.KeyPair(this, 'AgentKey', { type: ec2.KeyPairType.RSA });

    this.fleets = FLEETS.map((fleet) => {
      const spec = props.ci.fleets[fleet];
      return new AgentFleet(this, `Fleet-${fleet}`, {
        vpc: props.vpc,
        subnets: fleet === 'cd' ? props.cdSubnets : props.ciSubnets,
        label: fleet,
        instanceTypes: spec.instanceTypes.map((t) => new ec2.InstanceType(t)),
        maxSize: spec.maxSize,
        spot: spec.spot,
        keyPair: agentKey,
        securityGroups: fleet === 'cd' ? [props.cdPlaneSecurityGroup] : [],
        imageParameterName: ImageParameters.agent(props.platformName, fleet),
      });
    });
    const [x64, arm64] = this.fleets;
    // Agents assume nothing. The controller assumes an owner's roles for that owner's jobs only,
    // when a job binds its folder's aws-credentials (lib/ci/pipeline-credentials.ts).
    const taskRole = new iam.Role(this, 'ControllerTaskRole', {
      roleName: JenkinsControllerRole.name(props.platformName, this.region),
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Jenkins controller: binds per-folder AWS credentials (publisher, deployer, promoter) to one job at a time',
    });
    const bindable = props.owners.flatMap((o) => [o.publisher, o.promoter, ...(o.deployer ? [o.deployer] : [])]);
    taskRole.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: bindable.map((r) => r.roleArn) }));

    // No job below maturity level 1 (CI cannot read or is not triggered yet).
    const ciOwners: CiStackOwner[] = props.owners.map((o) => ({ ...o, components: o.components.filter((c) => hasCiJob(c, o)) }));

    const statistics = new BuildStatistics(this, 'BuildStatistics', {
      components: ciOwners.flatMap((o) => o.components.map((c) => ({ key: `${o.name}/${c.name}`, repository: c.repository, architectures: c.architectures }))),
      gitHosts: props.ci.commitStatus,
      logKey,
    });
    for (const builders of [x64, arm64]) statistics.grantReport(builders.role);

    const registry = `${this.account}.dkr.ecr.${this.region}.amazonaws.com`;
    const ownerByName = new Map(props.owners.map((o) => [o.name, o]));
    const casc = jenkinsCascYaml({
      ci: props.ci,
      region: this.region,
      owners: ciOwners,
      pipelineOf: (owner, component) =>
        componentPipeline({
          owner: owner.name,
          component,
          maturity: maturityOf(component, ownerByName.get(owner.name)!),
          registry,
          account: this.account,
          region: this.region,
          deliveryJob: component.cd ? deliveryJobName(owner.name, component.name) : undefined,
          buildStatsVariable: CascVariables.buildStatsFunction,
        }),
      deliveryOf: (owner, component) =>
        deliveryPipeline({
          owner: owner.name,
          component,
          registry,
          account: this.account,
          region: this.region,
          repositoryCredentialId: repositoryCredentialId(owner.name, component.name),
          clusterNameVariable: CascVariables.clusterName,
        }),
    });

    const environment: Record<string, string> = {};
    for (const fleet of this.fleets) environment[CascVariables.fleetGroup(fleet.label as (typeof FLEETS)[number])] = fleet.autoScalingGroup.autoScalingGroupName;
    // Role ARNs for the folders' aws-credentials (JCasC reads them on the controller).
    for (const owner of ciOwners) {
      environment[CascVariables.publisherRole(owner.name)] = owner.publisher.roleArn;
      environment[CascVariables.promoterRole(owner.name)] = owner.promoter.roleArn;
      if (owner.deployer) environment[CascVariables.deployerRole(owner.name)] = owner.deployer.roleArn;
    }
    environment[CascVariables.clusterName] = props.clusterName;
    environment[CascVariables.buildStatsFunction] = statistics.ingest.functionName;

    const secrets: Record<string, ecs.Secret> = { [CascVariables.agentSshKey]: ecs.Secret.fromSsmParameter(agentKey.privateKey) };
    for (const owner of ciOwners) {
      for (const component of owner.components) {
        const key = new secretsmanager.Secret(this, `RepoKey-${owner.name}-${component.name}`, {
          secretName: `iiot/ci/${owner.name}/${component.name}/deploy-key`,
          description: `Read-only deploy key (private, OpenSSH) for ${component.repository}: replace the generated value with the real key`,
          generateSecretString: { passwordLength: 32, excludePunctuation: true },
        });
        Validations.of(key).acknowledge({
          id: 'AwsSolutions::AwsSolutions-SMG4',
          reason: 'A deploy key is rotated by registering a new public key on the Git host; Secrets Manager cannot do that.',
        });
        secrets[CascVariables.repositoryKey(owner.name, component.name)] = ecs.Secret.fromSecretsManager(key);
      }
    }

    // Approvers log in to Jenkins with generated passwords (Secrets Manager, one per user).
    for (const user of approvers(ciOwners)) {
      const password = new secretsmanager.Secret(this, `UserPassword-${user}`, {
        secretName: `iiot/ci/users/${user}`,
        description: `Jenkins password of approver ${user}`,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
      Validations.of(password).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason: 'JCasC reads the password at controller start; rotating means a new value plus a service restart (runbook).',
      });
      secrets[CascVariables.userPassword(user)] = ecs.Secret.fromSecretsManager(password);
    }

    this.controller = new JenkinsController(this, 'Jenkins', {
      vpc: props.vpc,
      subnets: props.ciSubnets,
      // The newest clean controller build (digest), as the rollout gate last wrote it: read at each
      // deploy of this stack, which fails while no clean build exists yet (runbook: first deploy).
      image: ssm.StringParameter.valueForStringParameter(this, ImageParameters.controller(props.platformName)),
      imageRepository: props.controllerRepository,
      hostname: props.ci.jenkins.hostname,
      certificateArn: props.ci.jenkins.certificateArn,
      allowedCidrs: props.ci.jenkins.allowedCidrs,
      casc,
      environment,
      secrets,
      fleets: this.fleets,
      logKey,
      taskRole,
    });

    new WebhookRelay(this, 'Webhooks', {
      vpc: props.vpc,
      subnets: props.ciSubnets,
      jenkins: this.controller,
      jenkinsHostname: props.ci.jenkins.hostname,
      certificateArn: props.ci.jenkins.certificateArn,
      repositories: ciOwners.flatMap((o) => o.components.map((c) => c.repository)),
      logKey,
    });
    new TranslatorService(this, 'Translator', { logKey });
    new CfnOutput(this, 'JenkinsLoadBalancer', {
      value: this.controller.loadBalancer.loadBalancerDnsName,
      description: `Point ${props.ci.jenkins.hostname} (internal DNS) here`,
    });
    new CfnOutput(this, 'JenkinsAdminPasswordSecret', { value: this.controller.adminPassword.secretArn });
    new CfnOutput(this, 'BuildStatisticsDashboard', { value: statistics.dashboard.dashboardName });
  }
}
