import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import { FLEET_ARCHITECTURE, FLEETS, PlatformSpec } from '../config/schema';
import { RolloutTarget } from '../functions/image-rollout';
import { GoldenImagePipeline } from '../constructs/golden-image-pipeline';
import { ImageBuildInfrastructure } from '../constructs/image-build-infrastructure';
import { agentBuildDocument, agentHardeningDocument, agentTestDocument, controllerPluginsDocument, controllerToolsDocument } from '../constructs/image-components';
import { ImageRolloutGate } from '../constructs/image-rollout-gate';
import { PlatformKey } from '../constructs/platform-key';
import { PlatformStack, PlatformStackProps } from './platform-stack';

type Fleet = (typeof FLEETS)[number];

/** SSM parameters the rollout gate writes and Platform-Ci reads: an operator may also read them. */
export const ImageParameters = {
  agent: (platform: string, fleet: Fleet) => `/iiot/${platform}/images/agent-${fleet}`,
  controller: (platform: string) => `/iiot/${platform}/images/jenkins-controller`,
};

export interface ImagesStackProps extends PlatformStackProps {
  readonly ci: PlatformSpec['ci'];
  readonly vpc: ec2.IVpc;
  /** The CI plane: builds run there (egress for the pinned downloads). */
  readonly buildSubnets: ec2.SubnetSelection;
  readonly platformName: string;
  /**
   * Rebuild schedule (cron, UTC); a scheduled build runs only when a parent image has a newer version.
   * @default 'cron(0 3 ? * MON *)' weekly, Monday 03:00
   */
  readonly schedule?: string;
}

/**
 * Golden images, deployed before Platform-Ci: one agent AMI per fleet (tools pinned, hardened,
 * version-tested) and the Jenkins controller image (pinned core and plugin closure) in an
 * immutable, scanned ECR repository. A clean scan writes the SSM parameter Platform-Ci reads.
 */
export class ImagesStack extends PlatformStack {
  public readonly controllerRepository: ecr.Repository;
  public readonly pipelines: readonly GoldenImagePipeline[];

  constructor(scope: Construct, id: string, props: ImagesStackProps) {
    super(scope, id, props);
    const logKey = new PlatformKey(this, 'LogKey', { description: 'Encrypts the image rollout logs' }).allowCloudWatchLogs();
    const schedule = props.schedule ?? 'cron(0 3 ? * MON *)';
    const subnet = props.vpc.selectSubnets(props.buildSubnets).subnets[0];
    const rolloutTargets: Record<string, RolloutTarget> = {};
    const pipelines: GoldenImagePipeline[] = [];

    for (const fleet of FLEETS) {
      const arch = FLEET_ARCHITECTURE[fleet];
      const name = `iiot-agent-${fleet}`;
      const infrastructure = new ImageBuildInfrastructure(this, `Build-${fleet}`, {
        vpc: props.vpc,
        subnet,
        instanceTypes: [new ec2.InstanceType(props.ci.fleets[fleet].instanceTypes[0])],
      });
      const distribution = new imagebuilder.CfnDistributionConfiguration(this, `Distribution-${fleet}`, {
        name: `${name}-distribution`,
        distributions: [{
          region: this.region,
          // A JSON property in the L1: CloudFormation's own (PascalCase) names.
          amiDistributionConfiguration: { Name: `${name}-{{ imagebuilder:buildDate }}`, AmiTags: { 'iiot-platform': props.platformName, 'iiot-fleet': fleet } },
        }],
      });
      pipelines.push(new GoldenImagePipeline(this, `Agent-${fleet}`, {
        name,
        description: `Jenkins agent AMI of fleet ${fleet} (${arch})`,
        infrastructure: infrastructure.configuration,
        components: [
          { name: `${name}-tools`, document: agentBuildDocument(arch) },
          { name: `${name}-hardening`, document: agentHardeningDocument() },
          { name: `${name}-tool-versions`, document: agentTestDocument() },
        ],
        recipe: (componentArns, version) => ({
          imageRecipeArn: new imagebuilder.CfnImageRecipe(this, `Recipe-${fleet}`, {
            name,
            version,
            // The Image Builder managed Amazon Linux 2023 image, newest version (x.x.x).
            parentImage: Stack.of(this).formatArn({ service: 'imagebuilder', account: 'aws', resource: 'image', resourceName: `amazon-linux-2023-${arch === 'arm64' ? 'arm64' : 'x86'}/x.x.x` }),
            components: componentArns.map((componentArn) => ({ componentArn })),
            blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 100, volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
          }).attrArn,
        }),
        distribution,
        scanning: { imageScanningEnabled: true },
        schedule,
      }));
      rolloutTargets[name] = { parameterName: ImageParameters.agent(props.platformName, fleet), kind: 'ami' };
    }

    this.controllerRepository = new ecr.Repository(this, 'ControllerRepository', {
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      // Kept on update and delete; a failed first deploy removes it, so nothing is left behind.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      lifecycleRules: [{ description: 'Keep the last 30 controller images (rollback targets)', maxImageCount: 30 }],
    });
    const controllerName = 'iiot-jenkins-controller';
    const controllerBuild = new ImageBuildInfrastructure(this, 'Build-controller', {
      vpc: props.vpc,
      subnet,
      instanceTypes: [new ec2.InstanceType('m7i.large')],
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('EC2InstanceProfileForImageBuilderECRContainerBuilds')],
    });
    const targetRepository = { service: 'ECR', repositoryName: this.controllerRepository.repositoryName };
    const controllerDistribution = new imagebuilder.CfnDistributionConfiguration(this, 'Distribution-controller', {
      name: `${controllerName}-distribution`,
      distributions: [{ region: this.region, containerDistributionConfiguration: { TargetRepository: { Service: 'ECR', RepositoryName: this.controllerRepository.repositoryName } } }],
    });
    pipelines.push(new GoldenImagePipeline(this, 'Controller', {
      name: controllerName,
      description: `Jenkins controller image: ${props.ci.jenkins.image} with the pinned plugin closure`,
      infrastructure: controllerBuild.configuration,
      components: [
        { name: `${controllerName}-tools`, document: controllerToolsDocument() },
        { name: `${controllerName}-plugins`, document: controllerPluginsDocument() },
      ],
      recipe: (componentArns, version) => ({
        containerRecipeArn: new imagebuilder.CfnContainerRecipe(this, 'Recipe-controller', {
          name: controllerName,
          version,
          containerType: 'DOCKER',
          parentImage: props.ci.jenkins.image,
          components: componentArns.map((componentArn) => ({ componentArn })),
          targetRepository,
          // Components run as root in the build; the image runs as jenkins, as upstream does.
          dockerfileTemplateData: ['FROM {{{ imagebuilder:parentImage }}}', 'USER root', '{{{ imagebuilder:environments }}}', '{{{ imagebuilder:components }}}', 'USER jenkins'].join('\n'),
        }).attrArn,
      }),
      distribution: controllerDistribution,
      scanning: { imageScanningEnabled: true, ecrConfiguration: { repositoryName: this.controllerRepository.repositoryName } },
      schedule,
    }));
    rolloutTargets[controllerName] = { parameterName: ImageParameters.controller(props.platformName), kind: 'container' };
    this.pipelines = pipelines;

    new ImageRolloutGate(this, 'Rollout', { targets: rolloutTargets, repositories: [this.controllerRepository], logKey });
  }
}
