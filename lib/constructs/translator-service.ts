import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PlatformFunction } from './platform-function';

/**
 * The function's memory. Lambda gives CPU in proportion to memory, one vCPU at 1,769 MB
 * (tools/gitlab2jenkins/test/lambda-facts.json), and translating is CPU-bound: the largest
 * uploads (1 MiB) took up to 5.2 s of CPU here, about 18 s of the 20 s timeout at 512 MB, 5.2 s
 * at this size. A large request costs about the same either way, as its duration shrinks with
 * the memory.
 */
export const TRANSLATOR_MEMORY_MB = 1769;
/** Lambda's limit per translation. */
export const TRANSLATOR_TIMEOUT = Duration.seconds(20);

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
      memorySize: TRANSLATOR_MEMORY_MB,
      timeout: TRANSLATOR_TIMEOUT,
    });
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    // Principals of this account, as far as their own IAM policies allow; nobody anonymous.
    this.url.grantInvokeUrl(new iam.AccountPrincipal(Stack.of(this).account));
    new CfnOutput(this, 'TranslateUrl', { value: `${this.url.url}translate`, description: 'POST a .gitlab-ci.yml here (SigV4, service lambda)' });
  }
}
