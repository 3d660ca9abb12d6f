/** All cdk8s charts of the platform, defined from the validated model, in the order they apply. */
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { alertTopicArn } from '../lib/alert-topic-address';
import { storeCopiesBucketName } from '../lib/store-copies-address';
import { PlatformModel } from '../lib/config/load-config';
import { deliveringPilots, productionNamespace, stagingNamespace } from '../lib/lifecycle/delivery-namespaces';
import { FIWARE_NAMESPACE, FiwareChart } from './fiware/fiware-chart';
import { IotAgentUl } from './fiware/iot-agent-ul';
import { Orion } from './fiware/orion';
import { QuantumLeap } from './fiware/quantumleap';
import { GitOpsChart } from './gitops/gitops-chart';
import { IDENTITY_NAMESPACE, IdentityChart } from './identity/identity-chart';
import { PilotRealmChart } from './identity/pilot-realm-chart';
import { KEYCLOAK_PATH, KEYCLOAK_PORT } from './identity/realm-urls';
import { ApiRoute, publicPaths } from './mesh/api-routes';
import { INGRESS_GATEWAY } from './mesh/ingress-gateway';
import { MeshRoutingChart } from './mesh/mesh-routing-chart';
import { PlatformNamespacesChart } from './mesh/platform-namespaces-chart';
import { DefaultStorageClassChart } from './storage/default-storage-class-chart';
import { OPA_NAMESPACE, OPA_SERVICE } from './security/ext-authz';
import { platformPeer } from './workload/platform-service';
import { TenantPolicyChart } from './security/tenant-policy-chart';
import { Jaeger } from './telemetry/jaeger';
import { TELEMETRY_NAMESPACE, TelemetryChart } from './telemetry/telemetry-chart';
import { PilotChart } from './tenancy/pilot-chart';

/** Namespaces of the shared services. */
export const PLATFORM_NAMESPACES = [FIWARE_NAMESPACE, IDENTITY_NAMESPACE, OPA_NAMESPACE, TELEMETRY_NAMESPACE] as const;

/** The tenant policy's Rego source, shipped in OPA's ConfigMap (and tested with `opa test` beside it). */
export const TENANT_POLICY_FILE = path.join(__dirname, 'security', 'policy', 'tenant.rego');

/** What OPA's decision logs leave out (tokens, device keys, bodies), shipped beside the policy. */
export const DECISION_LOG_MASK_FILE = path.join(__dirname, 'security', 'policy', 'decision_log_mask.rego');

/** Charts one stack applies, in order. */
export interface ChartSet {
  /** The set's name, which names its stack. */
  readonly name: string;
  readonly charts: readonly Chart[];
}

/** Every chart of the platform, grouped by the stacks that apply them. */
export interface PlatformChartSets {
  /** The shared services' charts, in apply order: each set may depend on the ones before it. */
  readonly platform: readonly ChartSet[];
  /**
   * Per pilot, its own objects: its namespaces with their guard rails, its Keycloak realm, then its
   * Argo CD delivery if Argo CD syncs it. A pilot's stack applies them, so the shared stacks do not grow with the pilots.
   */
  readonly pilots: ReadonlyMap<string, readonly Chart[]>;
}

/** Every chart in apply order (the platform's sets, then each pilot's charts): what `synth:k8s` renders. */
export function definePlatformCharts(app: App, model: PlatformModel): Chart[] {
  const sets = definePlatformChartSets(app, model);
  return [...sets.platform.flatMap((s) => s.charts), ...[...sets.pilots.values()].flat()];
}

