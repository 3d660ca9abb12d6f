import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformSpec } from '../config/schema';
import { ArtefactTarget } from '../constructs/artefact-access';
import { JenkinsControllerRole } from '../constructs/controller-identity';
import { controllerParameter } from '../constructs/controller-variables';
import { CascVariables } from '../ci/jenkins-casc';
import { ArtefactRegistry, RegistryComponent } from '../constructs/artefact-registry';
import { RegistryRoles } from '../constructs/registry-roles';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface RegistryStackProps extends PlatformStackProps {
  /** Pilot name, or `platform` for the platform's own components. */
  readonly owner: string;
  readonly components: readonly RegistryComponent[];
  /** Dev-tier clean-up settings. */
  readonly settings: PlatformSpec['registries'];
  /** @default - no developer role */
  readonly developers?: readonly string[];
  /** Name of the platform, whose Jenkins controller alone assumes the publisher and promoter. */
  readonly platformName: string;
  /** @default - nothing shared with this owner */
  readonly sharedWithDevelopers?: readonly ArtefactTarget[];
}

/** An owner's artefact registries (dev + prod) and the roles that publish, promote and read them. */
export class RegistryStack extends PlatformStack {
  public readonly registry: ArtefactRegistry;
  public readonly roles: RegistryRoles;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    this.registry = new ArtefactRegistry(this, 'Registry', {
      owner: props.owner,
      components: props.components,
      devRetention: {
        imagesKept: props.settings.devImagesKept,
        untaggedAge: Duration.days(props.settings.devUntaggedDays),
        blobVersionAge: Duration.days(props.settings.devBlobVersionDays),
      },
    });
    this.roles = new RegistryRoles(this, 'Roles', {
      registry: this.registry,
      trustedBy: JenkinsControllerRole.principal(this, props.platformName),
      bindablePath: JenkinsControllerRole.bindablePath(props.platformName),
      developers: props.developers,
      sharedWithDevelopers: props.sharedWithDevelopers,
    });
    // Where the Jenkins controller finds them at start (the owner folder's aws-publish and aws-promote credentials).
    controllerParameter(this, 'PublisherRoleParameter', props.platformName, CascVariables.publisherRole(props.owner), this.roles.publisher.roleArn);
    controllerParameter(this, 'PromoterRoleParameter', props.platformName, CascVariables.promoterRole(props.owner), this.roles.promoter.roleArn);
  }
}
