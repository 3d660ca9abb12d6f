import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { CfnComponentVersion } from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { ArchitectureName } from '../config/schema';

/** Greengrass platform architecture names for Docker platforms. */
const GREENGRASS_ARCHITECTURE: Readonly<Record<ArchitectureName, string>> = { amd64: 'amd64', arm64: 'aarch64' };

/** The nucleus' IPC socket and the component's identity, passed into the container (Greengrass' documented way). */
const IPC_SOCKET = '$AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT';

export interface GreengrassContainerComponentProps {
  /** Greengrass component name (account-wide), e.g. `acme.line-monitor`. */
  readonly componentName: string;
  /** Versions to publish; each runs the prod image tagged with that version. */
  readonly versions: readonly string[];
  /** The prod image repository, e.g. `acme/prod/line-monitor`. */
  readonly repositoryName: string;
  /** Architectures the image is built for; one recipe manifest each. */
  readonly architectures: readonly ArchitectureName[];
  /** Recipe description shown in the Greengrass console. */
  readonly description: string;
  /** Exact versions of the Docker application manager and token exchange service the recipe depends on. */
  readonly dependencies: { readonly dockerApplicationManager: string; readonly tokenExchangeService: string };
  /** Local publish/subscribe topics (MQTT filter syntax) the component may subscribe to over IPC. */
  readonly localTopics: readonly string[];
  /**
   * Recipe digests of versions already published (`<component>@<version>` to `sha256:<hex>`):
   * a version whose recipe differs from its record fails synth, since Greengrass versions are immutable.
   * @default - no record: every version is new
   */
  readonly publishedRecipes?: Readonly<Record<string, string>>;
}

/**
 * A container image from a prod registry as a Greengrass component: the Docker application manager
 * pulls it from ECR with the token exchange role, and the core runs it with host networking and the
 * nucleus' IPC socket, so it consumes the pilot's sensor data on local publish/subscribe while
 * offline and can defer an optional update (SubscribeToComponentUpdates / DeferComponentUpdate).
 * Component versions are immutable in Greengrass: a changed recipe of a recorded version fails here,
 * naming the version to bump.
 */
export class GreengrassContainerComponent extends Construct {
  /** The published versions, by version. */
  public readonly versions: ReadonlyMap<string, CfnComponentVersion>;
  /** Recipe digest per `<component>@<version>`, for the record of published versions. */
  public readonly recipeDigests: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: GreengrassContainerComponentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const container = props.componentName.replace(/\./g, '-');
    const digests = new Map<string, string>();
    this.versions = new Map(
      props.versions.map((version) => {
        const image = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${props.repositoryName}:${version}`;
        const recipe = {
          RecipeFormatVersion: '2020-01-25',
          ComponentName: props.componentName,
          ComponentVersion: version,
          ComponentDescription: props.description,
          ComponentPublisher: 'IIoT platform',
          ComponentDependencies: {
            'aws.greengrass.DockerApplicationManager': { VersionRequirement: `=${props.dependencies.dockerApplicationManager}` },
            'aws.greengrass.TokenExchangeService': { VersionRequirement: `=${props.dependencies.tokenExchangeService}` },
          },
          ComponentConfiguration: {
            DefaultConfiguration: {
              accessControl: {
                'aws.greengrass.ipc.pubsub': {
                  [`${props.componentName}:pubsub:1`]: {
                    policyDescription: 'Sensor data of its pilot on local publish/subscribe',
                    operations: ['aws.greengrass#SubscribeToTopic'],
                    resources: [...props.localTopics],
                  },
                },
              },
            },
          },
          Manifests: props.architectures.map((arch) => ({
            Platform: { os: 'linux', architecture: GREENGRASS_ARCHITECTURE[arch] },
            Lifecycle: {
              Run: [
                `docker run --rm --name ${container} --network host`,
                `-v ${IPC_SOCKET}:${IPC_SOCKET} -e SVCUID -e AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT`,
                image,
              ].join(' '),
              Shutdown: `docker stop ${container}`,
            },
            Artifacts: [{ URI: `docker:${image}` }],
          })),
        };
        const inlineRecipe = stack.toJsonString(recipe);
        const key = `${props.componentName}@${version}`;
        const digest = `sha256:${createHash('sha256').update(JSON.stringify(stack.resolve(inlineRecipe))).digest('hex')}`;
        const recorded = props.publishedRecipes?.[key];
        if (recorded !== undefined && recorded !== digest) {
          throw new Error(
            `${props.componentName} ${version}: its recipe differs from the published one (recorded ${recorded}, now ${digest}). ` +
              `Greengrass component versions are immutable, so this update would be rejected: release the change as a new version (bump ${version}).`,
          );
        }
        digests.set(key, digest);
        const resource = new CfnComponentVersion(this, `V${version.replace(/\./g, '_')}`, { inlineRecipe });
        return [version, resource] as const;
      }),
    );
    this.recipeDigests = digests;
  }
}
