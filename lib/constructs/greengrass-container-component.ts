import { Stack } from 'aws-cdk-lib';
import { CfnComponentVersion } from 'aws-cdk-lib/aws-greengrassv2';
import { Construct } from 'constructs';
import { ArchitectureName } from '../config/schema';

/** Greengrass platform architecture names for Docker platforms. */
const GREENGRASS_ARCHITECTURE: Readonly<Record<ArchitectureName, string>> = { amd64: 'amd64', arm64: 'aarch64' };

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
}

/**
 * A container image from a prod registry as a Greengrass component: the Docker application manager
 * pulls it from ECR with the token exchange role, and the core runs it with host networking so it
 * reaches the local MQTT broker while offline. Component versions are immutable in Greengrass: a
 * changed recipe needs a new version, which promotion gives anyway (prod tags are immutable too).
 */
export class GreengrassContainerComponent extends Construct {
  /** The published versions, by version. */
  public readonly versions: ReadonlyMap<string, CfnComponentVersion>;

  constructor(scope: Construct, id: string, props: GreengrassContainerComponentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const container = props.componentName.replace(/\./g, '-');
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
            'aws.greengrass.DockerApplicationManager': { VersionRequirement: '^2.0.0' },
            'aws.greengrass.TokenExchangeService': { VersionRequirement: '^2.0.0' },
          },
          Manifests: props.architectures.map((arch) => ({
            Platform: { os: 'linux', architecture: GREENGRASS_ARCHITECTURE[arch] },
            Lifecycle: {
              Run: `docker run --rm --name ${container} --network host ${image}`,
              Shutdown: `docker stop ${container}`,
            },
            Artifacts: [{ URI: `docker:${image}` }],
          })),
        };
        const resource = new CfnComponentVersion(this, `V${version.replace(/\./g, '_')}`, { inlineRecipe: stack.toJsonString(recipe) });
        return [version, resource] as const;
      }),
    );
  }
}
