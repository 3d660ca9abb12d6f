import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface PlatformStackProps extends StackProps {
  /** The platform's availability zones, from config. */
  readonly availabilityZones: readonly string[];
}

/**
 * Base of every platform stack: answers `availabilityZones` from config, so no construct
 * (VPC, cluster, ...) ever triggers a context look-up that would need AWS credentials at synth.
 */
export abstract class PlatformStack extends Stack {
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.zones = [...props.availabilityZones];
  }

  public override get availabilityZones(): string[] {
    return this.zones;
  }
}
