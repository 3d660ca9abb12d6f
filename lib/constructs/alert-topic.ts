import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PlatformKey } from './platform-key';

/** The services that publish to the alert topic: alarms, EventBridge rules, budgets, AWS Backup. */
const PUBLISHERS = ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'budgets.amazonaws.com', 'backup.amazonaws.com'];

export interface AlertTopicProps {
  /** Physical topic name, so that every stack can address the topic by ARN without an export. */
  readonly topicName: string;
  /** E-mail subscribers. */
  readonly emails: readonly string[];
  /** HTTPS subscribers (chat webhooks). */
  readonly webhooks: readonly string[];
}

/**
 * The one topic every alarm, cluster alert, failed deployment and budget warning goes to, encrypted
 * with a platform key that only the publishing services (and this account's principals) may use.
 */
export class AlertTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: PlatformKey;

  /** The topic's ARN as any stack of the same environment can write it. */
  public static arn(scope: Construct, topicName: string): string {
    return Stack.of(scope).formatArn({ service: 'sns', resource: topicName });
  }

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.key = new PlatformKey(this, 'Key', { description: 'Operator alert topic' });
    // Publishing to an encrypted topic needs the key: scoped to this account's resources.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlertPublishers',
        principals: PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { topicName: props.topicName, masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlertPublishers',
        principals: PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.webhooks) this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
  }
}
