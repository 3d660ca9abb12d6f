import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { ECR_PULL_ACTIONS, grantRegistryLogin } from './artefact-access';
import { EdgeNames } from './edge-names';
import { RegistryNames, repositoryArn } from './registry-names';

export interface GreengrassCoreIdentityProps {
  /** Platform name: the role alias is named from it and the pilot (EdgeNames.roleAlias). */
  readonly platformName: string;
  /** Pilot name: its devices' things are `<pilot>_<serial>`. */
  readonly pilot: string;
  /** Components whose prod images the pilot's devices pull. */
  readonly components: readonly string[];
}

/**
 * What one pilot's Greengrass core devices are allowed to be in AWS: the token exchange role (and
 * its IoT role alias, named by convention, which only the pilot's device policy may assume) that
 * gives device software AWS credentials to pull the pilot's prod images. One per pilot, in the
 * pilot's stack: a shared role would name every pilot's repositories and pass IAM's 10,240
 * characters of inline policy near 30 pilots (test/limits.test.ts).
 */
export class GreengrassCoreIdentity extends Construct {
  public readonly tokenExchangeRole: iam.Role;
  public readonly roleAlias: iot.CfnRoleAlias;

  constructor(scope: Construct, id: string, props: GreengrassCoreIdentityProps) {
    super(scope, id);
    this.tokenExchangeRole = new iam.Role(this, 'TokenExchangeRole', {
      assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
      description: `Greengrass token exchange of ${props.pilot}'s core devices: AWS credentials for their software (image pulls)`,
    });
    if (props.components.length > 0) {
      grantRegistryLogin(this.tokenExchangeRole);
      this.tokenExchangeRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ECR_PULL_ACTIONS,
          resources: props.components.map((c) => repositoryArn(this, RegistryNames.imageRepository(props.pilot, 'prod', c))),
          // The IoT credentials provider passes the calling thing's name: only the pilot's own things, should another policy name this alias.
          conditions: { StringLike: { 'credentials-iot:ThingName': EdgeNames.thingName(props.pilot, '*') } },
        }),
      );
    }
    this.roleAlias = new iot.CfnRoleAlias(this, 'RoleAlias', {
      roleAlias: EdgeNames.roleAlias(props.platformName, props.pilot),
      roleArn: this.tokenExchangeRole.roleArn,
      credentialDurationSeconds: 3600,
    });

    new CfnOutput(this, 'RoleAliasName', { value: this.roleAlias.ref, description: 'Greengrass installer --tes-role-alias-name' });
    new CfnOutput(this, 'TokenExchangeRoleName', { value: this.tokenExchangeRole.roleName, description: 'Greengrass installer --tes-role-name' });
  }
}
