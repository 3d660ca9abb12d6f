import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ArtefactTarget, grantArtefactRead } from './artefact-access';
import { ArtefactRegistry } from './artefact-registry';

export interface RegistryRolesProps {
  /** The registry the roles act on. */
  readonly registry: ArtefactRegistry;
  /** The only principal that may assume the publisher and promoter (the Jenkins controller, for one job at a time). */
  readonly trustedBy: iam.IPrincipal;
  /** IAM path of the publisher and promoter (the roles the controller may assume: JenkinsControllerRole.bindablePath). */
  readonly bindablePath: string;
  /**
   * IAM principal ARNs of the owner's developers: they get a read-only role.
   * @default - no developer role
   */
  readonly developers?: readonly string[];
  /**
   * Other owners' prod artefacts the developers may also read (components shared with this owner).
   * @default - none
   */
  readonly sharedWithDevelopers?: readonly ArtefactTarget[];
}

/** The three ways into an owner's registries: CI publishes to dev, the promoter writes prod, developers read. */
export class RegistryRoles extends Construct {
  public readonly publisher: iam.Role;
  public readonly promoter: iam.Role;
  public readonly developer?: iam.Role;

  constructor(scope: Construct, id: string, props: RegistryRolesProps) {
    super(scope, id);
    this.publisher = new iam.Role(this, 'Publisher', {
      assumedBy: props.trustedBy,
      path: props.bindablePath,
      description: 'CI pushes dev-tier artefacts (bound by the Jenkins controller to the owner\'s CI jobs only)',
    });
    props.registry.grantPublish(this.publisher);

    this.promoter = new iam.Role(this, 'Promoter', {
      assumedBy: props.trustedBy,
      path: props.bindablePath,
      description: 'Copies approved artefacts from dev to prod (bound by the Jenkins controller to the owner\'s delivery promotion stage only); the only prod writer',
    });
    props.registry.grantPromote(this.promoter);

    const outputs: Record<string, iam.Role> = { PublisherRoleArn: this.publisher, PromoterRoleArn: this.promoter };
    if (props.developers && props.developers.length > 0) {
      this.developer = new iam.Role(this, 'Developer', {
        assumedBy: new iam.CompositePrincipal(...props.developers.map((arn) => new iam.ArnPrincipal(arn))),
        description: 'Developers read their registries and the artefacts shared with them',
      });
      props.registry.grantRead(this.developer);
      for (const target of props.sharedWithDevelopers ?? []) grantArtefactRead(this, this.developer, target);
      outputs.DeveloperRoleArn = this.developer;
    }
    for (const [name, role] of Object.entries(outputs)) new CfnOutput(this, name, { value: role.roleArn });
  }
}
