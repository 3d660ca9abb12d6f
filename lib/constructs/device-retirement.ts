import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FleetDirectory, FLEETS_ENV } from '../functions/fleet-directory';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { FactoryTestRecords } from './factory-test-records';
import { PlatformFunction } from './platform-function';

export interface DeviceRetirementProps {
  /** The pilots' fleets: only their things can be retired. */
  readonly fleets: FleetDirectory;
  /** Where the retirement is marked (the device's test records stay). */
  readonly testRecords: FactoryTestRecords;
  /** The policy provisioned device certificates carry, detached on retirement. */
  readonly devicePolicy: iot.CfnPolicy;
  /** Key of the functions' log groups. */
  readonly logKey: kms.IKey;
}

/**
 * Device retirement as an IAM-authenticated function URL (POST /retire): releases the device's
 * certificates, groups, Greengrass core device and thing, and marks its serial retired so the
 * provisioning hook never admits it again. Only things of the configured pilots can be touched.
 */
export class DeviceRetirement extends Construct {
  public readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: DeviceRetirementProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const pilots = Object.keys(props.fleets);
    const iotArn = (resource: string) => `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;
    const fn = new PlatformFunction(this, 'Function', {
      logKey: props.logKey,
      module: 'device-retirement',
      description: 'Retires an edge device: certificates, groups, core device and thing; keeps test records',
      environment: { TABLE_NAME: props.testRecords.table.tableName, [FLEETS_ENV]: JSON.stringify(props.fleets) },
      reservedConcurrency: 2,
    });
    props.testRecords.grantAdd(fn);
    grantScoped(
      fn,
      {
        actions: ['iot:ListThingPrincipals', 'iot:DetachThingPrincipal', 'iot:ListThingGroupsForThing', 'iot:RemoveThingFromThingGroup', 'iot:DeleteThing'],
        resources: pilots.flatMap((p) => [iotArn(`thing/${EdgeNames.thingName(p, '*')}`), iotArn(`thinggroup/${EdgeNames.thingGroup(p, '*')}`)]),
      },
      "only things and groups of the configured pilots' fleets",
    );
    grantScoped(
      fn,
      { actions: ['iot:ListAttachedPolicies', 'iot:DetachPolicy', 'iot:UpdateCertificate', 'iot:DeleteCertificate'], resources: [iotArn('cert/*')] },
      'certificate ids are generated per device; the thing names the ones to release',
    );
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['iot:DetachPolicy'], resources: [iotArn(`policy/${props.devicePolicy.ref}`)] }));
    grantScoped(
      fn,
      {
        actions: ['greengrass:DeleteCoreDevice'],
        resources: pilots.map((p) => `arn:${stack.partition}:greengrass:${stack.region}:${stack.account}:coreDevices:${EdgeNames.thingName(p, '*')}`),
      },
      "core devices of the configured pilots' fleets",
    );
    this.url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'Url', { value: this.url.url, description: 'POST retire {"pilot","serial"} (SigV4, service lambda)' });
  }
}
