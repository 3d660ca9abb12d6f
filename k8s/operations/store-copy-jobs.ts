import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, IContainer, ServiceAccount } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { STORE_COPY_ACCOUNTS, STORE_COPY_PREFIXES } from '../../lib/store-copies-address';
import { IMAGES } from '../images';
import { addKubeObject } from '../kube-object';
import { MeshPeer, meshPrincipal } from '../workload/platform-service';
import { COPY_ENV, CRATE_SNAPSHOT_SCRIPT, MONGO_DUMP_SCRIPT, MONGO_UPLOAD_SCRIPT } from './store-copy-scripts';

export interface StoreCopyJobsProps {
  /** The store copies bucket (storeCopiesBucketName). */
  readonly bucket: string;
  /** The bucket's region. */
  readonly region: string;
  /** Days a CrateDB snapshot is kept (dumps expire by the bucket's lifecycle rule). */
  readonly retentionDays: number;
  /** MongoDB's `host:port`. */
  readonly mongo: string;
  /** CrateDB's HTTP URL. */
  readonly crateUrl: string;
  /** Labels of CrateDB's pod: the snapshot job runs on its node, where the snapshot volume is attached. */
  readonly cratePodLabels: Readonly<Record<string, string>>;
  /** The claim CrateDB's `fs` repository lives on, and where CrateDB mounts it. */
  readonly snapshots: { readonly claimName: string; readonly path: string };
  /**
   * Cron schedules, UTC.
   * @default MongoDB 01:15, CrateDB 01:45 (before AWS Backup's 02:00 volume snapshots)
   */
  readonly schedules?: { readonly mongo: string; readonly crate: string };
}

/** EKS Pod Identity Agent on every node (link-local): where the AWS SDKs in the job fetch credentials. */
const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 };
const SCRATCH = '/copy';

/**
 * Daily application-consistent copies of the FIWARE stores to S3, each job with its own
 * ServiceAccount (bound to its Pod Identity role by the cluster stack): `mongodump` of every
 * database, and a CrateDB `CREATE SNAPSHOT` synced to S3. Their pods are in the mesh with a native
 * sidecar (so the init step has the network and the sidecar ends with the job), reach only their
 * store, S3 and the Pod Identity Agent, and a failed or missing run alerts (alerting-rules).
 */
export class StoreCopyJobs extends Construct {
  /** The jobs as mesh callers, for the namespace's ServiceCalls. */
  public readonly mongoPeer: MeshPeer;
  public readonly cratePeer: MeshPeer;

