import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';

export interface HardenedContainerProps {
  /** Container name. */
  readonly name: string;
  /** A pinned image from IMAGES. */
  readonly image: string;
  /** Numeric uid the process runs as: a number lets the kubelet verify `runAsNonRoot` for images whose USER is a name. */
  readonly user: number;
  /**
   * Numeric gid of the process.
   * @default the user id
   */
  readonly group?: number;
  /** Ports, named with their Istio protocol prefix (`http-`, `grpc-`, `tcp-`) so the mesh does not have to guess. */
  readonly ports: readonly kplus.ContainerPort[];
  /** CPU and memory requests and limits; required so every workload fits its namespace's quota. */
  readonly resources: kplus.ContainerResources;
  /** When the container may receive traffic. */
  readonly readiness: kplus.Probe;
  /** When the kubelet restarts the container. */
  readonly liveness: kplus.Probe;
  /**
   * Gate before liveness starts counting, for slow starters (JVMs, migrations).
   * @default a TCP check on the first port, up to 5 minutes
   */
  readonly startup?: kplus.Probe;
  /** @default the image's entrypoint */
  readonly command?: string[];
  /** @default the image's arguments */
  readonly args?: string[];
  /** @default none */
  readonly envVariables?: Record<string, kplus.EnvValue>;
  /**
   * Paths the process writes scratch files to; each gets its own emptyDir so the root filesystem can stay read-only.
   * @default ['/tmp']
   */
  readonly scratchPaths?: readonly string[];
  /**
   * Why this image cannot run on a read-only root filesystem (listed in k8s/README.md).
   * @default undefined: the root filesystem is read-only
   */
  readonly writableRootFilesystem?: string;
}

/**
 * Adds a container with the platform's baseline: a fixed non-root uid, no privilege escalation, every
 * capability dropped, the runtime's default seccomp profile, a read-only root filesystem unless a
 * reason is given, requests/limits and all three probes.
 */
export function addHardenedContainer(pod: kplus.AbstractPod, props: HardenedContainerProps): kplus.Container {
  const [firstPort] = props.ports;
  const container = pod.addContainer({
    name: props.name,
    image: props.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: [...props.ports],
    resources: props.resources,
    readiness: props.readiness,
    liveness: props.liveness,
    startup:
      props.startup ??
      kplus.Probe.fromTcpSocket({ port: firstPort.number, periodSeconds: Duration.seconds(10), failureThreshold: 30 }),
    command: props.command,
    args: props.args,
    envVariables: props.envVariables,
    securityContext: {
      user: props.user,
      group: props.group ?? props.user,
      ensureNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: props.writableRootFilesystem === undefined,
      capabilities: { drop: [kplus.Capability.ALL] },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
  });
  (props.scratchPaths ?? ['/tmp']).forEach((path, i) => {
    const name = `${props.name}-scratch-${i}`;
    container.mount(path, kplus.Volume.fromEmptyDir(pod, name, name));
  });
  return container;
}

/** CPU and memory in the units people write them in: millicores and mebibytes. */
export function resources(cpu: { request: number; limit: number }, memoryMiB: { request: number; limit: number }): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(cpu.request), limit: kplus.Cpu.millis(cpu.limit) },
    memory: { request: Size.mebibytes(memoryMiB.request), limit: Size.mebibytes(memoryMiB.limit) },
  };
}

/** An HTTP GET probe, the check every HTTP service here uses. */
export function httpProbe(path: string, port: number, options: kplus.ProbeOptions = {}): kplus.Probe {
  return kplus.Probe.fromHttpGet(path, { port, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), ...options });
}

/**
 * The same baseline for a plain container object (Jobs and CronJobs written as kubernetes-models):
 * non-root, no privilege escalation, every capability dropped, the runtime's default seccomp
 * profile, a read-only root filesystem; with a uid, it runs as that uid and gid.
 */
export function restrictedSecurityContext(user?: number): ISecurityContext {
  return {
    ...(user === undefined ? {} : { runAsUser: user, runAsGroup: user }),
    runAsNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
