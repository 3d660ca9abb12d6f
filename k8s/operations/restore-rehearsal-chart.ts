import { Job } from 'kubernetes-models/batch/v1/Job';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { STORE_COPY_ACCOUNTS, STORE_COPY_PREFIXES } from '../../lib/store-copies-address';
import { Crate } from '../fiware/crate';
import { CRATE_PASSWORD_KEY } from '../fiware/crate-authentication';
import { crateLogins } from '../fiware/fiware-chart';
import { Mongo } from '../fiware/mongo';
import { Orion } from '../fiware/orion';
import { QuantumLeap } from '../fiware/quantumleap';
import { IMAGES } from '../images';
import { addKubeObject } from '../kube-object';
import { addAwsEgress, addCopyScripts, besidePods, copyContainer, copyPodTemplate, CRATE_REPOSITORY, SCRATCH_MOUNT, SCRATCH_PATH } from './store-copy-jobs';

export interface RestoreRehearsalChartProps extends ChartProps {
  /** The staging namespace the rehearsal runs in (it must exist, with its pilot's guard rails). */
  readonly namespace: string;
  /** The store copies bucket and its region. */
  readonly bucket: string;
  readonly region: string;
  /** Key of the MongoDB dump to restore. */
  readonly mongoDump: string;
  /**
   * CrateDB snapshot to restore.
   * @default the latest in the repository
   */
  readonly crateSnapshot?: string;
}

/** The Job that restores the copies into the scratch stores. */
export const RESTORE_JOB = STORE_COPY_ACCOUNTS.restore;

/**
 * A restore rehearsal: scratch MongoDB and CrateDB on fresh claims (sized to fit a pilot's quota),
 * a Job that fetches the chosen copies with the read-only restore role and restores them, and a
 * scratch Orion and QuantumLeap on top, in the production images and configuration, so that
 * querying an entity back shows the copies are usable.
 */
export class RestoreRehearsalChart extends Chart {
  public readonly orion: Orion;
  public readonly quantumLeap: QuantumLeap;

  constructor(scope: Construct, id: string, props: RestoreRehearsalChartProps) {
    super(scope, id, { ...props, namespace: props.namespace });
    const { namespace, region } = props;
    const mongo = new Mongo(this, 'Mongo', { storageSize: Size.gibibytes(10) });
    // The same logins as production, from scratch Secrets the rehearsal writes (tools/ops/src/restore-rehearsal.ts).
    const { quantumLeapLogin, grafanaLogin, backupLogin } = crateLogins(this);
    const crate = new Crate(this, 'Crate', { storageSize: Size.gibibytes(20), snapshotStorageSize: Size.gibibytes(20), users: [quantumLeapLogin, grafanaLogin, backupLogin] });
    this.orion = new Orion(this, 'Orion', { mongoHost: mongo.host });
    this.quantumLeap = new QuantumLeap(this, 'QuantumLeap', { crateHost: crate.host, cratePort: Crate.HTTP_PORT, crateUser: quantumLeapLogin });

    addCopyScripts(this, namespace);
    addKubeObject(this, 'RestoreAccount', new ServiceAccount({ metadata: { name: RESTORE_JOB, namespace } }));
    addAwsEgress(this, namespace, [RESTORE_JOB]);
    const snapshots = { name: 'snapshots', mountPath: Crate.SNAPSHOT_PATH };
    addKubeObject(
      this,
      'Restore',
      new Job({
        metadata: { name: RESTORE_JOB, namespace, labels: { app: RESTORE_JOB } },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 2 * 3600,
          template: copyPodTemplate(RESTORE_JOB, {
            initContainers: [
              copyContainer(
                'fetch',
                IMAGES.awsCli,
                'restore-fetch.sh',
                1000,
                region,
                { bucket: props.bucket, dumpKey: props.mongoDump, prefix: STORE_COPY_PREFIXES.crate, dir: SCRATCH_PATH, snapshotPath: Crate.SNAPSHOT_PATH },
                [SCRATCH_MOUNT, snapshots],
              ),
            ],
            containers: [
              copyContainer('mongo-restore', IMAGES.mongo, 'mongo-restore.sh', 1000, region, { mongoUri: `mongodb://${mongo.host}:${Mongo.PORT}`, dir: SCRATCH_PATH }, [SCRATCH_MOUNT]),
              copyContainer('crate-restore', IMAGES.awsCli, 'crate-restore.sh', 1000, region, {
                crateUrl: `http://${crate.host}:${Crate.HTTP_PORT}`,
                repository: CRATE_REPOSITORY,
                snapshotPath: Crate.SNAPSHOT_PATH,
                ...(props.crateSnapshot ? { snapshot: props.crateSnapshot } : {}),
              }, [], {
                crateUser: { value: backupLogin.name },
                cratePassword: { valueFrom: { secretKeyRef: { name: backupLogin.secret.name, key: CRATE_PASSWORD_KEY } } },
              }),
            ],
            // The fetched repository lands on the scratch CrateDB's snapshot claim, attached to its node.
            affinity: besidePods(crate.endpoint.podLabels),
            volumes: [{ name: 'snapshots', persistentVolumeClaim: { claimName: crate.snapshotClaim.name } }],
          }),
        },
      }),
    );
  }
}
