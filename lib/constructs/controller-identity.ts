import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The Jenkins controller's task role, named so that the registry and cluster stacks (deployed
 * before the CI stack) can trust it by ARN without a cross-stack reference. It is the only
 * identity that assumes publisher, promoter, deployer and build reporter roles: per job, through the folder's
 * aws-credentials (see lib/ci/pipeline-credentials.ts); agents assume nothing.
 */
export const JenkinsControllerRole = {
  /** At most 64 characters: a 24-character platform name and the longest region fit. */
  name: (platformName: string, region: string) => `${platformName}-jenkins-controller-${region}`,
  /** ARN of that role in the scope's account and region. */
  arn: (scope: Construct, platformName: string) =>
    Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: JenkinsControllerRole.name(platformName, Stack.of(scope).region) }),
  /**
   * IAM path of every role the controller binds for jobs (publishers, promoters, deployers): its
   * identity policy allows `sts:AssumeRole` on this path only, one statement however many pilots.
   */
  bindablePath: (platformName: string) => `/iiot/${platformName}/jenkins-bindable/`,
  /**
   * Trust in the controller role only. By account plus `aws:PrincipalArn` rather than by role
   * principal: IAM rejects a role principal that does not exist yet, and the CI stack comes last.
   */
  principal: (scope: Construct, platformName: string): iam.IPrincipal =>
    new iam.AccountPrincipal(Stack.of(scope).account).withConditions({ ArnEquals: { 'aws:PrincipalArn': JenkinsControllerRole.arn(scope, platformName) } }),
};
