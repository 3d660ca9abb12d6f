import { createHash } from 'crypto';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { addKubeObject } from '../kube-object';
import { restrictedSecurityContext } from '../workload/hardened-container';
import { MeshPeer } from '../workload/platform-service';
import { tenantRealm, TenantRealmProps } from './tenant-realm';

/** What the identity chart provides for pilots' realm imports: who runs them, against which Keycloak. */
export interface RealmImporter {
  /** The import pods' mesh identity (namespace, labels, principal), which Keycloak's policy admits. */
  readonly peer: MeshPeer;
  /** Their ServiceAccount, in `peer.namespace`. */
  readonly serviceAccount: string;
  /** Keycloak's in-cluster base URL (with /auth). */
  readonly keycloakUrl: string;
  /** Existing Secret with the bootstrap admin's `username` and `password`. */
  readonly adminSecret: string;
}

/** Environment of the import script (all its inputs). */
export const REALM_IMPORT_ENV = {
  kcadm: 'KCADM',
  config: 'KCADM_CONFIG',
  server: 'KEYCLOAK_URL',
  user: 'KEYCLOAK_ADMIN',
  password: 'KEYCLOAK_ADMIN_PASSWORD',
  realm: 'REALM',
  realmFile: 'REALM_FILE',
  attempts: 'ATTEMPTS',
  retrySeconds: 'RETRY_SECONDS',
} as const;

/**
 * Creates one realm with Keycloak's admin CLI unless Keycloak has it: the same rule as `--import-realm`
 * at start (an existing realm is skipped, so its state and its client's secret are kept). It waits for
 * Keycloak, which takes minutes on its first start; it lists realms before creating, so an error is
 * never taken for "absent", and it neither updates nor deletes anything.
 */
export const REALM_IMPORT_SCRIPT = `#!/bin/bash
# A pilot's Keycloak realm, created if missing (k8s/identity/pilot-realm-chart.ts).
set -u
kcadm() { "$${REALM_IMPORT_ENV.kcadm}" "$@" --config "$${REALM_IMPORT_ENV.config}"; }
attempt=1
until kcadm config credentials --server "$${REALM_IMPORT_ENV.server}" --realm master --user "$${REALM_IMPORT_ENV.user}" --password "$${REALM_IMPORT_ENV.password}"; do
  if [ "$attempt" -ge "$${REALM_IMPORT_ENV.attempts}" ]; then
    echo "realm-import: no admin session with Keycloak after $attempt attempts" >&2
    exit 1
  fi
  echo "realm-import: Keycloak not ready (attempt $attempt); retrying in $${REALM_IMPORT_ENV.retrySeconds} s" >&2
  attempt=$((attempt + 1))
  sleep "$${REALM_IMPORT_ENV.retrySeconds}"
done
if ! realms=$(kcadm get realms --fields realm --format csv --noquotes); then
  echo "realm-import: could not list the realms" >&2
  exit 1
fi
# Whole names only, with bash's builtins: the server image (ubi9-micro and a JVM) is sure to have only bash and coreutils.
while IFS= read -r name; do
  if [ "$name" = "$${REALM_IMPORT_ENV.realm}" ]; then
    echo "realm-import: realm $${REALM_IMPORT_ENV.realm} exists; left as it is"
    exit 0
  fi
done <<<"$realms"
if ! kcadm create realms -f "$${REALM_IMPORT_ENV.realmFile}"; then
  echo "realm-import: could not create realm $${REALM_IMPORT_ENV.realm}" >&2
  exit 1
fi
echo "realm-import: realm $${REALM_IMPORT_ENV.realm} created"
`;

export interface PilotRealmChartProps extends ChartProps {
  /** The realm (the pilot's name, display name and FIWARE tenant). */
  readonly realm: TenantRealmProps;
  /** The identity chart's import identity and Keycloak. */
  readonly importer: RealmImporter;
  /**
   * How often the script tries Keycloak, 10 s apart: Keycloak's first start (schema migration) may take 10 minutes.
   * @default 90
   */
  readonly attempts?: number;
}

/**
 * One pilot's Keycloak realm, applied by the pilot's own stack: its import file in a ConfigMap and a Job
 * that creates the realm through the admin API once Keycloak answers. Keycloak's Deployment names no
 * realm, so the identity chart does not grow with the pilots, and a pilot added later gets its realm
 * without a restart (`--import-realm` reads its directory only at start).
 */
export class PilotRealmChart extends Chart {
  constructor(scope: Construct, id: string, props: PilotRealmChartProps) {
    const { importer } = props;
    const namespace = importer.peer.namespace;
    super(scope, id, { ...props, namespace });
    const realm = props.realm.realm;
    const files = { 'realm.json': JSON.stringify(tenantRealm(props.realm), null, 2), 'import-realm.sh': REALM_IMPORT_SCRIPT };
    const configMap = `realm-${realm}`;
    addKubeObject(this, 'Files', new ConfigMap({ metadata: { name: configMap, namespace, labels: { app: importer.peer.podLabels.app } }, data: files }));
    // A Job's pod template cannot change: a changed realm or script is a new Job (the old one is pruned).
    const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 8);
    const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: importer.adminSecret, key } } });
    const E = REALM_IMPORT_ENV;
    addKubeObject(
      this,
      'Import',
      new Job({
        metadata: { name: `realm-${realm}-${hash}`, namespace, labels: { app: importer.peer.podLabels.app } },
        spec: {
          backoffLimit: 2,
          // On a first deploy the pod waits for the keycloak-admin Secret an operator creates (runbook, section 5).
          activeDeadlineSeconds: 24 * 3600,
          // A failed import alerts until its Job is gone (JobFailed).
          ttlSecondsAfterFinished: 20 * 3600,
          template: {
            // Native sidecar: the mesh is up before the script and ends with it.
            metadata: { labels: { ...importer.peer.podLabels }, annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } },
            spec: {
              serviceAccountName: importer.serviceAccount,
              automountServiceAccountToken: false,
              restartPolicy: 'Never',
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name: 'import',
                  // Keycloak's own image: the admin CLI of the server's version.
                  image: IMAGES.keycloak,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/bin/bash', '/realm/import-realm.sh'],
                  env: [
                    { name: 'HOME', value: '/tmp' },
                    { name: E.kcadm, value: '/opt/keycloak/bin/kcadm.sh' },
                    { name: E.config, value: '/tmp/kcadm.config' },
                    { name: E.server, value: importer.keycloakUrl },
                    { name: E.user, ...secret('username') },
                    { name: E.password, ...secret('password') },
                    { name: E.realm, value: realm },
                    { name: E.realmFile, value: '/realm/realm.json' },
                    { name: E.attempts, value: String(props.attempts ?? 90) },
                    { name: E.retrySeconds, value: '10' },
                  ],
                  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                  securityContext: restrictedSecurityContext(),
                  volumeMounts: [
                    { name: 'realm', mountPath: '/realm', readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'realm', configMap: { name: configMap } },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
        },
      }),
    );
  }
}
