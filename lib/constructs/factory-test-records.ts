import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { PlatformFunction } from './platform-function';
import { PlatformKey } from './platform-key';

export interface FactoryTestRecordsProps {
  /** Pilots' device generations: records for anything else are refused. */
  readonly fleets: FleetDirectory;
  /** Key of the functions' log groups. */
  readonly logKey: kms.IKey;
}

/**
 * Factory test records: an append-only DynamoDB table keyed by device serial (one item per test
 * run), KMS-encrypted, point-in-time recoverable, deletion-protected and retained; and its API,
 * two IAM-authenticated function URLs: ingest (POST a record; a run is never overwritten) and
 * query (GET /records/<pilot>/<serial>).
 */
export class FactoryTestRecords extends Construct {
  public readonly table: dynamodb.Table;
  public readonly key: PlatformKey;
  public readonly ingestUrl: lambda.FunctionUrl;
  public readonly queryUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: FactoryTestRecordsProps) {
    super(scope, id);
    this.key = new PlatformKey(this, 'Key', { description: 'Encrypts the factory test records' });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'serial', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'run', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const { environment, files } = fleetDirectoryBundle(props.fleets, { TABLE_NAME: this.table.tableName });
    const ingest = new PlatformFunction(this, 'Ingest', {
      logKey: props.logKey,
      module: 'test-record-api',
      handler: 'ingest',
      description: 'Adds one factory test record; never overwrites a recorded run',
      environment,
      files,
    });
    this.grantAdd(ingest);
    const query = new PlatformFunction(this, 'Query', {
      logKey: props.logKey,
      module: 'test-record-api',
      handler: 'query',
      description: 'Lists the factory test records, verdicts and lifecycle of one pilot device',
      environment,
      files,
    });
    this.grantRead(query);

    this.ingestUrl = ingest.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    this.queryUrl = query.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'IngestUrl', { value: this.ingestUrl.url, description: 'POST one factory test record (SigV4, service lambda)' });
    new CfnOutput(this, 'QueryUrl', { value: this.queryUrl.url, description: 'GET records/<pilot>/<serial> (SigV4, service lambda)' });
  }

  /** Put-only access: records are added, never updated or deleted. */
  public grantAdd(grantee: iam.IGrantable): void {
    this.table.grant(grantee, 'dynamodb:PutItem');
    this.key.grant(grantee, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  }

  /** Query by serial. */
  public grantRead(grantee: iam.IGrantable): void {
    this.table.grant(grantee, 'dynamodb:Query');
    this.key.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
  }

  /** Lets a test station post records and read them back. */
  public grantStation(grantee: iam.IGrantable): void {
    this.ingestUrl.grantInvokeUrl(grantee);
    this.queryUrl.grantInvokeUrl(grantee);
  }
}
