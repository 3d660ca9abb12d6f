import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { PilotEdgeRole } from './pilot-edge-role';
import { PlatformFunction } from './platform-function';

export interface SensorAssociationProps {
  /** Platform name: the function's role and the pilots' association roles are named from it. */
  readonly platformName: string;
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
 * on a schedule (lib/functions/client-device-association.ts), each pilot through its own role. Failed runs raise the function's
 * error alarm; the next run finishes the job.
 */
export class SensorAssociation extends Construct {
  public readonly function: PlatformFunction;

  /** One pilot's cores and sensor groups, for that pilot's role (PilotEdgeRole, purpose association). */
  static grantPilot(grantee: iam.IGrantable, pilot: string): void {
    const stack = Stack.of(grantee.grantPrincipal as unknown as Construct);
    grantScoped(
      grantee,
      {
        actions: ['greengrass:ListClientDevicesAssociatedWithCoreDevice', 'greengrass:BatchAssociateClientDeviceWithCoreDevice', 'greengrass:BatchDisassociateClientDeviceFromCoreDevice'],
        resources: [`arn:${stack.partition}:greengrass:${stack.region}:${stack.account}:coreDevices:${EdgeNames.thingName(pilot, '*')}`],
      },
      "only the pilot's core devices, named by the provisioning hook",
    );
    grantScoped(
      grantee,
      { actions: ['iot:ListThingsInThingGroup'], resources: [stack.formatArn({ service: 'iot', resource: 'thinggroup', resourceName: EdgeNames.thingGroup(pilot, '*') })] },
      "only the pilot's groups",
    );
  }

  constructor(scope: Construct, id: string, props: SensorAssociationProps) {
    super(scope, id);
    this.function = new PlatformFunction(this, 'Function', {
      logKey: props.logKey,
      module: 'client-device-association',
      description: "Associates each pilot's sensors with its gateways (Greengrass client device auth)",
      ...fleetDirectoryBundle(props.fleets, { PLATFORM_NAME: props.platformName, PILOT_ROLES: PilotEdgeRole.arnPrefix(this, props.platformName) }),
      roleName: EdgeNames.sharedRole(props.platformName, 'association'),
      timeout: Duration.minutes(2),
      reservedConcurrency: 1,
    });
    grantScoped(this.function, { actions: ['greengrass:ListCoreDevices'], resources: ['*'] }, 'greengrass:ListCoreDevices supports no resource-level permissions; it only lists');
    // Each pilot's cores and groups through that pilot's role (grantPilot).
    PilotEdgeRole.grantAssume(this.function, props.platformName, 'association');
    new events.Rule(this, 'Schedule', {
      description: 'Reconciles sensor to gateway associations',
      schedule: events.Schedule.rate(props.interval ?? Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
