import { CfnOutput, Stack } from 'aws-cdk-lib';
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
  /** Prefix of the role alias name operators hand to the Greengrass installer. */
  readonly namePrefix: string;
  /** Every pilot fleet and the images its devices pull. */
  readonly fleets: readonly EdgeFleetImages[];
}

/** IoT policy variables: every grant is bound to the connecting device's own thing. */
const THING = '${iot:Connection.Thing.ThingName}';
const PILOT = '${iot:Connection.Thing.Attributes[pilot]}';

/**
 * What a Greengrass core device is allowed to be: the token exchange role (and its IoT role alias)
 * that gives device software AWS credentials, and the IoT policy fleet provisioning attaches to
 * every device certificate. Devices of one pilot pull only that pilot's prod images (the role is
 * shared; each grant is conditioned on the thing-name prefix the provisioning hook assigns), and
 * every MQTT and Greengrass grant is scoped to the device's own thing through policy variables.
 */
export class GreengrassCoreIdentity extends Construct {
  public readonly tokenExchangeRole: iam.Role;
  public readonly roleAlias: iot.CfnRoleAlias;
  public readonly corePolicy: iot.CfnPolicy;

  constructor(scope: Construct, id: string, props: GreengrassCoreIdentityProps) {
    super(scope, id);
    const stack = Stack.of(this);
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
      roleAlias: `${props.namePrefix}-GreengrassCoreTokenExchange`,
      roleArn: this.tokenExchangeRole.roleArn,
      credentialDurationSeconds: 3600,
    });

    const arn = (resource: string) => `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;
    this.corePolicy = new iot.CfnPolicy(this, 'CorePolicy', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ConnectAsItsOwnThing',
            Effect: 'Allow',
            Action: 'iot:Connect',
            Resource: arn(`client/${THING}`),
            Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
          },
          {
            // Its jobs, shadows and Greengrass topics, and the `-gci` shadow client device auth
            // keeps its broker certificate's connectivity information in.
            Sid: 'ItsOwnReservedTopics',
            Effect: 'Allow',
            Action: ['iot:Publish', 'iot:Receive'],
            Resource: [arn(`topic/$aws/things/${THING}/*`), arn(`topic/$aws/things/${THING}-gci/shadow/*`)],
          },
          {
            Sid: 'ItsOwnReservedTopicFilters',
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: [arn(`topicfilter/$aws/things/${THING}/*`), arn(`topicfilter/$aws/things/${THING}-gci/shadow/*`)],
          },
          {
            Sid: 'BridgeTelemetryOfItsPilot',
            Effect: 'Allow',
            Action: 'iot:Publish',
            Resource: arn(`topic/${EdgeNames.telemetryTopicPrefix(PILOT)}*`),
          },
          { Sid: 'TokenExchange', Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: this.roleAlias.attrRoleAliasArn },
          {
            Sid: 'GreengrassDataPlane',
            Effect: 'Allow',
            // These Greengrass device actions support no resource-level scoping.
            Action: [
              'greengrass:GetComponentVersionArtifact',
              'greengrass:ResolveComponentCandidates',
              'greengrass:GetDeploymentConfiguration',
              'greengrass:ListThingGroupsForCoreDevice',
              'greengrass:PutCertificateAuthorities',
              'greengrass:VerifyClientDeviceIdentity',
            ],
            Resource: '*',
          },
          {
            Sid: 'ClientDevicesOfItsPilot',
            Effect: 'Allow',
            Action: 'greengrass:VerifyClientDeviceIoTCertificateAssociation',
            Resource: arn(`thing/${EdgeNames.thingName(PILOT, '*')}`),
          },
          {
            Sid: 'ItsOwnConnectivityInfo',
            Effect: 'Allow',
            Action: ['greengrass:GetConnectivityInfo', 'greengrass:UpdateConnectivityInfo'],
            Resource: arn(`thing/${THING}`),
          },
        ],
      },
    });
    new CfnOutput(this, 'RoleAliasName', { value: this.roleAlias.ref, description: 'Greengrass installer --tes-role-alias-name' });
    new CfnOutput(this, 'TokenExchangeRoleName', { value: this.tokenExchangeRole.roleName, description: 'Greengrass installer --tes-role-name' });
  }
}
