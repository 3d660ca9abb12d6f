import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { componentBuildWidgets } from '../constructs/build-statistics';
import { CiOwnerCredentials } from '../constructs/ci-owner-credentials';
import { ComponentSpec } from '../config/schema';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface PilotCiStackProps extends PlatformStackProps {
  readonly pilot: string;
  /** The pilot's components that have CI jobs. */
  readonly components: readonly ComponentSpec[];
}

/**
 * A pilot's part of the CI: its components' deploy keys, read by the controller at its start, and
 * its components' build graphs. It references no other stack; deployed before Platform-Ci's
 * controller restarts, so the CI stack itself stays the same size however many pilots there are.
 */
export class PilotCiStack extends PlatformStack {
  constructor(scope: Construct, id: string, props: PilotCiStackProps) {
    super(scope, id, props);
    new CiOwnerCredentials(this, 'Credentials', { owner: props.pilot, components: props.components });
    const dashboard = new cloudwatch.Dashboard(this, 'Builds', { defaultInterval: Duration.days(14) });
    for (const c of props.components) dashboard.addWidgets(...componentBuildWidgets({ key: `${props.pilot}/${c.name}`, repository: c.repository, architectures: c.architectures }));
  }
}
