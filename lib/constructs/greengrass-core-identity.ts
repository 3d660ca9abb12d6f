import { CfnDeletionPolicy, CfnOutput, Stack } from 'aws-cdk-lib';
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
  /** Prefix of the role alias name operators hand to the Greengrass installer, and of the pilots' IoT policy names (the platform name). */
  readonly namePrefix: string;
  /** Every pilot fleet and the images its devices pull. */
  readonly fleets: readonly EdgeFleetImages[];
}

/**
 * What a Greengrass core device is allowed to be: the token exchange role (and its IoT role alias)
 * that gives device software AWS credentials, and per pilot the IoT policy fleet provisioning
 * attaches to its device certificates. Greengrass does not support thing policy variables
 * (`iot:Connection.Thing.*`) in core device policies, and its data-plane calls go over HTTPS where
 * they never resolve (Greengrass developer guide, "AWS IoT policies for data plane operations"), so
 * each pilot's policy names that pilot's things by static prefix (`acme_*`): one pilot's gateways
 * can never act as, read or sync another pilot's devices. Within a pilot its gateways trust each other.
 * Devices of one pilot pull only that pilot's prod images (the role is shared; each grant is
 * conditioned on the thing-name prefix the provisioning hook assigns).
 */
export class GreengrassCoreIdentity extends Construct {
  public readonly tokenExchangeRole: iam.Role;
  public readonly roleAlias: iot.CfnRoleAlias;
  /** The IoT policy of each pilot's gateway certificates, by pilot. */
  public readonly devicePolicies: ReadonlyMap<string, iot.CfnPolicy>;
  /** The IoT policy of each pilot's sensor certificates, by pilot. */
  public readonly sensorPolicies: ReadonlyMap<string, iot.CfnPolicy>;

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

    // Named from platform and pilot, so the functions that hand them out know them at synth (a file in
    // their bundles, not a growing environment). A policy replaced under a new name keeps its old self
    // in place: it may still be attached to device certificates, which IoT refuses to delete it for
    // (docs/runbook.md, "IoT policy names").
    const policy = (id: string, policyName: string, policyDocument: object) => {
      const p = new iot.CfnPolicy(this, id, { policyName, policyDocument });
      p.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
      return p;
    };
    this.devicePolicies = new Map(
      props.fleets.map((fleet) => [
        fleet.pilot,
        policy(
          `DevicePolicy-${fleet.pilot}`,
          EdgeNames.devicePolicy(props.namePrefix, fleet.pilot),
          devicePolicyDocument({ pilot: fleet.pilot, partition: stack.partition, region: stack.region, account: stack.account, roleAliasArn: this.roleAlias.attrRoleAliasArn }),
        ),
      ]),
    );
    this.sensorPolicies = new Map(
      props.fleets.map((fleet) => [
        fleet.pilot,
        policy(
          `SensorPolicy-${fleet.pilot}`,
          EdgeNames.sensorPolicy(props.namePrefix, fleet.pilot),
          sensorPolicyDocument({ pilot: fleet.pilot, partition: stack.partition, region: stack.region, account: stack.account }),
        ),
      ]),
    );
    new CfnOutput(this, 'RoleAliasName', { value: this.roleAlias.ref, description: 'Greengrass installer --tes-role-alias-name' });
    new CfnOutput(this, 'TokenExchangeRoleName', { value: this.tokenExchangeRole.roleName, description: 'Greengrass installer --tes-role-name' });
  }
}

/** Where a device policy is evaluated: the pilot and the account's ARN parts (tokens at synth). */
export interface DevicePolicyScope {
  readonly pilot: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly roleAliasArn: string;
}

/**
 * The IoT policy of a pilot's core devices: AWS's minimal core device policy plus the client
 * device support policy (Greengrass developer guide), every resource narrowed to the pilot.
 */
