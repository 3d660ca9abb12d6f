import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Grafana } from '../grafana/grafana';
import { GATEWAY_PEER } from '../mesh/ingress-gateway';
import { ServiceCalls } from '../security/service-calls';
import { MeshNetworkBaselineProps } from '../workload/mesh-network-baseline';
import { StoreCopyJobs, StoreCopyJobsProps } from '../operations/store-copy-jobs';
import { Crate } from './crate';
import { CRATE_PASSWORD_KEY, CrateUser } from './crate-authentication';
import { IotAgentUl } from './iot-agent-ul';
import { Mongo } from './mongo';
import { Orion } from './orion';
import { QuantumLeap } from './quantumleap';
import { tenantDashboard } from './tenant-dashboard';

/** Namespace of the FIWARE core. */
export const FIWARE_NAMESPACE = 'fiware';

export interface FiwareChartProps extends ChartProps {
  /** The telemetry every sidecar reaches. */
  readonly mesh: Omit<MeshNetworkBaselineProps, 'namespace'>;
  /** Where the daily MongoDB and CrateDB copies go and how long CrateDB snapshots are kept. */
  readonly copies: Pick<StoreCopyJobsProps, 'bucket' | 'region' | 'retentionDays'>;
}

const CRATE_DATASOURCE_UID = 'crate';

/** The Secrets (key `password`) of CrateDB's logins, created by the operator (k8s/README.md). */
export const CRATE_USER_SECRETS = { quantumleap: 'crate-quantumleap', grafana: 'crate-grafana', backup: 'crate-backup' } as const;

/** CrateDB's logins, each from its Secret in the scope's namespace (CRATE_USER_SECRETS). */
export function crateLogins(scope: Construct): { readonly quantumLeapLogin: CrateUser; readonly grafanaLogin: CrateUser; readonly backupLogin: CrateUser } {
  const secret = (name: string) => kplus.Secret.fromSecretName(scope, `${name}Secret`, name);
  return {
    // QuantumLeap creates a schema and tables per tenant and writes them; Grafana only reads.
    quantumLeapLogin: { name: 'quantumleap', secret: secret(CRATE_USER_SECRETS.quantumleap), privileges: ['DQL', 'DML', 'DDL'], protocol: 'http' },
    grafanaLogin: { name: 'grafana', secret: secret(CRATE_USER_SECRETS.grafana), privileges: ['DQL'], protocol: 'pg' },
    // The snapshot and restore jobs: CREATE REPOSITORY, CREATE and RESTORE SNAPSHOT need AL; they read sys.snapshots too.
    backupLogin: { name: 'crate_backup', secret: secret(CRATE_USER_SECRETS.backup), privileges: ['AL', 'DQL'], protocol: 'http' },
  };
}

/** The shared FIWARE core: Orion on MongoDB, the UltraLight IoT Agent, QuantumLeap on CrateDB, Grafana. */
export class FiwareChart extends Chart {
  public readonly mongo: Mongo;
  public readonly orion: Orion;
  public readonly iotAgent: IotAgentUl;
  public readonly crate: Crate;
  public readonly quantumLeap: QuantumLeap;
  public readonly grafana: Grafana;

  constructor(scope: Construct, id: string, props: FiwareChartProps) {
    super(scope, id, { ...props, namespace: FIWARE_NAMESPACE });
    this.mongo = new Mongo(this, 'Mongo');
    this.orion = new Orion(this, 'Orion', { mongoHost: this.mongo.host });
    this.iotAgent = new IotAgentUl(this, 'IotAgentUl', {
      orionHost: this.orion.host,
      orionPort: Orion.PORT,
      mongoHost: this.mongo.host,
      mongoPort: Mongo.PORT,
    });
    const { quantumLeapLogin, grafanaLogin, backupLogin } = crateLogins(this);
    this.crate = new Crate(this, 'Crate', { users: [quantumLeapLogin, grafanaLogin, backupLogin] });
    this.quantumLeap = new QuantumLeap(this, 'QuantumLeap', { crateHost: this.crate.host, cratePort: Crate.HTTP_PORT, crateUser: quantumLeapLogin });
    this.grafana = new Grafana(this, 'Grafana', {
      folder: 'FIWARE tenants',
      datasources: [
        {
          name: 'CrateDB',
          uid: CRATE_DATASOURCE_UID,
          // CrateDB speaks the PostgreSQL wire protocol; `doc` is its default schema.
          type: 'postgres',
          url: `${this.crate.host}:${Crate.POSTGRES_PORT}`,
          user: grafanaLogin.name,
          // Expanded by Grafana from its environment at provisioning; the value never appears in a manifest.
          secureJsonData: { password: '$CRATE_PASSWORD' },
          database: 'doc',
          jsonData: { sslmode: 'disable', postgresVersion: 1000, timescaledb: false },
        },
      ],
      datasourceEnv: { CRATE_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: grafanaLogin.secret, key: CRATE_PASSWORD_KEY }) },
      // One dashboard for every tenant: this chart does not grow with the pilots.
      dashboards: { 'fiware-tenants.json': tenantDashboard(CRATE_DATASOURCE_UID) },
    });
    const copies = new StoreCopyJobs(this, 'Copies', {
      ...props.copies,
      mongo: `${this.mongo.host}:${Mongo.PORT}`,
      crateUrl: `http://${this.crate.host}:${Crate.HTTP_PORT}`,
      crateLogin: backupLogin,
      cratePodLabels: this.crate.endpoint.podLabels,
      snapshots: { claimName: this.crate.snapshotClaim.name, path: Crate.SNAPSHOT_PATH },
    });
    // Each service accepts only the workloads that need it. The gateway (after OPA's decision) is the
    // only way in from outside. Orion reaches QuantumLeap's notify endpoint only: a tenant's subscription
    // chooses URL, method, headers and body, so it must not be able to make Orion call Orion, the IoT
    // Agent, CrateDB or MongoDB with another tenant's `Fiware-Service`.
    const [orion, iotAgent, quantumLeap, mongo, crate, grafana] = [this.orion, this.iotAgent, this.quantumLeap, this.mongo, this.crate, this.grafana].map((s) => s.peer);
    new ServiceCalls(this, 'Calls', {
      ...props.mesh,
      workloads: [orion, iotAgent, quantumLeap, mongo, crate, grafana, copies.mongoPeer, copies.cratePeer],
      calls: [
        { from: GATEWAY_PEER, to: orion, ports: [Orion.PORT] },
        { from: GATEWAY_PEER, to: iotAgent, ports: [IotAgentUl.NORTH_PORT, IotAgentUl.SOUTH_PORT] },
        { from: GATEWAY_PEER, to: quantumLeap, ports: [QuantumLeap.PORT] },
        { from: iotAgent, to: orion, ports: [Orion.PORT] },
        { from: quantumLeap, to: orion, ports: [Orion.PORT] },
        { from: orion, to: quantumLeap, ports: [QuantumLeap.PORT], paths: ['/v2/notify'], methods: ['POST'] },
        { from: orion, to: mongo, ports: [Mongo.PORT] },
        { from: iotAgent, to: mongo, ports: [Mongo.PORT] },
        { from: quantumLeap, to: crate, ports: [Crate.HTTP_PORT] },
        { from: grafana, to: crate, ports: [Crate.POSTGRES_PORT] },
        { from: copies.mongoPeer, to: mongo, ports: [Mongo.PORT] },
        { from: copies.cratePeer, to: crate, ports: [Crate.HTTP_PORT], paths: ['/_sql'], methods: ['POST'] },
      ],
    });
  }
}
