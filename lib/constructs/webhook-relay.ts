import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  /** ACM certificate of Jenkins' load balancer (it covers `jenkinsHostname`). */
  readonly certificateArn: string;
  /**
   * How long a delivery id is remembered: a request carrying it again within this time is refused.
   * @default Duration.days(3) - GitHub lets a delivery be redelivered for three days
   */
  readonly replayWindow?: Duration;
  /** Repository URLs of the components, as their jobs use them. */
  readonly repositories: readonly string[];
  /** Key for the relay's logs. */
  readonly logKey: kms.IKey;
}

/** Load balancer port of the relay's own listener: only the relay's security group reaches it. */
export const RELAY_LISTENER_PORT = 8443;

/**
 * Path patterns (ALB syntax: case-sensitive, `*` any characters, `?` one, matched against the raw,
 * still percent-encoded path) that every other Jenkins listener refuses. Stapler (Stapler.java,
 * getServletPath / canonicalPath) collapses empty and dot segments of the raw path and only then
 * decodes each segment, and Jenkins.getDynamic matches root actions by exact urlName. So a hook
 * root action is reached through its literal first segment, a first segment carrying an escape,
 * or a path with empty or dot segments: all refused here. The hook root actions of the pinned
 * plugins: `git` (git plugin GitStatus, urlName "git": /git/notifyCommit); `/git*` also covers the
 * GitHub (`github-webhook`) and GitLab branch source (`gitlab-webhook`) plugins' names, `project`
 * is the GitLab plugin's. Escapes are refused up to the third character, the length of `git`.
 * At most three patterns per condition (ALB limit): one rule per group.
 */
export const HOOK_PATH_REFUSALS: readonly (readonly string[])[] = [
  ['/git*', '/project', '/project/*'],
  ['/%*', '/?%*', '/??%*'],
  ['//*', '*/./*', '*/../*'],
  ['*/.', '*/..'],
];

/**
 * Public webhook endpoint (`POST /webhook` on an HTTP API) in front of the internal Jenkins. The
 * function checks the GitHub signature or GitLab token against the secret in Secrets Manager,
 * refuses a delivery id it has seen within the replay window (a DynamoDB table shared by every
 * instance), and only then calls Jenkins' notifyCommit on a load balancer listener that only the
 * relay can reach. Every other listener of Jenkins' load balancer refuses the webhook endpoints.
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

    // A replay cache: losing it reopens the window for at most `replayWindow`, so it is not retained.
    const deliveries = new dynamodb.Table(this, 'Deliveries', {
      partitionKey: { name: 'delivery', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Webhook relay function' });
    this.refuseHooksOnJenkinsListeners(props.jenkins.loadBalancer);
    const listener = new elbv2.ApplicationListener(this, 'JenkinsListener', {
      loadBalancer: props.jenkins.loadBalancer,
      port: RELAY_LISTENER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      open: false,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'this listener serves notifyCommit only' }),
    });
    listener.addTargets('NotifyCommit', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/git/notifyCommit']), elbv2.ListenerCondition.httpRequestMethods(['GET'])],
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [props.jenkins.service],
      healthCheck: { path: '/login', healthyHttpCodes: '200' },
      deregistrationDelay: Duration.seconds(30),
    });
    listener.connections.allowFrom(securityGroup, ec2.Port.tcp(RELAY_LISTENER_PORT), 'webhook relay');
    const replayWindow = props.replayWindow ?? Duration.days(3);
    const fn = new PlatformFunction(this, 'Function', {
      module: 'webhook-relay-handler',
      description: 'Verifies repository webhooks, then asks Jenkins to scan the repository',
      logKey: props.logKey,
      timeout: Duration.seconds(15),
      reservedConcurrency: 10,
      network: { vpc: props.vpc, subnets: props.subnets, securityGroups: [securityGroup] },
      environment: {
        REPOSITORIES_FILE: 'repositories.json',
        JENKINS_HOSTNAME: props.jenkinsHostname,
        JENKINS_LOAD_BALANCER: props.jenkins.loadBalancer.loadBalancerDnsName,
        JENKINS_PORT: String(RELAY_LISTENER_PORT),
        WEBHOOK_SECRET_ARN: this.secret.secretArn,
        DELIVERY_TABLE: deliveries.tableName,
        REPLAY_WINDOW_SECONDS: String(replayWindow.toSeconds()),
      },
      files: { 'repositories.json': JSON.stringify(props.repositories) },
    });
    this.secret.grantRead(fn);
    // Claim (conditional put) and give back a claim whose Jenkins call failed; nothing else.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [deliveries.tableArn] }));

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

  /** Every listener Jenkins' load balancer has so far answers the webhook endpoints with 403. */
  private refuseHooksOnJenkinsListeners(loadBalancer: elbv2.ApplicationLoadBalancer): void {
    loadBalancer.listeners.forEach((listener, l) =>
      HOOK_PATH_REFUSALS.forEach((patterns, r) => {
        new elbv2.ApplicationListenerRule(this, `RefuseHooks${l}-${r}`, {
          listener,
          priority: r + 1,
          conditions: [elbv2.ListenerCondition.pathPatterns([...patterns])],
          action: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'webhooks go through the platform webhook relay' }),
        });
      }),
    );
  }
}
