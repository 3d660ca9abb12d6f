import { Duration } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { OperationsSpec } from '../config/schema';
import { AlertTopic } from '../constructs/alert-topic';
import { PlatformBackups } from '../constructs/platform-backups';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface OperationsStackProps extends PlatformStackProps {
  /** Alert subscribers, backup retention and budget, from config. */
  readonly operations: OperationsSpec;
  /** Physical name of the alert topic (every stack's alarms address it by ARN). */
  readonly alertTopicName: string;
  /**
   * The cost allocation tag (key and value) that marks the platform's resources; the budget counts
   * only those (the tag must be activated for cost allocation once, see the runbook).
   */
  readonly costTag: { readonly key: string; readonly value: string };
}

/**
 * What keeps the platform operated: the alert topic, AWS Backup for every tagged stateful resource,
 * the monthly budget, and failed Greengrass deployments reported. Deployed first: every other
 * stack's alarms notify its topic.
 */
export class OperationsStack extends PlatformStack {
  public readonly alerts: AlertTopic;
  /** The alert topic's physical name (a plain string: other stacks build its ARN without an export). */
  public readonly alertTopicName: string;
  public readonly backups: PlatformBackups;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const { alerts, backups, budget } = props.operations;
    this.alertTopicName = props.alertTopicName;
    this.alerts = new AlertTopic(this, 'Alerts', { topicName: props.alertTopicName, emails: alerts.emails, webhooks: alerts.webhooks });
    this.backups = new PlatformBackups(this, 'Backups', {
      dailyRetention: Duration.days(backups.retentionDays),
      monthlyRetention: Duration.days(backups.monthlyRetentionMonths * 31),
      vaultLock: backups.vaultLock,
      alertTopicArn: this.alerts.topic.topicArn,
    });

    const limit = Math.ceil(budget.monthlyEstimateUsd * (1 + budget.marginPercent / 100));
    const subscribers = [{ subscriptionType: 'SNS', address: this.alerts.topic.topicArn }];
    new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: limit, unit: 'USD' },
        costFilters: { TagKeyValue: [`user:${props.costTag.key}$${props.costTag.value}`] },
      },
      notificationsWithSubscribers: [
        { notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers },
        { notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers },
      ],
    });

    // Greengrass reports each core device's deployment outcome on the default event bus.
    new events.Rule(this, 'FailedGreengrassDeployments', {
      description: 'A Greengrass deployment failed or was rejected on a core device',
      eventPattern: {
        source: ['aws.greengrass'],
        detailType: ['Greengrass V2 Effective Deployment Status Change'],
        detail: { coreDeviceExecutionStatus: ['FAILED', 'REJECTED'] },
      },
      targets: [new targets.SnsTopic(this.alerts.topic)],
    });
  }
}
