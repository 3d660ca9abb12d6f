import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformSpec } from '../config/schema';
import { PlatformVpc } from '../constructs/platform-vpc';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface NetworkStackProps extends PlatformStackProps {
  /** The platform's network settings. */
  readonly network: PlatformSpec['network'];
}

/** The shared VPC with its CI, CD and cluster planes. */
export class NetworkStack extends PlatformStack {
  public readonly network: PlatformVpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.network = new PlatformVpc(this, 'Network', {
      availabilityZones: this.availabilityZones,
      cidr: props.network.cidr,
      planeCidrs: props.network.subnets,
      natGateways: props.network.natGateways,
      flowLogRetention: props.network.flowLogRetentionDays as logs.RetentionDays,
    });
  }
}
