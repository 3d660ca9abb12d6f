/**
 * Where the application-consistent copies of the FIWARE stores go (MongoDB dumps, CrateDB snapshots)
 * and who writes and reads them: one bucket per platform, named after it, so that the cluster stack
 * (which creates it) and the charts (whose jobs write to it) agree without a cross-stack reference.
 * No CDK imports: the charts and the restore rehearsal use it too.
 */
export function storeCopiesBucketName(platformName: string, environment: { readonly account: string; readonly region: string }): string {
  return `${platformName}-store-copies-${environment.account}-${environment.region}`;
}

/** Key prefixes of the bucket, one per store: each job's role may write under its own only. */
export const STORE_COPY_PREFIXES = { mongo: 'mongo/', crate: 'crate/' } as const;

/** ServiceAccounts of the copy jobs (in the FIWARE namespace) and of a restore (in a staging namespace), bound to their roles by EKS Pod Identity. */
export const STORE_COPY_ACCOUNTS = { mongo: 'mongo-dump', crate: 'crate-snapshot', restore: 'store-restore' } as const;
