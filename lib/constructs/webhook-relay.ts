import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { JenkinsController } from './jenkins-controller';
import { PlatformFunction } from './platform-function';

export interface WebhookRelayProps {
  readonly vpc: ec2.IVpc;
  /** Subnets from which the relay reaches the internal Jenkins. */
  readonly subnets: ec2.SubnetSelection;
  readonly jenkins: JenkinsController;
  /** Jenkins' host name (TLS is verified against it). */
  readonly jenkinsHostname: string;
  /** Repository URLs of the components, as their jobs use them. */
  readonly repositories: readonly string[];
  /** Key for the relay's logs. */
  readonly logKey: kms.IKey;
}

/**
 * Public webhook endpoint (`POST /webhook` on an HTTP API) in front of the internal Jenkins. The
 * function checks the GitHub signature or GitLab token against the secret in Secrets Manager before
 * anything reaches Jenkins.
 */
export class WebhookRelay extends Construct {
  public readonly secret: secretsmanager.Secret;
  public readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: WebhookRelayProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Shared webhook secret: GitHub webhook secret / GitLab secret token of every component repository',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'The same value is registered in every repository webhook; rotation is a coordinated manual step (README runbook).',
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Webhook relay function' });
    props.jenkins.loadBalancer.connections.allowFrom(securityGroup, ec2.Port.tcp(443), 'webhook relay');
    const fn = new PlatformFunction(this, 'Function', {
      module: 'webhook-relay-handler',
      description: 'Verifies repository webhooks, then asks Jenkins to scan the repository',
      logKey: props.logKey,
      timeout: Duration.seconds(15),
      reservedConcurrency: 10,
      network: { vpc: props.vpc, subnets: props.subnets, securityGroups: [securityGroup] },
      environment: {
        REPOSITORIES: JSON.stringify(props.repositories),
        JENKINS_HOSTNAME: props.jenkinsHostname,
        JENKINS_LOAD_BALANCER: props.jenkins.loadBalancer.loadBalancerDnsName,
        WEBHOOK_SECRET_ARN: this.secret.secretArn,
      },
    });
    this.secret.grantRead(fn);

    this.api = new apigwv2.HttpApi(this, 'Api', { description: 'Repository webhooks for the platform CI', createDefaultStage: false });
    const [route] = this.api.addRoutes({ path: '/webhook', methods: [apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration('Relay', fn) });
    // GitHub and GitLab cannot sign with SigV4 or carry a JWT: the route is open and the function
    // authenticates every request by its signature / token before anything else happens.
    for (const rule of ['AwsSolutions::AwsSolutions-APIG4', 'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check']) {
      Validations.of(route).acknowledge({ id: rule, reason: 'Webhook senders cannot use IAM or JWT; the function verifies the HMAC signature or token first.' });
    }
    Validations.of(route).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason: 'Only this API (source ARN) may invoke the function; the function itself rejects unsigned requests.',
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.RETAIN });
    new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 40 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    new CfnOutput(this, 'WebhookUrl', { value: `${this.api.apiEndpoint}/webhook`, description: 'Payload URL for every component repository webhook' });
  }
}
