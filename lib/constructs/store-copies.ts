import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STORE_COPY_ACCOUNTS, STORE_COPY_PREFIXES } from '../store-copies-address';
import { AccessLogBucket } from './access-log-bucket';
import { PlatformKey } from './platform-key';

export interface StoreCopiesProps {
  /** Physical bucket name (storeCopiesBucketName): the charts' jobs address it without a reference. */
  readonly bucketName: string;
  /** The EKS cluster whose jobs write and read the copies. */
  readonly clusterName: string;
  /** Namespace of the stores and their copy jobs. */
  readonly copyNamespace: string;
  /**
   * Namespaces where a restore may read the copies (staging, for rehearsals), each with the
   * pilot's stack that holds its Pod Identity association, so this stack does not grow with the pilots.
   */
  readonly restoreNamespaces: readonly { readonly namespace: string; readonly scope: Construct }[];
  /** How long a copy is kept. */
  readonly retention: Duration;
}

/** How long a copy stays recoverable after it was replaced or deleted (versioning), on top of its retention. */
const NONCURRENT_GRACE = Duration.days(7);

/**
 * Application-consistent copies of the FIWARE stores: a retained, versioned, KMS-encrypted bucket
 * with server access logs and retention by lifecycle, and one EKS Pod Identity role per job.
 * The MongoDB dump job may only add objects under `mongo/`; the CrateDB snapshot job may sync its
 * snapshot repository under `crate/` (CrateDB rewrites and removes its own index blobs, so it may
 * delete there, which versioning turns into a recoverable delete marker); a restore may only read.
 * Nobody here may delete an object version: only the lifecycle rules end a copy.
 */
export class StoreCopies extends Construct {
  public readonly bucket: s3.Bucket;
  /** Roles by job, for tests and drills. */
  public readonly roles: Readonly<Record<keyof typeof STORE_COPY_ACCOUNTS, iam.Role>>;

  constructor(scope: Construct, id: string, props: StoreCopiesProps) {
    super(scope, id);
    const key = new PlatformKey(this, 'Key', { description: 'Copies of the FIWARE stores (MongoDB dumps, CrateDB snapshots)' });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: new AccessLogBucket(this, 'AccessLogs', { receives: "the store copies bucket's server access logs" }),
      lifecycleRules: [
        // A dump is one object: it expires after the retention, then stays recoverable for the grace period.
        { id: 'MongoDumps', prefix: STORE_COPY_PREFIXES.mongo, expiration: props.retention, noncurrentVersionExpiration: NONCURRENT_GRACE },
        // A CrateDB repository shares blobs between snapshots: its job drops snapshots past the retention
        // (CrateDB deletes the blobs no snapshot needs); the deleted versions go after the retention again.
        { id: 'CrateSnapshots', prefix: STORE_COPY_PREFIXES.crate, noncurrentVersionExpiration: props.retention },
        { id: 'Housekeeping', abortIncompleteMultipartUploadAfter: Duration.days(7), expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: "CrateDB's snapshot repository rewrites its index blobs; versioning, and no role allowed to delete versions, keep every copy until its lifecycle rule.",
    });
    Validations.of(this.bucket).acknowledge({
      id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
      reason: 'Nothing consumes object events; a failed copy job alerts through the cluster (kube-state-metrics rules), access logs record every write.',
    });

    const objects = (prefix: string) => this.bucket.arnForObjects(`${prefix}*`);
    const stack = Stack.of(this);
    const bucketId = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)) as string;
    /** Object actions under the given prefixes: the wildcard is the prefix's, acknowledged as cdk-nag names it. */
    const grantObjects = (grantee: iam.Role, actions: string[], prefixes: readonly string[], reason: string) => {
      grantee.addToPolicy(new iam.PolicyStatement({ actions, resources: prefixes.map(objects) }));
      for (const prefix of prefixes) Validations.of(grantee).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`, reason });
    };
    // Objects are encrypted with the bucket's key, used only through S3.
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } };
    const role = (name: keyof typeof STORE_COPY_ACCOUNTS, description: string) =>
      new iam.Role(this, `${name[0].toUpperCase()}${name.slice(1)}Role`, {
        assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
        description,
        maxSessionDuration: Duration.hours(1),
      });

    const mongo = role('mongo', 'MongoDB dump job: adds dumps under mongo/ of the store copies bucket');
    grantObjects(mongo, ['s3:PutObject', 's3:AbortMultipartUpload'], [STORE_COPY_PREFIXES.mongo], "Dump keys carry their time; the prefix is the job's own.");
    // Multipart uploads to an SSE-KMS bucket need Decrypt as well as GenerateDataKey.
    mongo.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn], conditions: viaS3 }));

    const crate = role('crate', 'CrateDB snapshot job: syncs the snapshot repository to crate/ of the store copies bucket');
    crate.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${STORE_COPY_PREFIXES.crate}*`] } } }),
    );
    grantObjects(
      crate,
      ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
      [STORE_COPY_PREFIXES.crate],
      "The repository's blob names are CrateDB's; the prefix is the job's own, and versioning keeps what it deletes.",
    );
    crate.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn], conditions: viaS3 }));

    const restore = role('restore', 'Store restore (rehearsal in a staging namespace): reads the store copies');
    const prefixes = Object.values(STORE_COPY_PREFIXES);
    restore.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } }),
    );
    grantObjects(restore, ['s3:GetObject'], prefixes, 'A restore reads whichever copy the operator picks, by key.');
    restore.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: viaS3 }));
    this.roles = { mongo, crate, restore };

    const associate = (scope: Construct, id: string, namespace: string, serviceAccount: string, target: iam.Role) =>
      new eks.CfnPodIdentityAssociation(scope, id, { clusterName: props.clusterName, namespace, serviceAccount, roleArn: target.roleArn });
    associate(this, 'MongoDumpIdentity', props.copyNamespace, STORE_COPY_ACCOUNTS.mongo, mongo);
    associate(this, 'CrateSnapshotIdentity', props.copyNamespace, STORE_COPY_ACCOUNTS.crate, crate);
    for (const { scope, namespace } of props.restoreNamespaces) associate(scope, 'StoreRestoreIdentity', namespace, STORE_COPY_ACCOUNTS.restore, restore);
  }
}
