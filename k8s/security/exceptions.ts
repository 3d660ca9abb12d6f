/**
 * Containers that cannot run on a read-only root filesystem, with the reason. Every other container is
 * read-only; a test keeps this list and the rendered manifests in step, and k8s/README.md repeats it.
 * No container runs as root or privileged.
 */
export const WRITABLE_ROOT_FILESYSTEM = {
  crate:
    "CrateDB's start script and JVM write under /crate (GC logs, heap dumps, plugin state) at paths that are not configurable to a single volume",
} as const;
