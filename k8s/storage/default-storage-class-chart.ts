import { Chart, ChartProps } from 'cdk8s';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { Construct } from 'constructs';
import { BACKUP_TAG } from '../../lib/constructs/backup-tag';
import { addKubeObject } from '../kube-object';
import { DEFAULT_STORAGE_CLASS } from '../workload/platform-service';

/**
 * The cluster's default StorageClass: encrypted gp3 volumes that are retained when their claim is
 * deleted (MongoDB, CrateDB and Keycloak data must never go with a mistaken `kubectl delete`).
 */
export class DefaultStorageClassChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    addKubeObject(
      this,
      'Gp3',
      new StorageClass({
        metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'ebs.csi.aws.com',
        // The EBS CSI driver tags every volume it creates with this, which puts it in the backup plan.
        parameters: { type: 'gp3', encrypted: 'true', tagSpecification_1: `${BACKUP_TAG.key}=${BACKUP_TAG.value}` },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      }),
    );
  }
}
