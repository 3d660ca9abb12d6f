/**
 * A tenant's Grafana dashboard over the time series QuantumLeap keeps in CrateDB. QuantumLeap writes a
 * tenant's entities to schema `mt<fiware-service>`, one table `et<entity type>` per entity type.
 */
export function tenantDashboard(tenant: string, datasourceUid: string): object {
  const schema = `mt${tenant}`;
  const datasource = { type: 'postgres', uid: datasourceUid };
  return {
    uid: `tenant-${tenant}`.replace(/_/g, '-'),
    title: `Tenant ${tenant}: time series`,
    tags: ['fiware', 'quantumleap', `tenant:${tenant}`],
    timezone: 'browser',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'entity_table',
          label: 'Entity type',
          type: 'query',
          datasource,
          query: `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`,
          refresh: 2,
        },
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
