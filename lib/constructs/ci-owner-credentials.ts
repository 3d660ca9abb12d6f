import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CascVariables } from '../ci/jenkins-casc';
import { ComponentSpec } from '../config/schema';
import { BuildStatsNames } from '../functions/build-stats';
import { JenkinsControllerRole } from './controller-identity';
import { controllerParameter, controllerSecret } from './controller-variables';

export interface CiOwnerCredentialsProps {
  /** Owner (pilot name, or `platform`). */
  readonly owner: string;
  /** The owner's components that have CI jobs: each gets a read-only deploy key. */
  readonly components: readonly Pick<ComponentSpec, 'name' | 'repository'>[];
  /** The platform whose Jenkins controller alone assumes the owner's build reporter. */
  readonly platformName: string;
}

/**
 * An owner's CI credentials the controller reads at its start (controller-variables.ts) for the
 * owner's Jenkins folder (lib/ci/jenkins-casc.ts folderCredentials): the read-only deploy key of
 * each component, and the build reporter, a role that only the controller assumes (for that
 * folder's `aws-report` credential) and that may only call the build statistics ingest, which
 * stores a record only when its owner's reporter signed it. The role ARNs of the other
 * aws-credentials are published by the stacks that own those roles (registries, cluster).
 */
export class CiOwnerCredentials extends Construct {
  public readonly reporter: iam.Role;

  constructor(scope: Construct, id: string, props: CiOwnerCredentialsProps) {
    super(scope, id);
    const { owner, platformName } = props;
    for (const component of props.components) {
      controllerSecret(this, `RepoKey-${component.name}`, {
        name: `iiot/ci/${owner}/${component.name}/deploy-key`,
        description: `Read-only deploy key (private, OpenSSH) for ${component.repository}: replace the generated value with the real key`,
        variable: CascVariables.repositoryKey(owner, component.name),
        noRotationReason: 'A deploy key is rotated by registering a new public key on the Git host; Secrets Manager cannot do that.',
      });
    }
    // Named: the ingest identifies the owner from the signer's role name (assumed-role ARNs carry no path).
    this.reporter = new iam.Role(this, 'Reporter', {
      roleName: BuildStatsNames.reporterRole(platformName, owner),
      assumedBy: JenkinsControllerRole.principal(this, platformName),
      path: JenkinsControllerRole.bindablePath(platformName),
      description: `Signs ${owner}'s build records to the build statistics (bound by the Jenkins controller to that owner's CI jobs only)`,
    });
    // By name: the ingest is in the CI stack, deployed after the owners' stacks.
    const ingest = Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: BuildStatsNames.ingestFunction(platformName), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.reporter.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunctionUrl'], resources: [ingest], conditions: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } }),
    );
    controllerParameter(this, 'ReporterParameter', platformName, CascVariables.reporterRole(owner), this.reporter.roleArn);
  }
}
