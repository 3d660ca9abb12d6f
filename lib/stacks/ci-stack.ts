import { CfnOutput } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { componentPipeline } from '../ci/component-pipeline';
import { deliveryPipeline } from '../ci/delivery-pipeline';
import { approvers, CascVariables, CiOwner, deliveryJobName, jenkinsCascYaml, repositoryCredentialId } from '../ci/jenkins-casc';
import { FLEETS, PlatformSpec } from '../config/schema';
import { AgentFleet } from '../constructs/agent-fleet';
import { grantScoped } from '../constructs/artefact-access';
import { BuildStatistics } from '../constructs/build-statistics';
import { CiOwnerCredentials } from '../constructs/ci-owner-credentials';
import { ControllerVariables, controllerSecret } from '../constructs/controller-variables';
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
   * Owners (platform, pilots) whose components CI builds, with their developers (for maturity).
   * Their roles are not referenced: the controller finds their ARNs at start (controller-variables.ts).
   */
  readonly owners: readonly CiStackOwner[];
  /** Name of the EKS cluster CD deploys to. */
  readonly clusterName: string;
  /** Name of the platform: names the controller's task role, which the other stacks trust. */
  readonly platformName: string;
  /** The controller images' repository (Platform-Images). */
  readonly controllerRepository: ecr.IRepository;
  /** Name of the platform's own owner among `owners`: its folder credentials live in this stack, the pilots' in theirs. */
  readonly platformOwner: string;
}

export interface CiStackOwner extends CiOwner {
  readonly developers: readonly string[];
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
    // Agents assume nothing. The controller assumes an owner's roles for that owner's jobs only,
    // when a job binds its folder's aws-credentials (lib/ci/pipeline-credentials.ts).
    const taskRole = new iam.Role(this, 'ControllerTaskRole', {
      roleName: JenkinsControllerRole.name(props.platformName, this.region),
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Jenkins controller: binds per-folder AWS credentials (publisher, deployer, promoter) to one job at a time',
    });
    // Every publisher, promoter and deployer is on the bindable path: one statement for any number of pilots.
    const bindable = this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${JenkinsControllerRole.bindablePath(props.platformName).slice(1)}*` });
    grantScoped(
      taskRole,
      { actions: ['sts:AssumeRole'], resources: [bindable] },
      "Exactly the roles on the platform's bindable path (publishers, promoters, deployers), which trust only this role; each job binds only its own folder's.",
    );

    // No job below maturity level 1 (CI cannot read or is not triggered yet).
    const ciOwners: CiStackOwner[] = props.owners.map((o) => ({ ...o, components: o.components.filter((c) => hasCiJob(c, o)) }));

    const buildComponents = (o: CiOwner) => o.components.map((c) => ({ key: `${o.name}/${c.name}`, repository: c.repository, architectures: c.architectures }));
    const statistics = new BuildStatistics(this, 'BuildStatistics', {
      components: ciOwners.flatMap(buildComponents),
      graphedComponents: ciOwners.filter((o) => o.name === props.platformOwner).flatMap(buildComponents),
      gitHosts: props.ci.commitStatus,
      platformName: props.platformName,
      logKey,
    });

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
          buildStatsVariable: CascVariables.buildStatsUrl,
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

    // A fixed set of deploy-time names; what grows with the owners is read at start (controller-variables.ts).
    const environment: Record<string, string> = {};
    for (const fleet of this.fleets) environment[CascVariables.fleetGroup(fleet.label as (typeof FLEETS)[number])] = fleet.autoScalingGroup.autoScalingGroupName;
    environment[CascVariables.clusterName] = props.clusterName;
    environment[CascVariables.buildStatsUrl] = statistics.ingestUrl.url;
    const secrets: Record<string, ecs.Secret> = { [CascVariables.agentSshKey]: ecs.Secret.fromSsmParameter(agentKey.privateKey) };

    // The platform's own folder credentials; each pilot's are in its Pilot-<name>-Ci stack.
    const platformOwner = ciOwners.find((o) => o.name === props.platformOwner);
    if (platformOwner) new CiOwnerCredentials(this, 'PlatformCredentials', { owner: platformOwner.name, components: platformOwner.components, platformName: props.platformName });

    // Approvers log in to Jenkins with generated passwords (Secrets Manager, one per user).
    for (const user of approvers(ciOwners)) {
      controllerSecret(this, `UserPassword-${user}`, {
        name: `iiot/ci/users/${user}`,
        description: `Jenkins password of approver ${user}`,
        variable: CascVariables.userPassword(user),
        noRotationReason: 'JCasC reads the password at controller start; rotating means a new value plus a service restart (runbook).',
      });
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
      variableParameterPath: ControllerVariables.parameterPath(props.platformName),
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
