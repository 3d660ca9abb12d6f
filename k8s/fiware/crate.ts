import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { addHardenedContainer, resources } from '../workload/hardened-container';
import { DEFAULT_STORAGE_CLASS, PlatformService } from '../workload/platform-service';
import { WRITABLE_ROOT_FILESYSTEM } from '../security/exceptions';
import { CRATE_USERS_APPLIED_FILE, CRATE_USERS_SECRETS_DIR, crateHostBasedAuthSettings, CrateUser, crateUsersScript } from './crate-authentication';

/**
 * Node label contract with the cluster stack: nodes carrying it have `vm.max_map_count=262144`, set by
 * their launch template's user data (`sysctl -w vm.max_map_count=262144` plus /etc/sysctl.d). CrateDB
 * needs it for its memory-mapped indices; setting it from the pod would take a privileged container.
 */
export const CRATE_NODE_LABEL = { 'iiot-platform/crate-ready': 'true' } as const;

export interface CrateProps {
  /** The clients' logins; nobody else gets in (see crateHostBasedAuthSettings). */
  readonly users: readonly CrateUser[];
  /** @default 50 GiB */
  readonly storageSize?: Size;
  /**
   * Size of the volume CrateDB's `fs` snapshot repository lives on (the snapshot job copies it to S3).
   * @default 50 GiB
   */
  readonly snapshotStorageSize?: Size;
  /**
   * JVM heap; the memory limit is twice this (CrateDB wants the other half for the page cache).
   * @default 1 GiB
   */
  readonly heap?: Size;
}

/**
 * CrateDB, QuantumLeap's time-series store, single node on a persistent volume at /data. Clients log in
 * with passwords; a second container keeps the users in step with their Secrets.
 */
export class Crate extends PlatformService {
  public static readonly HTTP_PORT = 4200;
  public static readonly POSTGRES_PORT = 5432;
  /** Where the snapshot volume is mounted: CrateDB's `path.repo`. */
  public static readonly SNAPSHOT_PATH = '/snapshots';
  /** The snapshot volume's claim, mounted by CrateDB and, read-only, by the snapshot job on its node. */
  public readonly snapshotClaim: kplus.PersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: CrateProps) {
    const heapMiB = (props.heap ?? Size.gibibytes(1)).toMebibytes();
    super(scope, id, {
      name: 'crate',
      container: {
        image: IMAGES.crate,
        user: 1000, // `crate`; started as this uid the entrypoint skips its chown-and-chroot step
        ports: [
          { number: Crate.HTTP_PORT, name: 'http-crate' },
          { number: 4300, name: 'tcp-transport' },
          { number: Crate.POSTGRES_PORT, name: 'tcp-postgres' },
        ],
        resources: resources({ request: 500, limit: 2000 }, { request: 2 * heapMiB, limit: 2 * heapMiB }),
        args: [
          'crate',
          '-Ccluster.name=fiware',
          '-Cdiscovery.type=single-node',
          // The pod IP for the mesh; loopback for the users container, the only `crate` login (see below).
          '-Cnetwork.host=_local_,_site_',
          '-Cpath.data=/data',
          // `fs` repositories may only live under path.repo.
          `-Cpath.repo=${Crate.SNAPSHOT_PATH}`,
          ...Object.entries(crateHostBasedAuthSettings(props.users)).map(([key, value]) => `-C${key}=${value}`),
        ],
        envVariables: { CRATE_HEAP_SIZE: kplus.EnvValue.fromValue(`${heapMiB}m`) },
        // TCP: every HTTP request needs a login now, and the probes have none.
        readiness: kplus.Probe.fromTcpSocket({ port: Crate.HTTP_PORT, periodSeconds: Duration.seconds(10) }),
        liveness: kplus.Probe.fromTcpSocket({ port: Crate.HTTP_PORT, periodSeconds: Duration.seconds(10) }),
        startup: kplus.Probe.fromTcpSocket({ port: Crate.HTTP_PORT, failureThreshold: 30, periodSeconds: Duration.seconds(10) }),
        writableRootFilesystem: WRITABLE_ROOT_FILESYSTEM.crate,
      },
      storage: { mountPath: '/data', size: props.storageSize ?? Size.gibibytes(50) },
      nodeLabels: CRATE_NODE_LABEL,
    });
    // psql (from the pinned PostgreSQL image) in CrateDB's own pod: the one place `crate` may log in from.
    const applied = kplus.Probe.fromCommand(['sh', '-c', `test -n "$(find ${CRATE_USERS_APPLIED_FILE} -mmin -10)"`], { periodSeconds: Duration.seconds(30), timeoutSeconds: Duration.seconds(5) });
    const users = addHardenedContainer(this.workload, {
      name: 'crate-users',
      image: IMAGES.postgres,
      user: 999, // `postgres` in the image
      ports: [],
      resources: resources({ request: 10, limit: 100 }, { request: 32, limit: 64 }),
      command: ['sh', '-c', crateUsersScript(props.users)],
      readiness: applied,
      liveness: applied,
      startup: kplus.Probe.fromCommand(['test', '-f', CRATE_USERS_APPLIED_FILE], { periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold: 60 }),
    });
    props.users.forEach((u, i) => users.mount(`${CRATE_USERS_SECRETS_DIR}/${u.name}`, kplus.Volume.fromSecret(this, `UserSecret${i}`, u.secret), { readOnly: true }));
    this.snapshotClaim = new kplus.PersistentVolumeClaim(this, 'SnapshotClaim', {
      metadata: { name: 'crate-snapshots' },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: props.snapshotStorageSize ?? Size.gibibytes(50),
      storageClassName: DEFAULT_STORAGE_CLASS,
    });
    this.container.mount(Crate.SNAPSHOT_PATH, kplus.Volume.fromPersistentVolumeClaim(this, 'Snapshots', this.snapshotClaim));
  }
}
