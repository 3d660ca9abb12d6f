import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { FLEET_ARCHITECTURE, FLEETS, PlatformSpec } from '../config/schema';
import { RolloutTarget } from '../functions/image-rollout';
import { GoldenImagePipeline } from '../constructs/golden-image-pipeline';
import { ImageBuildInfrastructure } from '../constructs/image-build-infrastructure';
import { ImageBuildTrigger } from '../constructs/image-build-trigger';
import { ImageLifecycle } from '../constructs/image-lifecycle';
import { agentBuildDocument, agentHardeningDocument, agentTestDocument, controllerPluginsDocument, controllerToolsDocument, GOLDEN_IMAGE_VERSIONS } from '../constructs/image-components';
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
  /**
   * Digests of deployed image versions (the config's image-recipes.lock.json): a changed document
   * or recipe under a recorded version fails synth, naming the version to bump.
   * @default {} nothing recorded
   */
  readonly publishedImages?: Readonly<Record<string, string>>;
}

/**
 * Golden images, deployed before Platform-Ci: one agent AMI per fleet (tools pinned, hardened,
 * version-tested) and the Jenkins controller image (pinned core and plugin closure) in an
 * immutable, scanned ECR repository. A clean scan writes the SSM parameter Platform-Ci reads; the
 * first deploy completes only once every parameter is written, so Platform-Ci (its controller
 * task's digest, its fleets' AMIs) always finds them. Old images beyond `ci.images.keep` are
 * deleted, never the one a parameter names.
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
    const trigger = new ImageBuildTrigger(this, 'BuildTrigger', { logKey });

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
        version: GOLDEN_IMAGE_VERSIONS.agent,
        versionSource: 'GOLDEN_IMAGE_VERSIONS.agent in lib/constructs/image-components.ts',
        published: props.publishedImages,
        recipe: {
          kind: 'ami',
          properties: {
            // The Image Builder managed Amazon Linux 2023 image, newest version (x.x.x). The partition is
            // the region's, not a token: the recipe's digest (version lock) must not depend on feature flags.
            parentImage: Stack.of(this).formatArn({
              partition: RegionInfo.get(this.region).partition,
              service: 'imagebuilder',
              account: 'aws',
              resource: 'image',
              resourceName: `amazon-linux-2023-${arch === 'arm64' ? 'arm64' : 'x86'}/x.x.x`,
            }),
            blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 100, volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
          },
        },
        distribution,
        scanning: { imageScanningEnabled: true },
        schedule,
        trigger,
      }));
      rolloutTargets[name] = { parameterName: ImageParameters.agent(props.platformName, fleet), kind: 'ami' };
    }

    this.controllerRepository = new ecr.Repository(this, 'ControllerRepository', {
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      // Kept on update and delete; a failed first deploy removes it, so nothing is left behind.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      // Tagged images are the Image Builder lifecycle policy's to delete (it spares the one in use);
      // an untagged one (e.g. left by an interrupted push) is never in use.
      lifecycleRules: [{ description: 'Untagged images expire', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) }],
    });
    // A failed first deploy deletes the repository (RetainExceptOnCreate), which fails while it holds
    // images: a controller build may have pushed before another image was refused. Emptied then; never
    // on a later delete, which retains it.
    (this.controllerRepository.node.defaultChild as ecr.CfnRepository).emptyOnDelete = true;
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
      version: GOLDEN_IMAGE_VERSIONS.controller,
      versionSource: 'GOLDEN_IMAGE_VERSIONS.controller in lib/constructs/image-components.ts',
      published: props.publishedImages,
      recipe: {
        kind: 'container',
        properties: {
          containerType: 'DOCKER',
          parentImage: props.ci.jenkins.image,
          targetRepository,
          // Components run as root in the build; the image runs as jenkins, as upstream does.
          dockerfileTemplateData: ['FROM {{{ imagebuilder:parentImage }}}', 'USER root', '{{{ imagebuilder:environments }}}', '{{{ imagebuilder:components }}}', 'USER jenkins'].join('\n'),
        },
      },
      distribution: controllerDistribution,
      scanning: { imageScanningEnabled: true, ecrConfiguration: { repositoryName: this.controllerRepository.repositoryName } },
      schedule,
      trigger,
    }));
    rolloutTargets[controllerName] = { parameterName: ImageParameters.controller(props.platformName), kind: 'container' };
    this.pipelines = pipelines;

    const gate = new ImageRolloutGate(this, 'Rollout', {
      targets: rolloutTargets,
      repositories: [this.controllerRepository],
      logKey,
      firstImageSignals: Object.fromEntries(pipelines.map((p) => [p.pipeline.name, p.firstImageSignal])),
    });
    // The gate listens before any build starts, so no first image's outcome goes unseen.
    for (const p of pipelines) p.build.node.addDependency(gate.function, gate.rule);

    const executionRole = ImageLifecycle.executionRole(this, 'LifecycleRole');
    const names = (kind: RolloutTarget['kind']) => Object.entries(rolloutTargets).filter(([, t]) => t.kind === kind).map(([n]) => n);
    for (const [id, resourceType, kind] of [['AmiLifecycle', 'AMI_IMAGE', 'ami'], ['ContainerLifecycle', 'CONTAINER_IMAGE', 'container']] as const) {
      const lifecycle = new ImageLifecycle(this, id, { name: `iiot-${props.platformName}-golden-${kind}`, recipes: names(kind), resourceType, keep: props.ci.images.keep, executionRole });
      // Recipes exist before a policy selects them.
      lifecycle.node.addDependency(...pipelines.map((p) => p.pipeline));
    }
  }
}
