import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { componentBuildWidgets } from '../constructs/build-statistics';
import { CiOwnerCredentials } from '../constructs/ci-owner-credentials';
import { ComponentSpec } from '../config/schema';
import { PilotDeployer } from '../constructs/pilot-deployer';
import { productionNamespace, stagingNamespace } from '../lifecycle/delivery-namespaces';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface PilotCiStackProps extends PlatformStackProps {
  readonly pilot: string;
  /** The platform whose Jenkins controller alone assumes the pilot's CI roles. */
  readonly platformName: string;
  /** The pilot's components that have CI jobs. */
  readonly components: readonly ComponentSpec[];
  /**
   * For a pilot with CD: the cluster its deployer is admitted to (staging and production namespaces).
   * @default - no deployer (the pilot has no CD component)
   */
  readonly delivery?: { readonly cluster: eks.ICluster };
}

/**
 * A pilot's part of the CI/CD: its components' deploy keys and its build reporter, read by the
 * controller at its start, its components' build graphs and, with CD, its deployer (after the cluster it is admitted to).
 * Deployed before Platform-Ci's controller restarts, so the CI and cluster stacks stay the same
 * size however many pilots there are.
 */
export class PilotCiStack extends PlatformStack {
  constructor(scope: Construct, id: string, props: PilotCiStackProps) {
    super(scope, id, props);
    new CiOwnerCredentials(this, 'Credentials', { owner: props.pilot, components: props.components, platformName: props.platformName });
    if (props.delivery) {
      new PilotDeployer(this, 'Deployer', {
        pilot: props.pilot,
        platformName: props.platformName,
        cluster: props.delivery.cluster,
        namespaces: [stagingNamespace(props.pilot), productionNamespace(props.pilot)],
      });
    }
    const dashboard = new cloudwatch.Dashboard(this, 'Builds', { defaultInterval: Duration.days(14) });
    for (const c of props.components) dashboard.addWidgets(...componentBuildWidgets({ key: `${props.pilot}/${c.name}`, repository: c.repository, architectures: c.architectures }));
  }
}
