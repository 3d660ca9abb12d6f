import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Grafana } from '../grafana/grafana';
import { INGRESS_GATEWAY } from '../mesh/ingress-gateway';
import { AllowedCallers } from '../security/allowed-callers';
import { Crate } from './crate';
import { IotAgentUl } from './iot-agent-ul';
import { Mongo } from './mongo';
import { Orion } from './orion';
import { QuantumLeap } from './quantumleap';
import { tenantDashboard } from './tenant-dashboard';

/** Namespace of the FIWARE core. */
export const FIWARE_NAMESPACE = 'fiware';

export interface FiwareChartProps extends ChartProps {
  /** FIWARE tenants (`fiware-service` names), one Grafana dashboard each. */
  readonly tenants: readonly string[];
}

const CRATE_DATASOURCE_UID = 'crate';

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
    // FIWARE's own components and the gateway (after OPA's decision); pilots reach FIWARE through the gateway.
    new AllowedCallers(this, 'Callers', { namespaces: [FIWARE_NAMESPACE, INGRESS_GATEWAY.namespace] });
    this.mongo = new Mongo(this, 'Mongo');
    this.orion = new Orion(this, 'Orion', { mongoHost: this.mongo.host });
    this.iotAgent = new IotAgentUl(this, 'IotAgentUl', {
      orionHost: this.orion.host,
      orionPort: Orion.PORT,
      mongoHost: this.mongo.host,
      mongoPort: Mongo.PORT,
    });
    this.crate = new Crate(this, 'Crate');
    this.quantumLeap = new QuantumLeap(this, 'QuantumLeap', { crateHost: this.crate.host, cratePort: Crate.HTTP_PORT });
    this.grafana = new Grafana(this, 'Grafana', {
      folder: 'FIWARE tenants',
      datasources: [
        {
          name: 'CrateDB',
          uid: CRATE_DATASOURCE_UID,
          // CrateDB speaks the PostgreSQL wire protocol; `doc` is its default schema.
          type: 'postgres',
          url: `${this.crate.host}:${Crate.POSTGRES_PORT}`,
          user: 'crate',
          database: 'doc',
          jsonData: { sslmode: 'disable', postgresVersion: 1000, timescaledb: false },
        },
      ],
      dashboards: Object.fromEntries(props.tenants.map((t) => [`tenant-${t}.json`, tenantDashboard(t, CRATE_DATASOURCE_UID)])),
    });
  }
}
