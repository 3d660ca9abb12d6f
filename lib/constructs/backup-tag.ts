/**
 * The tag that puts a resource into the platform's backup plan (PlatformBackups). The stacks tag
 * their EFS file systems and DynamoDB tables with it; the cluster's StorageClass has the EBS CSI
 * driver put it on every volume it creates (MongoDB, CrateDB, Keycloak's database). No CDK imports:
 * the charts use it too.
 */
export const BACKUP_TAG = { key: 'iiot-platform:backup', value: 'daily' } as const;
