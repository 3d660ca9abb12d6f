import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { componentPipeline } from '../ci/component-pipeline';
import { deliveryPipeline } from '../ci/delivery-pipeline';
import { approvers, CascVariables, CiOwner, deliveryJobName, jenkinsCascYaml } from '../ci/jenkins-casc';
import { pluginSpecs } from '../ci/jenkins-plugins';
import { FLEET_ARCHITECTURE, FLEETS, PlatformSpec } from '../config/schema';
import { AgentFleet } from '../constructs/agent-fleet';
import { BuildStatistics } from '../constructs/build-statistics';
import { JenkinsController } from '../constructs/jenkins-controller';
import { PlatformKey } from '../constructs/platform-key';
import { TranslatorService } from '../constructs/translator-service';
import { RegistryNames } from '../constructs/registry-names';
import { WebhookRelay } from '../constructs/webhook-relay';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface CiStackProps extends PlatformStackProps {
  readonly ci: PlatformSpec['ci'];
  readonly vpc: ec2.IVpc;
  readonly ciSubnets: ec2.SubnetSelection;
  readonly cdSubnets: ec2.SubnetSelection;
  /** The CD plane's identity: CD agents carry it, the cluster API admits it. */
  readonly cdPlaneSecurityGroup: ec2.ISecurityGroup;
  /** Owners (platform, pilots) whose components CI builds, with their registry publisher and promoter roles. */
  readonly owners: readonly (CiOwner & { readonly publisher: iam.IRole; readonly promoter: iam.IRole })[];
  /** The cluster's deployer role, which only CD agents may assume. */
  readonly clusterDeployer: iam.IRole;
  /** Name of the EKS cluster CD deploys to. */
  readonly clusterName: string;
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
        architecture: FLEET_ARCHITECTURE[fleet],
        instanceTypes: spec.instanceTypes.map((t) => new ec2.InstanceType(t)),
        maxSize: spec.maxSize,
        spot: spec.spot,
        keyPair: agentKey,
        duty: fleet === 'cd' ? 'cd-deploy' : 'ci-publish',
        securityGroups: fleet === 'cd' ? [props.cdPlaneSecurityGroup] : [],
      });
    });
    const [x64, arm64, cd] = this.fleets;
    for (const builders of [x64, arm64]) builders.grantAssumeRole(...props.owners.map((o) => o.publisher));
    // CD agents deploy and promote: the cluster deployer and every owner's promoter (prod writer).
    cd.grantAssumeRole(props.clusterDeployer, ...props.owners.map((o) => o.promoter));

    const statistics = new BuildStatistics(this, 'BuildStatistics', {
      components: props.owners.flatMap((o) => o.components.map((c) => ({ key: `${o.name}/${c.name}`, repository: c.repository, architectures: c.architectures }))),
      gitHosts: props.ci.commitStatus,
      logKey,
    });
    for (const builders of [x64, arm64]) statistics.grantReport(builders.role);

    const registry = `${this.account}.dkr.ecr.${this.region}.amazonaws.com`;
    const casc = jenkinsCascYaml({
      ci: props.ci,
      region: this.region,
      owners: props.owners,
      pipelineOf: (owner, component) =>
        componentPipeline({
          owner: owner.name,
          component,
          registry,
          repository: RegistryNames.imageRepository(owner.name, 'dev', component.name),
          region: this.region,
          publisherRoleVariable: CascVariables.publisherRole(owner.name),
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
          variables: {
            deployerRole: CascVariables.deployerRole,
            promoterRole: CascVariables.promoterRole(owner.name),
            clusterName: CascVariables.clusterName,
          },
        }),
    });

    const environment: Record<string, string> = {};
    for (const fleet of this.fleets) environment[CascVariables.fleetGroup(fleet.label as (typeof FLEETS)[number])] = fleet.autoScalingGroup.autoScalingGroupName;
    for (const owner of props.owners) {
      environment[CascVariables.publisherRole(owner.name)] = owner.publisher.roleArn;
      environment[CascVariables.promoterRole(owner.name)] = owner.promoter.roleArn;
    }
    environment[CascVariables.deployerRole] = props.clusterDeployer.roleArn;
    environment[CascVariables.clusterName] = props.clusterName;
    environment[CascVariables.buildStatsFunction] = statistics.ingest.functionName;

    const secrets: Record<string, ecs.Secret> = { [CascVariables.agentSshKey]: ecs.Secret.fromSsmParameter(agentKey.privateKey) };
    for (const owner of props.owners) {
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
    for (const user of approvers(props.owners)) {
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
      image: props.ci.jenkins.image,
      hostname: props.ci.jenkins.hostname,
      certificateArn: props.ci.jenkins.certificateArn,
      allowedCidrs: props.ci.jenkins.allowedCidrs,
      casc,
      plugins: pluginSpecs(),
      environment,
      secrets,
      fleets: this.fleets,
      logKey,
    });

    new WebhookRelay(this, 'Webhooks', {
      vpc: props.vpc,
      subnets: props.ciSubnets,
      jenkins: this.controller,
      jenkinsHostname: props.ci.jenkins.hostname,
      certificateArn: props.ci.jenkins.certificateArn,
      repositories: props.owners.flatMap((o) => o.components.map((c) => c.repository)),
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
