import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { FactoryTestRecords } from './factory-test-records';
import { PilotEdgeRole } from './pilot-edge-role';
import { PlatformFunction } from './platform-function';

export interface DeviceRetirementProps {
  /** Platform name: the function's role and the pilots' retirement roles are named from it. */
  readonly platformName: string;
  /** The pilots' fleets: only their things can be retired. */
  readonly fleets: FleetDirectory;
  /** Where the retirement is marked (the device's test records stay). */
  readonly testRecords: FactoryTestRecords;
  /** Key of the functions' log groups. */
  readonly logKey: kms.IKey;
}

/**
 * Device retirement as an IAM-authenticated function URL (POST /retire, POST /reinstate): marks the
 * pilot's device retired so the provisioning hook never admits it, releases its certificates,
 * shadows, pending job executions, groups, Greengrass core device and thing; reinstating (with a
 * reason) lets it provision once more. Only things of the configured pilots can be touched: the
 * function acts on a pilot's devices through that pilot's role (in its Pilot-<pilot>-Edge stack).
 */
export class DeviceRetirement extends Construct {
  public readonly url: lambda.FunctionUrl;

  /** The registry calls for one pilot's devices, for that pilot's role (PilotEdgeRole, purpose retirement). */
  static grantPilot(grantee: iam.IGrantable, pilot: string): void {
    const stack = Stack.of(grantee.grantPrincipal as unknown as Construct);
    const iotArn = (resource: string) => `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;
    // Each call of the DeviceRegistry on the resource types the Service Authorization Reference
    // lists for it (principal detachment is authorised on the certificate, policy detachment on
    // the certificate target, group removal on thing and group, job executions on job and thing).
    const things = [iotArn(`thing/${EdgeNames.thingName(pilot, '*')}`)];
    grantScoped(
      grantee,
      {
        actions: [
          'iot:ListThingPrincipals',
          'iot:ListThingGroupsForThing',
          'iot:RemoveThingFromThingGroup',
          'iot:DeleteThing',
          'iot:ListNamedShadowsForThing',
          'iot:DeleteThingShadow',
          'iot:ListJobExecutionsForThing',
          'iot:DeleteJobExecution',
        ],
        resources: things,
      },
      "only the pilot's things",
    );
    grantScoped(
      grantee,
      { actions: ['iot:RemoveThingFromThingGroup'], resources: [iotArn(`thinggroup/${EdgeNames.thingGroup(pilot, '*')}`)] },
      "only the pilot's groups",
    );
    grantScoped(
      grantee,
      { actions: ['iot:DeleteJobExecution'], resources: [iotArn('job/*')] },
      'job ids are chosen by operators at create-job time; the thing ARN above bounds whose executions',
    );
    grantScoped(
      grantee,
      { actions: ['iot:DescribeCertificate', 'iot:DetachThingPrincipal', 'iot:DetachPolicy', 'iot:UpdateCertificate', 'iot:DeleteCertificate'], resources: [iotArn('cert/*')] },
      'certificate ids are generated per device; the thing and the recorded identities name the ones to release',
    );
    grantScoped(grantee, { actions: ['iot:ListAttachedPolicies'], resources: ['*'] }, 'iot:ListAttachedPolicies supports no resource-level permissions');
    grantScoped(
      grantee,
      {
        actions: ['greengrass:DeleteCoreDevice'],
        resources: [`arn:${stack.partition}:greengrass:${stack.region}:${stack.account}:coreDevices:${EdgeNames.thingName(pilot, '*')}`],
      },
      "only the pilot's core devices",
    );
  }

  constructor(scope: Construct, id: string, props: DeviceRetirementProps) {
    super(scope, id);
    const fn = new PlatformFunction(this, 'Function', {
      logKey: props.logKey,
      module: 'device-retirement',
      description: 'Retires an edge device: certificates, groups, core device and thing; keeps test records',
      ...fleetDirectoryBundle(props.fleets, { TABLE_NAME: props.testRecords.table.tableName, PLATFORM_NAME: props.platformName, PILOT_ROLES: PilotEdgeRole.arnPrefix(this, props.platformName) }),
      roleName: EdgeNames.sharedRole(props.platformName, 'retirement'),
      reservedConcurrency: 2,
    });
    // It reads the device's history and appends lifecycle events.
    props.testRecords.grantRead(fn);
    props.testRecords.grantAdd(fn);
    // The registry calls act for one pilot at a time, through that pilot's role (grantPilot).
    PilotEdgeRole.grantAssume(fn, props.platformName, 'retirement');
    this.url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'Url', { value: this.url.url, description: 'POST retire or reinstate {"pilot","serial","reason"} (SigV4, service lambda)' });
  }
}
