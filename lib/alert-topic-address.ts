/**
 * Where the operators' alerts go: one SNS topic per platform, named after it, so that every stack
 * (and Alertmanager in the cluster) can address it by ARN without a cross-stack export. No CDK
 * imports: the charts use it too.
 */
export function alertTopicName(platformName: string): string {
  return `${platformName}-operator-alerts`;
}

export function alertTopicArn(platformName: string, environment: { readonly account: string; readonly region: string }): string {
  return `arn:aws:sns:${environment.region}:${environment.account}:${alertTopicName(platformName)}`;
}