export function devicePolicyDocument(scope: DevicePolicyScope) {
  const iotArn = (resource: string) => `arn:${scope.partition}:iot:${scope.region}:${scope.account}:${resource}`;
  const greengrassArn = (account: string, resource: string) => `arn:${scope.partition}:greengrass:${scope.region}:${account}:${resource}`;
  // `acme_*` covers the core's own client ids (`acme_SN-1`, and `acme_SN-1#2` for the nucleus'
  // extra connections), its `-gci` shadow (client device auth's connectivity info) and its sensors.
  const things = EdgeNames.thingName(scope.pilot, '*');
  // No Sids and merged resources: an IoT policy holds at most 2,048 characters (test/limits.test.ts).
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn(`client/${things}`) },
      // The reserved topics of its pilot's things (Greengrass health, jobs, shadows) and the pilot's telemetry.
      {
        Effect: 'Allow',
        Action: ['iot:Publish', 'iot:Receive'],
        Resource: [iotArn(`topic/$aws/things/${things}/*`), iotArn(`topic/${EdgeNames.telemetryTopicPrefix(scope.pilot)}*`)],
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        // The MQTT bridge subscribes to its sensors' job answers with a `+` for the thing name; IoT
        // Core then delivers only what iot:Receive above allows: its own pilot's things.
        Resource: [iotArn(`topicfilter/$aws/things/${things}/*`), iotArn('topicfilter/$aws/things/+/jobs/*')],
      },
      {
        Effect: 'Allow',
        // Shadow manager syncs the core's and its sensors' shadows over HTTPS; client device auth
        // checks that a sensor is associated with this core.
        // `*ThingShadow`: Get, Update and Delete (the only IoT actions ending so).
        Action: ['iot:*ThingShadow', 'greengrass:VerifyClientDeviceIoTCertificateAssociation'],
        Resource: iotArn(`thing/${things}`),
      },
      { Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: scope.roleAliasArn },
      {
        Effect: 'Allow',
        // No resource types in the Service Authorization Reference; resolution names every
        // dependency of a deployment, so it stays unscoped (artefacts are scoped below).
        Action: [
          'greengrass:ResolveComponentCandidates',
          'greengrass:GetDeploymentConfiguration',
          'greengrass:ListThingGroupsForCoreDevice',
          'greengrass:PutCertificateAuthorities',
          'greengrass:VerifyClientDeviceIdentity',
        ],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: 'greengrass:GetComponentVersionArtifact',
        // AWS-provided components live in the `aws` account; the pilot's are named `acme.*`.
        Resource: [greengrassArn('aws', 'components:aws.greengrass.*'), greengrassArn(scope.account, `components:${EdgeNames.component(scope.pilot, '*')}`)],
      },
      {
        Effect: 'Allow',
        Action: 'greengrass:*ConnectivityInfo', // Get and Update
        Resource: greengrassArn(scope.account, `/greengrass/things/${things}/connectivityInfo`),
      },
    ],
  };
}

/**
 * The IoT policy of a pilot's sensors (AWS's minimal client device policy, narrowed to the pilot):
 * discover the gateways they are associated with (HTTPS: static names), and when connected to
 * AWS IoT Core directly, their job topics. Through a gateway, the gateway's policy applies.
 */
export function sensorPolicyDocument(scope: Omit<DevicePolicyScope, 'roleAliasArn'>) {
  const iotArn = (resource: string) => `arn:${scope.partition}:iot:${scope.region}:${scope.account}:${resource}`;
  const sensors = `${EdgeNames.sensorPrefix(scope.pilot)}*`;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DiscoverItsGateways', Effect: 'Allow', Action: 'greengrass:Discover', Resource: iotArn(`thing/${sensors}`) },
      { Sid: 'ConnectAsASensorOfItsPilot', Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn(`client/${sensors}`) },
      { Sid: 'JobTopics', Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: iotArn(`topic/$aws/things/${sensors}/jobs/*`) },
      { Sid: 'JobTopicFilters', Effect: 'Allow', Action: 'iot:Subscribe', Resource: iotArn(`topicfilter/$aws/things/${sensors}/jobs/*`) },
      { Sid: 'TelemetryOfItsPilot', Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn(`topic/${EdgeNames.telemetryTopicPrefix(scope.pilot)}${sensors}/*`) },
    ],
  };
}
