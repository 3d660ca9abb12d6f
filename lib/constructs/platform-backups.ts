import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BACKUP_TAG } from './backup-tag';
import { PlatformKey } from './platform-key';


export interface PlatformBackupsProps {
  /** Days a daily recovery point is kept. */
  readonly dailyRetention: Duration;
  /** How long a monthly recovery point is kept. */
  readonly monthlyRetention: Duration;
  /**
   * Compliance lock: recovery points cannot be deleted before their retention ends, by anyone.
   * @default false
   */
  readonly vaultLock?: boolean;
  /** Where failed backup and restore jobs are reported. */
  readonly alertTopicArn: string;
}

/**
 * AWS Backup for every stateful resource carrying BACKUP_TAG: a vault encrypted with a platform
 * key and retained with the stack, a daily and a monthly rule, failed jobs reported to the operators.
 */
export class PlatformBackups extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: PlatformBackupsProps) {
    super(scope, id);
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: new PlatformKey(this, 'Key', { description: 'Platform backup vault' }),
      removalPolicy: RemovalPolicy.RETAIN,
      notificationTopic: sns.Topic.fromTopicArn(this, 'Alerts', props.alertTopicArn),
      notificationEvents: [backup.BackupVaultEvents.BACKUP_JOB_FAILED, backup.BackupVaultEvents.RESTORE_JOB_FAILED, backup.BackupVaultEvents.COPY_JOB_FAILED],
      // Compliance mode once the 3-day grace period (the minimum) is over: the lock cannot be removed.
      lockConfiguration: props.vaultLock ? { minRetention: props.dailyRetention, changeableFor: Duration.days(3) } : undefined,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '2', minute: '0' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(6),
        deleteAfter: props.dailyRetention,
      }),
    );
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Monthly',
        scheduleExpression: events.Schedule.cron({ day: '1', hour: '3', minute: '0' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(12),
        deleteAfter: props.monthlyRetention,
      }),
    );
    const selection = this.plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag(BACKUP_TAG.key, BACKUP_TAG.value)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: "AWS Backup's documented service-role policy: it covers each resource type's snapshot calls as AWS Backup adds them.",
    });
  }
}
