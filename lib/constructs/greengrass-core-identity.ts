import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { ECR_PULL_ACTIONS, grantRegistryLogin } from './artefact-access';
import { EdgeNames } from './edge-names';
import { RegistryNames, repositoryArn } from './registry-names';

/** A pilot's edge fleet as far as device identity cares: which prod images its devices pull. */
export interface EdgeFleetImages {
  /** Pilot name: its devices' things are `<pilot>_<serial>`. */
  readonly pilot: string;
  /** Components whose prod images the pilot's devices run. */
  readonly components: readonly string[];
}

export interface GreengrassCoreIdentityProps {
  /** Prefix of the role alias name operators hand to the Greengrass installer (the platform name). */
  readonly namePrefix: string;
  /** Every pilot fleet and the images its devices pull. */
  readonly fleets: readonly EdgeFleetImages[];
}

/**
 * What a Greengrass core device is allowed to be in AWS: the token exchange role (and its IoT role
 * alias, named by convention) that gives device software AWS credentials. Devices of one pilot pull
 * only that pilot's prod images (the role is shared; each grant is conditioned on the thing-name
 * prefix the provisioning hook assigns). The IoT policies of the pilots' device certificates are in
 * the pilots' stacks (PilotDevicePolicies).
 */
export class GreengrassCoreIdentity extends Construct {
  public readonly tokenExchangeRole: iam.Role;
  public readonly roleAlias: iot.CfnRoleAlias;

  constructor(scope: Construct, id: string, props: GreengrassCoreIdentityProps) {
    super(scope, id);
    this.tokenExchangeRole = new iam.Role(this, 'TokenExchangeRole', {
      assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
      description: 'Greengrass token exchange: AWS credentials for core-device software (image pulls)',
    });
    if (props.fleets.some((f) => f.components.length > 0)) grantRegistryLogin(this.tokenExchangeRole);
    for (const fleet of props.fleets) {
      if (fleet.components.length === 0) continue;
      this.tokenExchangeRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ECR_PULL_ACTIONS,
          resources: fleet.components.map((c) => repositoryArn(this, RegistryNames.imageRepository(fleet.pilot, 'prod', c))),
          // The IoT credentials provider passes the calling thing's name: a pilot's devices get its images only.
          conditions: { StringLike: { 'credentials-iot:ThingName': EdgeNames.thingName(fleet.pilot, '*') } },
        }),
      );
    }
    this.roleAlias = new iot.CfnRoleAlias(this, 'RoleAlias', {
      roleAlias: EdgeNames.roleAlias(props.namePrefix),
      roleArn: this.tokenExchangeRole.roleArn,
      credentialDurationSeconds: 3600,
    });

    new CfnOutput(this, 'RoleAliasName', { value: this.roleAlias.ref, description: 'Greengrass installer --tes-role-alias-name' });
    new CfnOutput(this, 'TokenExchangeRoleName', { value: this.tokenExchangeRole.roleName, description: 'Greengrass installer --tes-role-name' });
  }
}
