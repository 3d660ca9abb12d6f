import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PilotEdgeSpec, PlatformEdgeSpec } from '../config/schema';
import { DeviceRetirement } from '../constructs/device-retirement';
import { EdgeNames } from '../constructs/edge-names';
import { FactoryTestRecords } from '../constructs/factory-test-records';
import { FleetProvisioning } from '../constructs/fleet-provisioning';
import { PlatformKey } from '../constructs/platform-key';
import { SensorAssociation } from '../constructs/sensor-association';
import { FleetDirectory } from '../functions/fleet-directory';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface EdgeStackProps extends PlatformStackProps {
  /** Prefix of the names operators type (provisioning template). */
  readonly namePrefix: string;
  /** Who may post test records and who operates the fleets. */
  readonly settings: PlatformEdgeSpec;
  /** Every pilot with an edge section. */
  readonly fleets: readonly { readonly pilot: string; readonly edge: PilotEdgeSpec }[];
}

/**
 * The edge core every pilot's devices share: fleet provisioning gated on factory test records, the
 * test record store and API, and device retirement. Pilot stacks name these things by convention,
 * never import them; this stack names the pilots' device policies (in their Pilot-<pilot>-Edge
 * stacks, with each pilot's token exchange role and role alias) the same way.
 */
export class EdgeStack extends PlatformStack {
  public readonly testRecords: FactoryTestRecords;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const logKey = new PlatformKey(this, 'FunctionLogKey', { description: 'Encrypts the edge functions\' logs' });
    logKey.allowCloudWatchLogs();
    const fleets = fleetDirectory(props.namePrefix, props.fleets);
    this.testRecords = new FactoryTestRecords(this, 'TestRecords', { fleets, logKey });
    new FleetProvisioning(this, 'Provisioning', { namePrefix: props.namePrefix, fleets, testRecords: this.testRecords, logKey });
    const retirement = new DeviceRetirement(this, 'Retirement', { platformName: props.namePrefix, fleets, testRecords: this.testRecords, logKey });
    // Sensors reach AWS through their pilot's gateways only once associated with them.
    if (props.fleets.some(({ edge }) => edge.generations.some((g) => g.kind === 'sensor'))) new SensorAssociation(this, 'SensorAssociation', { platformName: props.namePrefix, fleets, logKey });

    if (props.settings.factoryStations.length > 0) {
      const station = new iam.Role(this, 'FactoryStationRole', {
        assumedBy: new iam.CompositePrincipal(...props.settings.factoryStations.map((arn) => new iam.ArnPrincipal(arn))),
        description: 'Factory test stations: post and read factory test records',
      });
      this.testRecords.grantStation(station);
      new CfnOutput(this, 'FactoryStationRoleArn', { value: station.roleArn });
    }
    if (props.settings.fleetOperators.length > 0) {
      const operator = new iam.Role(this, 'FleetOperatorRole', {
        assumedBy: new iam.CompositePrincipal(...props.settings.fleetOperators.map((arn) => new iam.ArnPrincipal(arn))),
        description: 'Fleet operators: read factory test records and retire devices',
      });
      this.testRecords.queryUrl.grantInvokeUrl(operator);
      retirement.url.grantInvokeUrl(operator);
      new CfnOutput(this, 'FleetOperatorRoleArn', { value: operator.roleArn });
    }
  }
}

/** Per pilot its device policies; per generation the group a new device joins and the tests it must pass. */
function fleetDirectory(platform: string, fleets: EdgeStackProps['fleets']): FleetDirectory {
  return Object.fromEntries(
    fleets.map(({ pilot, edge }) => [
      pilot,
      {
        provisioningTemplate: EdgeNames.provisioningTemplate(platform, pilot),
        devicePolicy: EdgeNames.devicePolicy(platform, pilot),
        sensorPolicy: EdgeNames.sensorPolicy(platform, pilot),
        generations: Object.fromEntries(
          edge.generations.map((g) => [
            g.name,
            {
              kind: g.kind,
              // New devices join the first channel; with optional updates, held until their owner opts in.
              group: EdgeNames.thingGroup(pilot, g.name, g.channels[0]?.name, g.updatePolicy === 'optional' ? 'held' : undefined),
              requiredTests: Object.fromEntries(g.factoryTests.map((t) => [t.testId, t.specVersion])),
            },
          ]),
        ),
      },
    ]),
  );
}
