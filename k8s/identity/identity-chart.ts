import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GATEWAY_PEER } from '../mesh/ingress-gateway';
import { ServiceCalls } from '../security/service-calls';
import { MeshNetworkBaselineProps } from '../workload/mesh-network-baseline';
import { MeshPeer } from '../workload/platform-service';
import { Tenant } from '../security/tenant';
import { KeycloakDatabase } from './keycloak-database';
import { Keycloak } from './keycloak';
import { KEYCLOAK_PORT, keycloakUrl, realmIssuer, realmJwksUri } from './realm-urls';
import { tenantRealm } from './tenant-realm';

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

/** Namespace of Keycloak and its database. */
export const IDENTITY_NAMESPACE = 'identity';

export interface IdentityChartProps extends ChartProps {
  /** One realm each. */
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

/** Keycloak with its own PostgreSQL and one realm per pilot. */
export class IdentityChart extends Chart {
  public readonly keycloak: Keycloak;
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
      realms: Object.fromEntries(
        props.pilots.map((p) => [`${p.name}.json`, tenantRealm({ realm: p.name, displayName: p.displayName, tenant: p.fiwareService })]),
      ),
    });
    const jwksPaths = props.pilots.map((p) => new URL(realmJwksUri(internalUrl, p.name)).pathname);
    new ServiceCalls(this, 'Calls', {
      ...props.mesh,
      workloads: [this.keycloak.peer, database.peer],
      calls: [
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
