import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { FactoryTestRecords } from './factory-test-records';
import { PlatformFunction } from './platform-function';

export interface DeviceRetirementProps {
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
 * reason) lets it provision once more. Only things of the configured pilots can be touched.
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
      ...fleetDirectoryBundle(props.fleets, { TABLE_NAME: props.testRecords.table.tableName }),
      reservedConcurrency: 2,
    });
    // It reads the device's history and appends lifecycle events.
    props.testRecords.grantRead(fn);
    props.testRecords.grantAdd(fn);
    // Each call of the DeviceRegistry on the resource types the Service Authorization Reference
    // lists for it (principal detachment is authorised on the certificate, policy detachment on
    // the certificate target, group removal on thing and group, job executions on job and thing).
    const things = pilots.map((p) => iotArn(`thing/${EdgeNames.thingName(p, '*')}`));
    grantScoped(
      fn,
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
      "only things of the configured pilots' fleets",
    );
    grantScoped(
      fn,
      { actions: ['iot:RemoveThingFromThingGroup'], resources: pilots.map((p) => iotArn(`thinggroup/${EdgeNames.thingGroup(p, '*')}`)) },
      "only groups of the configured pilots' fleets",
    );
    grantScoped(
      fn,
      { actions: ['iot:DeleteJobExecution'], resources: [iotArn('job/*')] },
      'job ids are chosen by operators at create-job time; the thing ARN above bounds whose executions',
    );
    grantScoped(
      fn,
      { actions: ['iot:DescribeCertificate', 'iot:DetachThingPrincipal', 'iot:DetachPolicy', 'iot:UpdateCertificate', 'iot:DeleteCertificate'], resources: [iotArn('cert/*')] },
      'certificate ids are generated per device; the thing and the recorded identities name the ones to release',
    );
    grantScoped(fn, { actions: ['iot:ListAttachedPolicies'], resources: ['*'] }, 'iot:ListAttachedPolicies supports no resource-level permissions');
    grantScoped(
      fn,
      {
        actions: ['greengrass:DeleteCoreDevice'],
        resources: pilots.map((p) => `arn:${stack.partition}:greengrass:${stack.region}:${stack.account}:coreDevices:${EdgeNames.thingName(p, '*')}`),
      },
      "core devices of the configured pilots' fleets",
    );
    this.url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'Url', { value: this.url.url, description: 'POST retire or reinstate {"pilot","serial","reason"} (SigV4, service lambda)' });
  }
}
