import * as path from 'path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface TranslatorServiceProps {
  /** Key for the function's logs. */
  readonly logKey: kms.IKey;
}

/** The translator library's Lambda entry (tools/gitlab2jenkins). */
const HANDLER = path.join(__dirname, '..', '..', 'tools', 'gitlab2jenkins', 'src', 'service-handler.ts');

/**
 * The GitLab-CI to Jenkinsfile translator as an HTTP service: `POST <url>/translate` with the YAML
 * as body answers the Jenkinsfile and its warnings as JSON. A Lambda function URL with IAM auth:
 * callers sign with SigV4 and need `lambda:InvokeFunctionUrl` on it in their own policy.
 */
export class TranslatorService extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: TranslatorServiceProps) {
    super(scope, id);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: HANDLER,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(20),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.RETAIN }),
      bundling: { minify: true, sourceMap: false, forceDockerBundling: false },
    });
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    // Principals of this account, as far as their own IAM policies allow; nobody anonymous.
    this.url.grantInvokeUrl(new iam.AccountPrincipal(Stack.of(this).account));
    for (const [rule, reason] of [
      ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'AWS-maintained minimum for writing its own logs; the function calls nothing else.'],
      ['cdk-validator-cfnguard::lambda_inside_vpc_check', 'A pure text translation that reaches no network resource; a VPC would add nothing but cold starts.'],
    ]) {
      Validations.of(this.function).acknowledge({ id: rule, reason });
    }
    new CfnOutput(this, 'TranslateUrl', { value: `${this.url.url}translate`, description: 'POST a .gitlab-ci.yml here (SigV4, service lambda)' });
  }
}
