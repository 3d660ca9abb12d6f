import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ArchitectureName } from '../config/schema';
import { PlatformKey } from './platform-key';
import { BuildStatsNames, METRIC_NAMESPACE } from '../functions/build-stats';
import type { GitHostConfig } from '../functions/build-stats-handler';
import { PlatformFunction } from './platform-function';

/** A component as the build statistics know it. */
export interface BuildComponent {
  /** `<owner>/<component>`. */
  readonly key: string;
  readonly repository: string;
  readonly architectures: readonly ArchitectureName[];
}

const metric = (name: string, statistic: string, dimensions: Record<string, string>) =>
  new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName: name, statistic, dimensionsMap: dimensions, period: Duration.days(1) });
// Metric ids must be unique within a graph: one pair per architecture line.
const passRate = (arch: ArchitectureName, dimensions: Record<string, string>) =>
  new cloudwatch.MathExpression({
    expression: `100 * passed_${arch} / builds_${arch}`,
    usingMetrics: { [`passed_${arch}`]: metric('BuildSucceeded', 'Sum', dimensions), [`builds_${arch}`]: metric('BuildSucceeded', 'SampleCount', dimensions) },
    label: arch,
    period: Duration.days(1),
  });

/** A component's pass rate and build duration per architecture (the metrics the ingest emits). */
export function componentBuildWidgets(component: BuildComponent): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: `${component.key}: pass rate (%)`,
      left: component.architectures.map((a) => passRate(a, { Component: component.key, Architecture: a })),
      leftYAxis: { min: 0, max: 100 },
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: `${component.key}: duration (s, average)`,
      left: component.architectures.map((a) => metric('BuildDuration', 'Average', { Component: component.key, Architecture: a }).with({ label: a })),
      width: 12,
    }),
  ];
}

export interface BuildStatisticsProps {
  /** Components (`<owner>/<component>`), their repositories and architectures. */
  readonly components: readonly BuildComponent[];
  /**
   * Components whose pass rate and duration graphs are on this dashboard; the pilots' are on their
   * own stacks' dashboards ({@link componentBuildWidgets}), so this one does not grow with them.
   * @default - every component
   */
  readonly graphedComponents?: readonly BuildComponent[];
  /** The Git hosts commit statuses go to, with the Secrets Manager secret (name or ARN) of each one's token. */
  readonly gitHosts: readonly GitHostConfig[];
  /** The platform's name: the ingest's function name and its owners' reporter role names derive from it. */
  readonly platformName: string;
  readonly logKey: kms.IKey;
}

/**
 * Build results per pilot, component, commit, branch or tag, and architecture cell: a retained
 * table written only through an ingest function (an AWS_IAM function URL; a record must be signed
 * by its owner's reporter role, CiOwnerCredentials; bad records get a 400, are logged and counted
 * and not stored; records are never overwritten), each result sent back to
 * the Git host as a commit status, and a dashboard: per-commit status per architecture and the
 * release branches (a custom widget reading the table), pass rate and duration per architecture
 * and component, invalid records and statuses the hosts refused.
 */
export class BuildStatistics extends Construct {
  public readonly table: dynamodb.Table;
  public readonly ingest: PlatformFunction;
  /** Where CI POSTs its records (SigV4, service `lambda`). */
  public readonly ingestUrl: lambda.FunctionUrl;
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: BuildStatisticsProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'component', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'build', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: new PlatformKey(this, 'TableKey', { description: 'Encrypts the build statistics' }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.ingest = new PlatformFunction(this, 'Ingest', {
      module: 'build-stats-handler',
      description: 'Stores build records from CI and emits their metrics',
      logKey: props.logKey,
      // Named: each owner's reporter role (in its own stack, deployed first) grants on it by name.
      functionName: BuildStatsNames.ingestFunction(props.platformName),
      environment: {
        PLATFORM_NAME: props.platformName,
        TABLE_NAME: this.table.tableName,
        COMPONENTS_FILE: 'components.json',
        GIT_HOSTS: JSON.stringify(props.gitHosts),
      },
      files: { 'components.json': JSON.stringify(Object.fromEntries(props.components.map((c) => [c.key, c.repository]))) },
    });
    // No resource policy: only same-account identities whose own policy allows it may call (the reporter roles).
    this.ingestUrl = this.ingest.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    // Put only: the ingest neither reads nor changes stored records.
    this.ingest.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.table.tableArn] }));
    this.table.encryptionKey?.grant(this.ingest, 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt');
    props.gitHosts.forEach((host, i) => tokenSecret(this, `StatusToken${i}`, host.tokenSecret).grantRead(this.ingest));

    const board = new PlatformFunction(this, 'StatusBoard', {
      module: 'build-status-board-handler',
      description: 'Renders the per-commit build status board of the CI dashboard from the build records',
      logKey: props.logKey,
      timeout: Duration.seconds(20),
      environment: { TABLE_NAME: this.table.tableName, COMPONENTS_FILE: 'components.json' },
      files: { 'components.json': JSON.stringify(props.components.map(({ key, architectures }) => ({ key, architectures }))) },
    });
    board.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [this.table.tableArn] }));
    this.table.encryptionKey?.grant(board, 'kms:Decrypt');

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(14) });
    const architectures: ArchitectureName[] = ['amd64', 'arm64'];
    this.dashboard.addWidgets(
      new cloudwatch.CustomWidget({ title: 'Per-commit status per architecture, and release branches', functionArn: board.functionArn, width: 24, height: 14, updateOnRefresh: true }),
    );
    const problem = (name: string, label: string) => new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName: name, statistic: 'Sum', period: Duration.days(1), label });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Reporting problems (per day)',
        left: [
          problem('InvalidBuildRecords', 'invalid build records'),
          // One line per component that had a failure, however many components there are.
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${METRIC_NAMESPACE},Component} MetricName="CommitStatusFailures"', 'Sum', 86400)`,
            usingMetrics: {},
            label: 'commit status not set',
            period: Duration.days(1),
          }),
        ],
        width: 24,
      }),
      new cloudwatch.GraphWidget({
        title: 'Pass rate per architecture (%)',
        left: architectures.map((a) => passRate(a, { Architecture: a })),
        leftYAxis: { min: 0, max: 100 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Build duration per architecture (s, p90)',
        left: architectures.map((a) => metric('BuildDuration', 'p90', { Architecture: a }).with({ label: a })),
        width: 12,
      }),
    );
    for (const component of props.graphedComponents ?? props.components) this.dashboard.addWidgets(...componentBuildWidgets(component));
  }
}

/** A token secret named in config: a name, or a complete or partial ARN. */
function tokenSecret(scope: Construct, id: string, nameOrArn: string): secretsmanager.ISecret {
  if (!nameOrArn.startsWith('arn:')) return secretsmanager.Secret.fromSecretNameV2(scope, id, nameOrArn);
  return /-[A-Za-z0-9]{6}$/.test(nameOrArn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, nameOrArn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, nameOrArn);
}
