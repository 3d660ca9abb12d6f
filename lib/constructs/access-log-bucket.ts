import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** What delivers logs here, for the acknowledgements' reasons (e.g. "the blob buckets' server access logs"). */
  readonly receives: string;
}

/**
 * A destination for AWS access logs (S3 server access logs, load balancer logs): SSE-S3 (the only
 * encryption those deliveries accept), TLS-only, private, retained, logs expire after a year.
 */
export class AccessLogBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const loop = `This bucket receives ${props.receives}; logging it into itself would loop.`;
    for (const [id, reason] of [
      ['AwsSolutions::AwsSolutions-S1', loop],
      ['cdk-validator-cfnguard::s3_bucket_logging_enabled_check', loop],
      ['cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', 'AWS access-log delivery accepts only SSE-S3 buckets.'],
      ['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', 'Access logs expire after a year; object lock would keep them past that.'],
      ['cdk-validator-cfnguard::s3_event_notifications_enabled_check', 'Nothing consumes access-log object events.'],
    ]) {
      Validations.of(this).acknowledge({ id, reason });
    }
  }
}
