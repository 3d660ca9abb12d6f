/** QuantumLeap writes a tenant's entities to schema `mt<fiware-service>`, one table `et<entity type>` per entity type. */
export const QUANTUMLEAP_SCHEMA_PREFIX = 'mt';

/**
 * One Grafana dashboard over every tenant's time series in CrateDB, the tenant picked by a variable
 * listing the schemas QuantumLeap has created: nothing in it names a tenant, so a pilot added later
 * needs no change here. Grafana serves operators only (it is not routed at the gateway), with one
 * read-only login over all schemas, so a dashboard per tenant would separate nothing.
 */
export function tenantDashboard(datasourceUid: string): object {
  const datasource = { type: 'postgres', uid: datasourceUid };
  // A single-value variable (not multi-value, no "All") is interpolated as it is, without quotes.
  const variable = (name: string, label: string, query: string) => ({ name, label, type: 'query', datasource, query, refresh: 2, multi: false, includeAll: false });
  const schema = `${QUANTUMLEAP_SCHEMA_PREFIX}$tenant`;
  return {
    uid: 'fiware-tenants',
    title: 'FIWARE tenants: time series',
    tags: ['fiware', 'quantumleap'],
    timezone: 'browser',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        variable(
          'tenant',
          'Tenant',
          `SELECT substr(schema_name, ${QUANTUMLEAP_SCHEMA_PREFIX.length + 1}) FROM information_schema.schemata WHERE schema_name LIKE '${QUANTUMLEAP_SCHEMA_PREFIX}%' ORDER BY 1`,
        ),
        variable('entity_table', 'Entity type', `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`),
      ],
    },
    panels: [
      {
        id: 1,
        type: 'timeseries',
        title: 'Attributes over time',
        gridPos: { x: 0, y: 0, w: 24, h: 12 },
        datasource,
        targets: [
          {
            refId: 'A',
            format: 'time_series',
            rawQuery: true,
            rawSql: `SELECT time_index AS "time", * FROM "${schema}"."$entity_table" WHERE $__timeFilter(time_index) ORDER BY 1`,
          },
        ],
      },
      {
        id: 2,
        type: 'table',
        title: 'Latest measurements',
        gridPos: { x: 0, y: 12, w: 24, h: 10 },
        datasource,
        targets: [{ refId: 'A', format: 'table', rawQuery: true, rawSql: `SELECT * FROM "${schema}"."$entity_table" ORDER BY time_index DESC LIMIT 50` }],
      },
    ],
  };
}
