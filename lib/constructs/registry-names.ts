import { Arn, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Registry tiers: `dev` is what CI pushes (mutable, cleaned), `prod` holds promoted, immutable artefacts. */
export type RegistryTier = 'dev' | 'prod';
export const REGISTRY_TIERS: readonly RegistryTier[] = ['dev', 'prod'];

/**
 * Physical names of an owner's registries. Operators and pipelines type these (docker push,
 * helm push, aws s3 cp), and other owners' stacks grant on them without cross-stack references,
 * so they are deterministic: one platform per account and region.
 */
export const RegistryNames = {
  /** `acme/dev/line-monitor` */
  imageRepository: (owner: string, tier: RegistryTier, component: string) => `${owner}/${tier}/${component}`,
  /** `acme/dev/charts/line-monitor`: `helm push` to `oci://<registry>/acme/dev/charts` lands here. */
  chartRepository: (owner: string, tier: RegistryTier, component: string) => `${owner}/${tier}/charts/${component}`,
  /** `acme-blobs-dev-<account>-<region>`: at most 63 characters for a 24-character owner. */
  blobBucket: (owner: string, tier: RegistryTier, account: string, region: string) => `${owner}-blobs-${tier}-${account}-${region}`,
  /** Blob keys are `<component>/<version>/<file>`. */
  blobPrefix: (component: string) => `${component}/`,
  /** Construct id of a repository inside its owner's ArtefactRegistry (kept as first synthesized: renaming replaces repositories). */
  repositoryConstructId: (repositoryName: string) => repositoryName.replace(/[^a-zA-Z0-9]/g, ' '),
};

/** ARN of a repository named by RegistryNames, in the scope's account and region. */
export function repositoryArn(scope: Construct, repositoryName: string): string {
  return Stack.of(scope).formatArn({ service: 'ecr', resource: 'repository', resourceName: repositoryName });
}

/** ARN of a bucket named by RegistryNames. */
export function bucketArn(scope: Construct, bucketName: string): string {
  return Arn.format({ service: 's3', region: '', account: '', resource: bucketName }, Stack.of(scope));
}
