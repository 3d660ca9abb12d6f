import { Stack } from 'aws-cdk-lib';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { EdgeNames } from './edge-names';

export interface PilotDevicePoliciesProps {
  /** Platform name: the policies are named from it and the pilot (EdgeNames), the role alias too. */
  readonly platformName: string;
  readonly pilot: string;
}

/**
 * The IoT policies fleet provisioning attaches to a pilot's device certificates, one for its
 * gateways (Greengrass core devices) and one for its sensors, in the pilot's own stack so the
 * shared edge stack does not grow with the pilots. Greengrass does not support thing policy
 * variables (`iot:Connection.Thing.*`) in core device policies, and its data-plane calls go over
 * HTTPS where they never resolve (Greengrass developer guide, "AWS IoT policies for data plane
 * operations"), so each policy names the pilot's things by static prefix (`acme_*`): one pilot's
 * gateways can never act as, read or sync another pilot's devices. Within a pilot its gateways
 * trust each other.
 */
export class PilotDevicePolicies extends Construct {
  public readonly devicePolicy: iot.CfnPolicy;
  public readonly sensorPolicy: iot.CfnPolicy;

  constructor(scope: Construct, id: string, props: PilotDevicePoliciesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = { pilot: props.pilot, partition: stack.partition, region: stack.region, account: stack.account };
    // Named, so the shared functions that hand them out know them at synth (a file in their bundles)
    // and the provisioning template attaches them by name. A name never changes: IoT refuses to
    // delete a policy attached to certificates, so a renamed one would stay behind on the devices
    // (docs/runbook.md, "IoT policy names", for the one rename so far).
    const roleAliasArn = stack.formatArn({ service: 'iot', resource: 'rolealias', resourceName: EdgeNames.roleAlias(props.platformName, props.pilot) });
    this.devicePolicy = new iot.CfnPolicy(this, 'DevicePolicy', {
      policyName: EdgeNames.devicePolicy(props.platformName, props.pilot),
      policyDocument: devicePolicyDocument({ ...where, roleAliasArn }),
    });
    this.sensorPolicy = new iot.CfnPolicy(this, 'SensorPolicy', {
      policyName: EdgeNames.sensorPolicy(props.platformName, props.pilot),
      policyDocument: sensorPolicyDocument(where),
    });
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
