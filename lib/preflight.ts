/** The operator's pre-deploy check: are these credentials pointed at the config's target environment? */

export interface DeployTarget {
  readonly account: string;
  readonly region: string;
}

export interface CallerIdentity {
  /** Account of the credentials in use (STS GetCallerIdentity). */
  readonly account?: string;
  /** ARN of the caller, for the message. */
  readonly arn?: string;
  /** Region the AWS SDK resolved (AWS_REGION, profile, ...). */
  readonly region?: string;
}

/** Problems that must stop a deploy; empty when the caller matches the target. */
export function preflightProblems(configFile: string, target: DeployTarget, caller: CallerIdentity): string[] {
  const problems: string[] = [];
  if (caller.account !== target.account) {
    problems.push(
      `credentials belong to account ${caller.account ?? '(unknown)'} (${caller.arn ?? 'unknown caller'}), ` +
        `but ${configFile} environment.account is ${target.account}: switch profile or fix the config`,
    );
  }
  if (caller.region !== target.region) {
    problems.push(
      `the AWS region in use is ${caller.region ?? '(none set)'}, but ${configFile} environment.region is ${target.region}: ` +
        `set AWS_REGION=${target.region} or the profile's region`,
    );
  }
  return problems;
}
