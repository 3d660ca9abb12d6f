import * as path from 'path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ArchitectureName } from '../config/schema';
import { PlatformKey } from './platform-key';
import { LAMBDA_SOURCE } from './webhook-relay';

/** Namespace of the metrics the ingest emits (keep in step with lambda/build-stats.ts). */
const METRICS = 'IIoTPlatform/CI';

export interface BuildStatisticsProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Components (`<owner>/<component>`) and their architectures, for the dashboard. */
  readonly components: readonly { readonly key: string; readonly architectures: readonly ArchitectureName[] }[];
  readonly logKey: kms.IKey;
}

/**
 * Build results per pilot, component, commit, branch and architecture: a retained table written
 * only through an ingest function (IAM-authenticated invoke; bad records get a 400 and are not
 * stored, records are never overwritten), and a dashboard of pass rate and duration per
 * architecture and component.
 */
export class BuildStatistics extends Construct {
  public readonly table: dynamodb.Table;
  public readonly ingest: nodejs.NodejsFunction;
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

    this.ingest = new nodejs.NodejsFunction(this, 'Ingest', {
      entry: path.join(LAMBDA_SOURCE, 'build-stats.handler.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.logKey, removalPolicy: RemovalPolicy.RETAIN }),
      environment: { TABLE_NAME: this.table.tableName },
      bundling: { externalModules: ['@aws-sdk/*'], minify: true, sourceMap: false, forceDockerBundling: false },
    });
    // Put only: the ingest neither reads nor changes stored records.
    this.ingest.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.table.tableArn] }));
    this.table.encryptionKey?.grant(this.ingest, 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const [rule, reason] of [
      ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'AWS-maintained minimum for writing its own logs.'],
      ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]', 'AWS-maintained minimum for network interfaces in the VPC.'],
      ['cdk-validator-cfnguard::lambda_inside_vpc_check', 'The function runs in the CI plane subnets; the rule cannot see through the cross-stack subnet references.'],
    ]) {
      Validations.of(this.ingest).acknowledge({ id: rule, reason });
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(14) });
    const architectures: ArchitectureName[] = ['amd64', 'arm64'];
    const metric = (name: string, statistic: string, dimensions: Record<string, string>) =>
      new cloudwatch.Metric({ namespace: METRICS, metricName: name, statistic, dimensionsMap: dimensions, period: Duration.days(1) });
    // Metric ids must be unique within a graph: one pair per architecture line.
    const passRate = (arch: ArchitectureName, dimensions: Record<string, string>) =>
      new cloudwatch.MathExpression({
        expression: `100 * passed_${arch} / builds_${arch}`,
        usingMetrics: { [`passed_${arch}`]: metric('BuildSucceeded', 'Sum', dimensions), [`builds_${arch}`]: metric('BuildSucceeded', 'SampleCount', dimensions) },
        label: arch,
        period: Duration.days(1),
      });
    this.dashboard.addWidgets(
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
    for (const component of props.components) {
      this.dashboard.addWidgets(
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
      );
    }
  }

  /** Lets CI report build records. */
  public grantReport(grantee: iam.IGrantable): void {
    // The unqualified function only (grantInvoke would add every version and alias).
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.ingest.functionArn] }));
  }
}
