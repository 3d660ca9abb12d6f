import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ArtefactKindName } from '../config/schema';
import { bucketArn, RegistryNames, RegistryTier, repositoryArn } from './registry-names';

/** What read access is granted on: an owner's tier, optionally narrowed to some components. */
export interface ArtefactTarget {
  /** Pilot name, or `platform`. */
  readonly owner: string;
  readonly tier: RegistryTier;
  /**
   * Components to grant on, with the kinds each publishes.
   * @default - the owner's whole namespace in that tier
   */
  readonly components?: readonly { readonly name: string; readonly artefacts: readonly ArtefactKindName[] }[];
}

export const ECR_PULL_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:DescribeImages',
  'ecr:ListImages',
];
export const ECR_PUSH_ACTIONS = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'];
export const S3_READ_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
export const S3_WRITE_OBJECT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'];

/**
 * Adds an identity-policy grant and acknowledges exactly the wildcards in its resources (not the
 * rule as a whole), with the reason they are the narrowest scope possible.
 */
export function grantScoped(grantee: iam.IGrantable, statement: iam.PolicyStatementProps, reason: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement(statement));
  // Acknowledge where the policy lands: the principal (a function's role, not the function).
  const holder = Construct.isConstruct(grantee.grantPrincipal) ? grantee.grantPrincipal : grantee;
  if (!Construct.isConstruct(holder)) return;
  for (const arn of statement.resources ?? []) {
    const resolved = Stack.of(holder).resolve(arn);
    if (typeof resolved === 'string' && resolved.includes('*')) {
      Validations.of(holder).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resolved}]`, reason });
    }
  }
}

/** Lets `grantee` log in to ECR. */
export function grantRegistryLogin(grantee: iam.IGrantable): void {
  grantScoped(grantee, { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }, 'ecr:GetAuthorizationToken supports no resource-level permissions');
}

/**
 * Pull on the target's image and chart repositories and get on its blobs. Grants by name, so a
 * stack can grant on another owner's registries without a cross-stack reference.
 */
export function grantArtefactRead(scope: Construct, grantee: iam.IGrantable, target: ArtefactTarget): void {
  const { owner, tier, components } = target;
  const stack = Stack.of(scope);
  const bucket = bucketArn(scope, RegistryNames.blobBucket(owner, tier, stack.account, stack.region));
  const repositories = components
    ? components.flatMap((c) => [
        ...(c.artefacts.includes('image') ? [RegistryNames.imageRepository(owner, tier, c.name)] : []),
        ...(c.artefacts.includes('chart') ? [RegistryNames.chartRepository(owner, tier, c.name)] : []),
      ])
    : [`${owner}/${tier}/*`];
  const blobPrefixes = components
    ? components.filter((c) => c.artefacts.includes('blob')).map((c) => RegistryNames.blobPrefix(c.name))
    : [''];

  if (repositories.length > 0) {
    grantRegistryLogin(grantee);
    grantScoped(
      grantee,
      { actions: ECR_PULL_ACTIONS, resources: repositories.map((r) => repositoryArn(scope, r)) },
      `every repository in the ${owner}/${tier} namespace, images and charts alike`,
    );
  }
  if (blobPrefixes.length === 0) return;
  grantScoped(
    grantee,
    { actions: S3_READ_OBJECT_ACTIONS, resources: blobPrefixes.map((p) => `${bucket}/${p}*`) },
    'objects under the granted component prefixes',
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket],
      // A reader of some components does not even learn the other components' keys.
      conditions: components ? { StringLike: { 's3:prefix': blobPrefixes.map((p) => `${p}*`) } } : undefined,
    }),
  );
  // Blobs are SSE-KMS with bucket keys: decrypt is bound to this bucket by the encryption context,
  // so no key ARN from another stack is needed.
  grantScoped(
    grantee,
    {
      actions: ['kms:Decrypt'],
      resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucket } },
    },
    'decrypt only through S3 and only for this bucket (encryption-context condition); the key lives in the owner\'s stack',
  );
}
