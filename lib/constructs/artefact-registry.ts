import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ArtefactKindName } from '../config/schema';
import {
  ECR_PULL_ACTIONS,
  ECR_PUSH_ACTIONS,
  grantArtefactRead,
  grantRegistryLogin,
  grantScoped,
  S3_READ_OBJECT_ACTIONS,
  S3_WRITE_OBJECT_ACTIONS,
} from './artefact-access';
import { AccessLogBucket } from './access-log-bucket';
import { PlatformKey } from './platform-key';
import { bucketArn, REGISTRY_TIERS, RegistryNames, RegistryTier, repositoryArn } from './registry-names';

/** Governance-mode lock on prod blobs: long enough to outlive any supported release. */
const PROD_BLOB_LOCK = Duration.days(3653);

function acknowledgeNoEventConsumer(bucket: s3.Bucket): void {
  Validations.of(bucket).acknowledge({
    id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
    reason: 'No component consumes object events; CDK would add a Lambda-backed custom resource to configure them. Access logs record every write.',
  });
}

/** A component as far as registries care: its name and what it publishes. */
export interface RegistryComponent {
  readonly name: string;
  readonly artefacts: readonly ArtefactKindName[];
}

/** How the dev tier is cleaned; prod is never cleaned. */
export interface DevTierRetention {
  /**
   * Images kept per dev repository, newest first.
   * @default 50
   */
  readonly imagesKept?: number;
  /**
   * Age at which an untagged dev image expires. CI tags every per-architecture image
   * (`<version>-<arch>`) as well as the multi-arch index, so no live image is untagged.
   * @default Duration.days(7)
   */
  readonly untaggedAge?: Duration;
  /**
   * Age at which a replaced dev blob version expires.
   * @default Duration.days(30)
   */
  readonly blobVersionAge?: Duration;
}

export interface ArtefactRegistryProps {
  /** Pilot name, or `platform`: the namespace of every repository and bucket. */
  readonly owner: string;
  /** Components that get registries, each for the kinds it publishes. */
  readonly components: readonly RegistryComponent[];
  /** @default - see DevTierRetention */
  readonly devRetention?: DevTierRetention;
}

/**
 * One owner's artefact registries in two tiers: ECR repositories for images and Helm charts (OCI)
 * per component, and a versioned S3 bucket per tier for blobs. Dev is mutable and lifecycle-cleaned;
 * prod has immutable tags, refuses overwrites and deletes, and only the promoter may write it.
 * Everything is retained when the stack or the owner's config goes away.
 */
export class ArtefactRegistry extends Construct {
  /** Repositories by `<kind>/<tier>/<component>`, e.g. `image/dev/line-monitor`. */
  public readonly repositories: ReadonlyMap<string, ecr.Repository>;
  /** Blob buckets per tier; absent when no component publishes blobs. */
  public readonly blobBuckets?: Readonly<Record<RegistryTier, s3.Bucket>>;
  /** Key of the blob buckets (SSE-KMS with bucket keys). */
  public readonly blobKey?: kms.Key;
  private readonly owner: string;
  private readonly components: readonly RegistryComponent[];
  private promoter?: iam.IRole;

  constructor(scope: Construct, id: string, props: ArtefactRegistryProps) {
    super(scope, id);
    this.owner = props.owner;
    this.components = props.components;
    const retention = props.devRetention ?? {};

    const repositories = new Map<string, ecr.Repository>();
    for (const component of props.components) {
      for (const kind of ['image', 'chart'] as const) {
        if (!component.artefacts.includes(kind)) continue;
        for (const tier of REGISTRY_TIERS) {
          const name =
            kind === 'image'
              ? RegistryNames.imageRepository(props.owner, tier, component.name)
              : RegistryNames.chartRepository(props.owner, tier, component.name);
          repositories.set(`${kind}/${tier}/${component.name}`, this.repository(name, tier, retention));
        }
      }
    }
    this.repositories = repositories;

    if (props.components.some((c) => c.artefacts.includes('blob'))) {
      const accessLogs = new AccessLogBucket(this, 'AccessLogs', { receives: "the blob buckets' server access logs" });
      const blobKey = new PlatformKey(this, 'BlobKey', { description: `Encrypts the ${props.owner} blob registries` });
      this.blobKey = blobKey;
      this.blobBuckets = {
        dev: this.blobBucket('dev', blobKey, accessLogs, retention),
        prod: this.blobBucket('prod', blobKey, accessLogs, retention),
      };
    }
  }

  /** Lets CI push images and charts to the dev tier and put blobs under its components' prefixes. */
  public grantPublish(grantee: iam.IGrantable): void {
    this.grantTierWrite(grantee, 'dev');
  }

  /** Read access to both tiers: pull images and charts, get blobs. */
  public grantRead(grantee: iam.IGrantable): void {
    for (const tier of REGISTRY_TIERS) grantArtefactRead(this, grantee, { owner: this.owner, tier });
  }

