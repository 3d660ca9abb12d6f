import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PlatformFunction } from './platform-function';

export interface TranslatorServiceProps {
  /** Key for the function's logs. */
  readonly logKey: kms.IKey;
}

/**
 * The GitLab-CI to Jenkinsfile translator as an HTTP service: `POST <url>/translate` with the YAML
 * as body answers the Jenkinsfile and its warnings as JSON. A Lambda function URL with IAM auth:
 * callers sign with SigV4 and need `lambda:InvokeFunctionUrl` on it in their own policy.
 */
export class TranslatorService extends Construct {
  public readonly function: PlatformFunction;
  public readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: TranslatorServiceProps) {
    super(scope, id);
    this.function = new PlatformFunction(this, 'Function', {
      module: 'gitlab2jenkins-service',
      description: 'Translates a .gitlab-ci.yml into a Jenkinsfile',
      logKey: props.logKey,
      memorySize: 512,
      timeout: Duration.seconds(20),
    });
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    // Principals of this account, as far as their own IAM policies allow; nobody anonymous.
    this.url.grantInvokeUrl(new iam.AccountPrincipal(Stack.of(this).account));
    new CfnOutput(this, 'TranslateUrl', { value: `${this.url.url}translate`, description: 'POST a .gitlab-ci.yml here (SigV4, service lambda)' });
  }
}