  constructor(scope: Construct, id: string, props: StoreCopyJobsProps) {
    super(scope, id);
    const namespace = Chart.of(this).namespace!;
    const schedules = props.schedules ?? { mongo: '15 1 * * *', crate: '45 1 * * *' };
    const peer = (name: string): MeshPeer => ({ namespace, podLabels: { app: name }, principal: meshPrincipal(namespace, name) });
    this.mongoPeer = peer(STORE_COPY_ACCOUNTS.mongo);
    this.cratePeer = peer(STORE_COPY_ACCOUNTS.crate);

    const scripts = addKubeObject(
      this,
      'Scripts',
      new ConfigMap({
        metadata: { name: 'store-copy-scripts', namespace },
        data: { 'mongo-dump.sh': MONGO_DUMP_SCRIPT, 'mongo-upload.sh': MONGO_UPLOAD_SCRIPT, 'crate-snapshot.sh': CRATE_SNAPSHOT_SCRIPT },
      }),
    );
    const env = (values: Partial<Record<keyof typeof COPY_ENV, string>>) => [
      { name: 'AWS_REGION', value: props.region },
      // The CLI keeps its cache under HOME; the root filesystem is read-only.
      { name: 'HOME', value: '/tmp' },
      ...Object.entries(values).map(([k, value]) => ({ name: COPY_ENV[k as keyof typeof COPY_ENV], value })),
    ];
    const container = (name: string, image: string, script: string, user: number, extra: Partial<IContainer>): IContainer => ({
      name,
      image,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', `/scripts/${script}`],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      securityContext: {
        runAsUser: user,
        runAsGroup: user,
        runAsNonRoot: true,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...extra,
      volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }, ...(extra.volumeMounts ?? [])],
    });
    const cronJob = (name: string, schedule: string, spec: { initContainers?: IContainer[]; containers: IContainer[]; volumes: object[]; affinity?: object }) =>
      addKubeObject(
        this,
        name,
        new CronJob({
          metadata: { name, namespace, labels: { app: name } },
          spec: {
            schedule,
            timeZone: 'Etc/UTC',
            concurrencyPolicy: 'Forbid',
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              spec: {
                backoffLimit: 2,
                // A failed run alerts until its Job is gone (JobFailed); the daily run decides after that.
                ttlSecondsAfterFinished: 20 * 3600,
                activeDeadlineSeconds: 4 * 3600,
                template: {
                  metadata: { labels: { app: name }, annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } },
                  spec: {
                    serviceAccountName: name,
                    // The Pod Identity token is a projected service account token; no API access comes with it (no RBAC).
                    automountServiceAccountToken: true,
                    restartPolicy: 'Never',
                    ...spec,
                    volumes: [
                      { name: 'scripts', configMap: { name: scripts.name } },
                      { name: 'tmp', emptyDir: {} },
                      ...(spec.volumes as never[]),
                    ],
                  },
                },
              },
            },
          },
        }),
      );

    for (const name of [STORE_COPY_ACCOUNTS.mongo, STORE_COPY_ACCOUNTS.crate]) {
      addKubeObject(this, `${name}Account`, new ServiceAccount({ metadata: { name, namespace } }));
    }

    const scratch = { name: 'copy', mountPath: SCRATCH };
    cronJob(STORE_COPY_ACCOUNTS.mongo, schedules.mongo, {
      // The dump completes before the upload starts; a failed dump fails the pod and uploads nothing.
      initContainers: [container('dump', IMAGES.mongo, 'mongo-dump.sh', 999, { env: env({ mongoUri: `mongodb://${props.mongo}`, dir: SCRATCH }), volumeMounts: [scratch] })],
      containers: [
        container('upload', IMAGES.awsCli, 'mongo-upload.sh', 999, {
          env: env({ bucket: props.bucket, prefix: STORE_COPY_PREFIXES.mongo, dir: SCRATCH }),
          volumeMounts: [scratch],
        }),
      ],
      volumes: [{ name: 'copy', emptyDir: { sizeLimit: '30Gi' } }],
    });

    cronJob(STORE_COPY_ACCOUNTS.crate, schedules.crate, {
      containers: [
        // CrateDB's uid: the repository files are CrateDB's.
        container('snapshot', IMAGES.awsCli, 'crate-snapshot.sh', 1000, {
          env: env({
            bucket: props.bucket,
            prefix: STORE_COPY_PREFIXES.crate,
            crateUrl: props.crateUrl,
            repository: 'copies',
            snapshotPath: props.snapshots.path,
            retentionDays: String(props.retentionDays),
          }),
          volumeMounts: [{ name: 'snapshots', mountPath: props.snapshots.path, readOnly: true }],
        }),
      ],
      // ReadWriteOnce: the claim is attached to CrateDB's node, and only pods there can mount it.
      affinity: {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...props.cratePodLabels } }, topologyKey: 'kubernetes.io/hostname' }] },
      },
      volumes: [{ name: 'snapshots', persistentVolumeClaim: { claimName: props.snapshots.claimName, readOnly: true } }],
    });

    // Beyond the namespace's baseline and their store (ServiceCalls): S3 over HTTPS and the Pod Identity Agent.
    addKubeObject(
      this,
      'AwsEgress',
      new NetworkPolicy({
        metadata: { name: 'store-copies-aws-egress', namespace },
        spec: {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [STORE_COPY_ACCOUNTS.mongo, STORE_COPY_ACCOUNTS.crate] }] },
          policyTypes: ['Egress'],
          egress: [
            // S3's addresses are not the cluster's to know (regional prefix lists change): HTTPS only.
            { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
            { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: 'TCP', port: POD_IDENTITY_AGENT.port }] },
          ],
        },
      }),
    );
  }
}