  /**
   * Makes `role` the promoter: it reads dev and writes prod, and it alone may write prod
   * (resource policies deny every other principal). Prod blobs must be written with
   * `If-None-Match: *` (no overwrite), so promotion uploads rather than server-side copies.
   */
  public grantPromote(role: iam.IRole): void {
    if (this.promoter) throw new Error(`${this.node.path} already has a promoter: prod has exactly one writer`);
    this.promoter = role;
    // Reads both tiers: dev is the source, prod is checked for the version before anything is copied.
    grantArtefactRead(this, role, { owner: this.owner, tier: 'dev' });
    grantArtefactRead(this, role, { owner: this.owner, tier: 'prod' });
    this.grantTierWrite(role, 'prod');
    for (const [key, repository] of this.repositories) {
      if (!key.includes('/prod/')) continue;
      repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyThePromoterWritesProd',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ECR_PUSH_ACTIONS,
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
        }),
      );
    }
    this.blobBuckets?.prod.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyThePromoterWritesProd',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.blobBuckets.prod.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );
  }

  private repository(repositoryName: string, tier: RegistryTier, retention: DevTierRetention): ecr.Repository {
    const repository = new ecr.Repository(this, RegistryNames.repositoryConstructId(repositoryName), {
      repositoryName,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      imageTagMutability: tier === 'prod' ? ecr.TagMutability.IMMUTABLE : ecr.TagMutability.MUTABLE,
      // Named: a copy kept after a failed first deploy would make the retry fail with AlreadyExists.
      // Kept on delete and replacement; removed only when its own creation is rolled back (still empty).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      emptyOnDelete: false,
    });
    if (tier === 'dev') {
      Validations.of(repository).acknowledge({
        id: 'cdk-validator-cfnguard::ecr_private_tag_immutability_enabled_check',
        reason: 'The dev tier is mutable by design (moving branch tags); prod repositories have immutable tags.',
      });
      repository.addLifecycleRule({
        rulePriority: 1,
        description: 'Expire untagged images (build leftovers)',
        tagStatus: ecr.TagStatus.UNTAGGED,
        maxImageAge: retention.untaggedAge ?? Duration.days(7),
      });
      repository.addLifecycleRule({
        rulePriority: 2,
        description: 'Keep the newest images only',
        tagStatus: ecr.TagStatus.ANY,
        maxImageCount: retention.imagesKept ?? 50,
      });
    } else {
      Validations.of(repository).acknowledge({
        id: 'cdk-validator-cfnguard::ecr_private_lifecycle_policy_configured_check',
        reason: 'Prod keeps every promoted version forever (one artefact per version); a lifecycle rule would expire releases.',
      });
      repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ProdArtefactsAreNeverDeleted',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['ecr:BatchDeleteImage', 'ecr:PutImageTagMutability'],
        }),
      );
    }
    return repository;
  }

  private blobBucket(tier: RegistryTier, key: kms.Key, accessLogs: s3.Bucket, retention: DevTierRetention): s3.Bucket {
    const stack = Stack.of(this);
    const bucket = new s3.Bucket(this, tier === 'dev' ? 'DevBlobs' : 'ProdBlobs', {
      bucketName: RegistryNames.blobBucket(this.owner, tier, stack.account, stack.region),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      // Prod objects are locked as well as policy-protected: a released version stays as released.
      objectLockEnabled: tier === 'prod',
      objectLockDefaultRetention: tier === 'prod' ? s3.ObjectLockRetention.governance(PROD_BLOB_LOCK) : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      // Named, like the repositories: removed only when its own creation is rolled back (still empty).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${tier}/`,
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(tier === 'dev' ? [{ noncurrentVersionExpiration: retention.blobVersionAge ?? Duration.days(30) }] : []),
      ],
    });
    acknowledgeNoEventConsumer(bucket);
    if (tier === 'dev') {
      Validations.of(bucket).acknowledge({
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason: 'The dev tier is mutable by design (CI re-publishes builds); prod blobs are object-locked.',
      });
    }
    if (tier === 'prod') {
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ProdBlobsAreNeverOverwritten',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects('*')],
          // PutObject and CompleteMultipartUpload must carry If-None-Match; multipart part uploads cannot.
          conditions: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
        }),
      );
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ProdBlobsAreNeverDeleted',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [bucket.arnForObjects('*')],
        }),
      );
    }
    return bucket;
  }

  /** Push and pull in one tier's repositories; put and get under the components' blob prefixes. */
  private grantTierWrite(grantee: iam.IGrantable, tier: RegistryTier): void {
    grantRegistryLogin(grantee);
    grantScoped(
      grantee,
      { actions: [...ECR_PULL_ACTIONS, ...ECR_PUSH_ACTIONS], resources: [repositoryArn(this, `${this.owner}/${tier}/*`)] },
      `every repository in the ${this.owner}/${tier} namespace, images and charts alike`,
    );
    if (!this.blobKey) return;
    const stack = Stack.of(this);
    const bucket = bucketArn(this, RegistryNames.blobBucket(this.owner, tier, stack.account, stack.region));
    const prefixes = this.components.filter((c) => c.artefacts.includes('blob')).map((c) => RegistryNames.blobPrefix(c.name));
    grantScoped(
      grantee,
      { actions: [...S3_READ_OBJECT_ACTIONS, ...S3_WRITE_OBJECT_ACTIONS], resources: prefixes.map((p) => `${bucket}/${p}*`) },
      'objects under the prefixes of the components that publish blobs',
    );
    iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resourceArns: [this.blobKey.keyArn] });
  }
}
