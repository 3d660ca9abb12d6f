import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { DEFAULT_STORAGE_CLASS, PlatformService } from '../workload/platform-service';
import { WRITABLE_ROOT_FILESYSTEM } from '../security/exceptions';

/**
 * Node label contract with the cluster stack: nodes carrying it have `vm.max_map_count=262144`, set by
 * their launch template's user data (`sysctl -w vm.max_map_count=262144` plus /etc/sysctl.d). CrateDB
 * needs it for its memory-mapped indices; setting it from the pod would take a privileged container.
 */
export const CRATE_NODE_LABEL = { 'iiot-platform/crate-ready': 'true' } as const;

export interface CrateProps {
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

/** CrateDB, QuantumLeap's time-series store, single node on a persistent volume at /data. */
export class Crate extends PlatformService {
  public static readonly HTTP_PORT = 4200;
  public static readonly POSTGRES_PORT = 5432;
  /** Where the snapshot volume is mounted: CrateDB's `path.repo`. */
  public static readonly SNAPSHOT_PATH = '/snapshots';
  /** The snapshot volume's claim, mounted by CrateDB and, read-only, by the snapshot job on its node. */
  public readonly snapshotClaim: kplus.PersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: CrateProps = {}) {
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
          // The pod IP for the mesh, loopback for the sidecar's rewritten health probes.
          '-Cnetwork.host=_local_,_site_',
          '-Cpath.data=/data',
          // `fs` repositories may only live under path.repo.
          `-Cpath.repo=${Crate.SNAPSHOT_PATH}`,
          // Access is governed by the mesh (mTLS) and the fiware namespace's NetworkPolicy, as in QuantumLeap's own setup.
          '-Cauth.host_based.enabled=false',
        ],
        envVariables: { CRATE_HEAP_SIZE: kplus.EnvValue.fromValue(`${heapMiB}m`) },
        readiness: httpProbe('/', Crate.HTTP_PORT),
        liveness: httpProbe('/', Crate.HTTP_PORT),
        startup: httpProbe('/', Crate.HTTP_PORT, { failureThreshold: 30, periodSeconds: Duration.seconds(10) }),
        writableRootFilesystem: WRITABLE_ROOT_FILESYSTEM.crate,
      },
      storage: { mountPath: '/data', size: props.storageSize ?? Size.gibibytes(50) },
      nodeLabels: CRATE_NODE_LABEL,
    });
    this.snapshotClaim = new kplus.PersistentVolumeClaim(this, 'SnapshotClaim', {
      metadata: { name: 'crate-snapshots' },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: props.snapshotStorageSize ?? Size.gibibytes(50),
      storageClassName: DEFAULT_STORAGE_CLASS,
    });
    this.container.mount(Crate.SNAPSHOT_PATH, kplus.Volume.fromPersistentVolumeClaim(this, 'Snapshots', this.snapshotClaim));
  }
}
