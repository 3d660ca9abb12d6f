import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { PlatformFunction } from './platform-function';

export interface SensorAssociationProps {
  /** The pilots' fleets: their sensor generations' groups and their gateways' names. */
  readonly fleets: FleetDirectory;
  /** Key of the function's log group. */
  readonly logKey: kms.IKey;
  /**
   * How often the associations are reconciled: the longest a new sensor waits before its gateways admit it.
   * @default Duration.minutes(5)
   */
  readonly interval?: Duration;
}

/**
 * Associates every pilot's sensors with that pilot's Greengrass core devices (client device auth
 * admits only associated client devices) and removes associations of retired or foreign sensors,
 * on a schedule (lib/functions/client-device-association.ts). Failed runs raise the function's
 * error alarm; the next run finishes the job.
 */
export class SensorAssociation extends Construct {
  public readonly function: PlatformFunction;

  constructor(scope: Construct, id: string, props: SensorAssociationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const pilots = Object.keys(props.fleets);
    this.function = new PlatformFunction(this, 'Function', {
      logKey: props.logKey,
      module: 'client-device-association',
      description: "Associates each pilot's sensors with its gateways (Greengrass client device auth)",
      ...fleetDirectoryBundle(props.fleets),
      timeout: Duration.minutes(2),
      reservedConcurrency: 1,
    });
    grantScoped(this.function, { actions: ['greengrass:ListCoreDevices'], resources: ['*'] }, 'greengrass:ListCoreDevices supports no resource-level permissions; it only lists');
    grantScoped(
      this.function,
      {
        actions: ['greengrass:ListClientDevicesAssociatedWithCoreDevice', 'greengrass:BatchAssociateClientDeviceWithCoreDevice', 'greengrass:BatchDisassociateClientDeviceFromCoreDevice'],
        resources: pilots.map((p) => `arn:${stack.partition}:greengrass:${stack.region}:${stack.account}:coreDevices:${EdgeNames.thingName(p, '*')}`),
      },
      "core devices of the configured pilots' fleets, named by the provisioning hook",
    );
    grantScoped(
      this.function,
      { actions: ['iot:ListThingsInThingGroup'], resources: pilots.map((p) => stack.formatArn({ service: 'iot', resource: 'thinggroup', resourceName: EdgeNames.thingGroup(p, '*') })) },
      "groups of the configured pilots' fleets",
    );
    new events.Rule(this, 'Schedule', {
      description: 'Reconciles sensor to gateway associations',
      schedule: events.Schedule.rate(props.interval ?? Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
