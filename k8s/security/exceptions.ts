/**
 * Containers that cannot run on a read-only root filesystem, with the reason. Every other container is
 * read-only; a test keeps this list and the rendered manifests in step, and k8s/README.md repeats it.
 * No container runs as root or privileged.
 */
export const WRITABLE_ROOT_FILESYSTEM = {
  crate:
    "CrateDB's start script and JVM write under /crate (GC logs, heap dumps, plugin state) at paths that are not configurable to a single volume",
  keycloak:
    'Keycloak re-augments (its build step) at start when the configured database and features differ from the image defaults, writing under /opt/keycloak/lib; avoiding it needs a custom image built with `kc.sh build`',
} as const;