export function definePlatformChartSets(app: App, model: PlatformModel): PlatformChartSets {
  const namespaces = new PlatformNamespacesChart(app, 'platform-namespaces', { platformNamespaces: PLATFORM_NAMESPACES });
  const hostname = model.platform.cluster.ingressHostname;
  // Defined first (applied later): every namespace's sidecars reach its collector and its scraper.
  const { environment } = model.platform;
  const telemetry = new TelemetryChart(app, 'telemetry', { alerts: { topicArn: alertTopicArn(model.platform.name, environment), region: environment.region } });
  const mesh = { metricsScraper: telemetry.prometheus.endpoint, traceCollector: { ...telemetry.jaeger.endpoint, ports: [Jaeger.ZIPKIN_PORT] } };
  // Keycloak; each pilot's realm (named after it, its tokens carrying the pilot's FIWARE tenant) is the pilot's own chart.
  const identity = new IdentityChart(app, 'identity', {
    pilots: model.pilots,
    keyReaders: [platformPeer(OPA_NAMESPACE, OPA_SERVICE.name)],
    mesh,
    publicUrl: hostname ? `https://${hostname}${KEYCLOAK_PATH}` : undefined,
  });
  const fiware = new FiwareChart(app, 'fiware', {
    mesh,
    copies: { bucket: storeCopiesBucketName(model.platform.name, environment), region: environment.region, retentionDays: model.platform.operations.backups.retentionDays },
  });
  const routes: ApiRoute[] = [
    // Only the tenant APIs are routed: no admin, log-level, statistics, metrics or health endpoint.
    { prefix: '/orion', host: fiware.orion.host, port: Orion.PORT, paths: ['/v2/', '/version'], publicPaths: ['/version'] },
    { prefix: '/iota-north', host: fiware.iotAgent.host, port: IotAgentUl.NORTH_PORT, paths: ['/iot/'], publicPaths: ['/iot/about'] },
    { prefix: '/iota-south', host: fiware.iotAgent.host, port: IotAgentUl.SOUTH_PORT, paths: [IotAgentUl.SOUTH_RESOURCE] },
    { prefix: '/quantumleap', host: fiware.quantumLeap.host, port: QuantumLeap.PORT, paths: ['/v2/', '/version'], publicPaths: ['/version'] },
    // Keycloak's end-user endpoints of the pilots' realms and the login pages' static resources: not
    // the admin console or API, the `master` realm, metrics or health.
    {
      prefix: KEYCLOAK_PATH,
      host: identity.keycloak.host,
      port: KEYCLOAK_PORT,
      rewrite: false,
      paths: [...model.pilots.map((p) => `/realms/${p.name}/`), '/resources/'],
      publicPaths: 'all',
    },
  ];
  // The policy before the routes: no moment where the API is routed but not guarded.
  const policy = new TenantPolicyChart(app, 'tenant-policy', { tenants: identity.tenants, publicPaths: publicPaths(routes),
    devices: { measurePaths: [`/iota-south${IotAgentUl.SOUTH_RESOURCE}`], provisioningPrefix: '/iota-north/' },
    policyFile: TENANT_POLICY_FILE,
    decisionLogMaskFile: DECISION_LOG_MASK_FILE, keyServer: { peer: identity.keycloak.peer, port: KEYCLOAK_PORT }, mesh });
  const routing = new MeshRoutingChart(app, 'mesh-routing', { routes });
  const storage = new DefaultStorageClassChart(app, 'default-storage-class');

  // Each pilot's namespace, and its staging namespace if CD delivers to it, with the same guard rails.
  const delivering = deliveringPilots(model);
  const guarded = (pilot: string, namespace: string, tier: 'pilot' | 'staging') =>
    new PilotChart(app, namespace, {
      namespace,
      namespaceLabels: { 'iiot-platform/tier': tier, 'iiot-platform/pilot': pilot },
      platformServices: [
        // FIWARE and Keycloak only through the gateway, where the tenant policy applies.
        { namespace: INGRESS_GATEWAY.namespace, podLabels: INGRESS_GATEWAY.selector, ports: INGRESS_GATEWAY.containerPorts },
      ],
      ...mesh,
    });
  const pilots = new Map(
    model.pilots.map(({ name, displayName, fiwareService }) => {
      const production = productionNamespace(name);
      const charts: Chart[] = [guarded(name, production, 'pilot')];
      if (delivering.includes(name)) charts.push(guarded(name, stagingNamespace(name), 'staging'));
      // Last: the pilot's workloads arrive once its namespace is guarded. One writer per namespace: a
      // pilot whose components the Jenkins delivery job deploys (CD) is not also synced by Argo CD.
      else if (model.platform.gitops) {
        charts.push(new GitOpsChart(app, `gitops-${name}`, { source: model.platform.gitops, pilotNamespaces: new Map([[name, production]]) }));
      }
      // Its realm, in the identity namespace: created through Keycloak's admin API, which no pilot workload reaches.
      charts.push(new PilotRealmChart(app, `realm-${name}`, { realm: { realm: name, displayName, tenant: fiwareService }, importer: identity.realmImporter }));
      return [name, charts] as const;
    }),
  );
  return {
    platform: [
      { name: 'Base', charts: [namespaces, storage] },
      { name: 'Identity', charts: [identity] },
      { name: 'Fiware', charts: [fiware] },
      { name: 'Gateway', charts: [policy, routing] },
      { name: 'Telemetry', charts: [telemetry] },
    ],
    pilots,
  };
}
