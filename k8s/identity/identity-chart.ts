import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GATEWAY_PEER } from '../mesh/ingress-gateway';
import { ServiceCalls } from '../security/service-calls';
import { MeshNetworkBaselineProps } from '../workload/mesh-network-baseline';
import { MeshPeer, platformPeer } from '../workload/platform-service';
import { Tenant } from '../security/tenant';
import { KeycloakDatabase } from './keycloak-database';
import { Keycloak } from './keycloak';
import { KEYCLOAK_PATH, KEYCLOAK_PORT, keycloakUrl, REALM_JWKS_SUFFIX, realmIssuer, realmJwksUri } from './realm-urls';
import { RealmImporter } from './pilot-realm-chart';

/** Secrets the identity chart reads but never renders: the cluster stack or an operator creates them. */
export const IDENTITY_SECRETS = {
  /** Keys `username`, `password`: Keycloak's bootstrap admin. */
  admin: 'keycloak-admin',
  /** Keys `username`, `password`: the PostgreSQL account Keycloak uses (also initialises the database). */
  database: 'keycloak-db',
} as const;

/** A pilot as the identity chart needs it. */
export interface IdentityPilot {
  /** Realm name. */
  readonly name: string;
  /** Shown on the realm's login page. */
  readonly displayName: string;
  /** Its FIWARE tenant. */
  readonly fiwareService: string;
}

/** ServiceAccount (and `app` label) of the pilots' realm imports. */
const REALM_IMPORTER = 'keycloak-realm-import';

/** Namespace of Keycloak and its database. */
export const IDENTITY_NAMESPACE = 'identity';

export interface IdentityChartProps extends ChartProps {
  /** One realm each (created by each pilot's PilotRealmChart; here only their issuers and keys). */
  readonly pilots: readonly IdentityPilot[];
  /** Workloads that read the realms' signing keys (OPA); the gateway reaches all of Keycloak's routes. */
  readonly keyReaders: readonly MeshPeer[];
  /** The telemetry every sidecar reaches. */
  readonly mesh: Omit<MeshNetworkBaselineProps, 'namespace'>;
  /**
   * Keycloak's frontend URL; every token's `iss` derives from it.
   * @default the in-cluster URL, http://keycloak.identity.svc.cluster.local:8080/auth
   */
  readonly publicUrl?: string;
}

/** Keycloak with its own PostgreSQL, and the identity each pilot's realm import runs as. */
export class IdentityChart extends Chart {
  public readonly keycloak: Keycloak;
  /** For the pilots' PilotRealmCharts: the one identity Keycloak's admin API admits, and where Keycloak is. */
  public readonly realmImporter: RealmImporter;
  /** The pilots' tenants with their realms' issuers and keys, for the mesh and the tenant policy. */
  public readonly tenants: readonly Tenant[];

  constructor(scope: Construct, id: string, props: IdentityChartProps) {
    super(scope, id, { ...props, namespace: IDENTITY_NAMESPACE });
    const secret = (name: string) => kplus.Secret.fromSecretName(this, `${name}Secret`, name);
    const databaseCredentials = secret(IDENTITY_SECRETS.database);
    const databaseName = 'keycloak';
    const database = new KeycloakDatabase(this, 'Database', { credentials: databaseCredentials, database: databaseName });

    const internalUrl = keycloakUrl(IDENTITY_NAMESPACE);
    const publicUrl = props.publicUrl ?? internalUrl;
    this.keycloak = new Keycloak(this, 'Keycloak', {
      databaseUrl: `jdbc:postgresql://${database.host}:${KeycloakDatabase.PORT}/${databaseName}`,
      databaseCredentials,
      adminCredentials: secret(IDENTITY_SECRETS.admin),
      publicUrl,
    });
    // Every realm's keys, whatever realms exist: a realm's JWKS is public, and a list of realms would grow with the pilots.
    const jwksPaths = [`*${REALM_JWKS_SUFFIX}`];
    // The mesh identity the admin API admits, with no Kubernetes API token: the imports need none.
    const importer = platformPeer(IDENTITY_NAMESPACE, REALM_IMPORTER);
    new kplus.ServiceAccount(this, 'RealmImportAccount', { metadata: { name: REALM_IMPORTER }, automountToken: false });
    this.realmImporter = { peer: importer, serviceAccount: REALM_IMPORTER, keycloakUrl: internalUrl, adminSecret: IDENTITY_SECRETS.admin };
    new ServiceCalls(this, 'Calls', {
      ...props.mesh,
      workloads: [this.keycloak.peer, database.peer, importer],
      calls: [
        // The realm imports: an admin session from the master realm, then list and create realms; nothing else of the admin API.
        { from: importer, to: this.keycloak.peer, ports: [KEYCLOAK_PORT], paths: [`${KEYCLOAK_PATH}/realms/master/protocol/openid-connect/token`], methods: ['POST'] },
        { from: importer, to: this.keycloak.peer, ports: [KEYCLOAK_PORT], paths: [`${KEYCLOAK_PATH}/admin/realms`], methods: ['GET', 'POST'] },
        { from: GATEWAY_PEER, to: this.keycloak.peer, ports: [KEYCLOAK_PORT] },
        ...props.keyReaders.map((reader) => ({ from: reader, to: this.keycloak.peer, ports: [KEYCLOAK_PORT], paths: jwksPaths, methods: ['GET'] })),
        { from: this.keycloak.peer, to: database.peer, ports: [KeycloakDatabase.PORT] },
      ],
    });
    // Keys are fetched in-cluster; the issuer is whatever Keycloak presents itself as.
    this.tenants = props.pilots.map((p) => ({
      name: p.fiwareService,
      issuer: realmIssuer(publicUrl, p.name),
      jwksUri: realmJwksUri(internalUrl, p.name),
    }));
  }
}
