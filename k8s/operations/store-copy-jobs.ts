import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IAffinity } from 'kubernetes-models/v1/Affinity';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { STORE_COPY_ACCOUNTS, STORE_COPY_PREFIXES } from '../../lib/store-copies-address';
import { IMAGES } from '../images';
import { CRATE_PASSWORD_KEY, CrateUser } from '../fiware/crate-authentication';
import { addKubeObject } from '../kube-object';
import { restrictedSecurityContext } from '../workload/hardened-container';
import { MeshPeer, meshPrincipal } from '../workload/platform-service';
import {
  COPY_ENV,
  CRATE_RESTORE_SCRIPT,
  CRATE_SNAPSHOT_SCRIPT,
  MONGO_DUMP_SCRIPT,
  MONGO_RESTORE_SCRIPT,
  MONGO_UPLOAD_SCRIPT,
  RESTORE_FETCH_SCRIPT,
} from './store-copy-scripts';

/** CrateDB's name for the snapshot repository, in production and in a restore. */
export const CRATE_REPOSITORY = 'copies';

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
  /** The login the snapshot job gives CrateDB (which requires one: k8s/fiware/crate-authentication.ts). */
  readonly crateLogin: CrateUser;
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
const SCRIPTS_CONFIG_MAP = 'store-copy-scripts';

/** The scripts every copy and restore pod runs, in one ConfigMap of `namespace`. */
export function addCopyScripts(scope: Construct, namespace: string): void {
  const data = {
    'mongo-dump.sh': MONGO_DUMP_SCRIPT,
    'mongo-upload.sh': MONGO_UPLOAD_SCRIPT,
    'crate-snapshot.sh': CRATE_SNAPSHOT_SCRIPT,
    'restore-fetch.sh': RESTORE_FETCH_SCRIPT,
    'mongo-restore.sh': MONGO_RESTORE_SCRIPT,
    'crate-restore.sh': CRATE_RESTORE_SCRIPT,
  };
  addKubeObject(scope, 'Scripts', new ConfigMap({ metadata: { name: SCRIPTS_CONFIG_MAP, namespace }, data }));
}

/** A hardened container running one of the copy scripts, with its inputs as environment. */
export function copyContainer(
  name: string,
  image: string,
  script: string,
  user: number,
  region: string,
  values: Partial<Record<keyof typeof COPY_ENV, string>>,
  volumeMounts: IVolumeMount[] = [],
  sources: Partial<Record<keyof typeof COPY_ENV, Omit<IEnvVar, 'name'>>> = {},
): IContainer {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', `/scripts/${script}`],
    env: [
      { name: 'AWS_REGION', value: region },
      // The CLI keeps its cache under HOME; the root filesystem is read-only.
      { name: 'HOME', value: '/tmp' },
      ...Object.entries(values).map(([k, value]) => ({ name: COPY_ENV[k as keyof typeof COPY_ENV], value })),
      ...Object.entries(sources).map(([k, source]) => ({ name: COPY_ENV[k as keyof typeof COPY_ENV], ...source })),
    ],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    securityContext: restrictedSecurityContext(user),
    volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }, ...volumeMounts],
  };
}

/**
 * The pod of a copy or restore job: in the mesh with a native sidecar (init steps have the network,
 * the sidecar ends with the job), its own ServiceAccount, the scripts and a scratch volume mounted.
 */
export function copyPodTemplate(name: string, spec: { initContainers?: IContainer[]; containers: IContainer[]; volumes?: IVolume[]; affinity?: IAffinity }): IPodTemplateSpec {
  return {
    metadata: { labels: { app: name }, annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } },
    spec: {
      serviceAccountName: name,
      // The Pod Identity token is a projected service account token; no API access comes with it (no RBAC).
      automountServiceAccountToken: true,
      restartPolicy: 'Never',
      ...spec,
      volumes: [{ name: 'scripts', configMap: { name: SCRIPTS_CONFIG_MAP } }, { name: 'tmp', emptyDir: {} }, { name: 'copy', emptyDir: { sizeLimit: '30Gi' } }, ...(spec.volumes ?? [])],
    },
  };
}

/** Beyond the namespace's policies: S3 over HTTPS and the Pod Identity Agent, for the pods of `apps`. */
export function addAwsEgress(scope: Construct, namespace: string, apps: readonly string[]): void {
  addKubeObject(
    scope,
    'AwsEgress',
    new NetworkPolicy({
      metadata: { name: 'store-copies-aws-egress', namespace },
      spec: {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [...apps] }] },
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

/** Runs on the node of the pods labelled so: a ReadWriteOnce claim can be mounted only there. */
export const besidePods = (podLabels: Readonly<Record<string, string>>): IAffinity => ({
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...podLabels } }, topologyKey: 'kubernetes.io/hostname' }] },
});

/** The scratch volume of a copy pod. */
export const SCRATCH_MOUNT: IVolumeMount = { name: 'copy', mountPath: SCRATCH };
export const SCRATCH_PATH = SCRATCH;

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

    addCopyScripts(this, namespace);
    for (const name of [STORE_COPY_ACCOUNTS.mongo, STORE_COPY_ACCOUNTS.crate]) {
      addKubeObject(this, `${name}Account`, new ServiceAccount({ metadata: { name, namespace } }));
    }
    const cronJob = (name: string, schedule: string, template: IPodTemplateSpec) =>
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
                template,
              },
            },
          },
        }),
      );

    const { region } = props;
    cronJob(
      STORE_COPY_ACCOUNTS.mongo,
      schedules.mongo,
      copyPodTemplate(STORE_COPY_ACCOUNTS.mongo, {
        // The dump completes before the upload starts; a failed dump fails the pod and uploads nothing.
        initContainers: [copyContainer('dump', IMAGES.mongo, 'mongo-dump.sh', 999, region, { mongoUri: `mongodb://${props.mongo}`, dir: SCRATCH }, [SCRATCH_MOUNT])],
        containers: [copyContainer('upload', IMAGES.awsCli, 'mongo-upload.sh', 999, region, { bucket: props.bucket, prefix: STORE_COPY_PREFIXES.mongo, dir: SCRATCH }, [SCRATCH_MOUNT])],
      }),
    );
    cronJob(
      STORE_COPY_ACCOUNTS.crate,
      schedules.crate,
      copyPodTemplate(STORE_COPY_ACCOUNTS.crate, {
        containers: [
          // CrateDB's uid: the repository files are CrateDB's.
          copyContainer(
            'snapshot',
            IMAGES.awsCli,
            'crate-snapshot.sh',
            1000,
            region,
            {
              bucket: props.bucket,
              prefix: STORE_COPY_PREFIXES.crate,
              crateUrl: props.crateUrl,
              repository: CRATE_REPOSITORY,
              snapshotPath: props.snapshots.path,
              retentionDays: String(props.retentionDays),
            },
            [{ name: 'snapshots', mountPath: props.snapshots.path, readOnly: true }],
            {
              crateUser: { value: props.crateLogin.name },
              cratePassword: { valueFrom: { secretKeyRef: { name: props.crateLogin.secret.name, key: CRATE_PASSWORD_KEY } } },
            },
          ),
        ],
        affinity: besidePods(props.cratePodLabels),
        volumes: [{ name: 'snapshots', persistentVolumeClaim: { claimName: props.snapshots.claimName, readOnly: true } }],
      }),
    );
    addAwsEgress(this, namespace, [STORE_COPY_ACCOUNTS.mongo, STORE_COPY_ACCOUNTS.crate]);
  }
}
