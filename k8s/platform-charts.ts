/** All cdk8s charts of the platform, defined from the validated model, in the order they apply. */
import { App, Chart } from 'cdk8s';
import { PlatformModel } from '../lib/config/load-config';
import { FiwareChart } from './fiware/fiware-chart';
import { PlatformNamespacesChart } from './mesh/platform-namespaces-chart';

/** Namespaces of the shared services. */
export const PLATFORM_NAMESPACES = ['fiware', 'identity', 'telemetry'] as const;

/** Charts in apply order: each may depend on the ones before it. */
export function definePlatformCharts(app: App, model: PlatformModel): Chart[] {
  const namespaces = new PlatformNamespacesChart(app, 'platform-namespaces', {
    platformNamespaces: PLATFORM_NAMESPACES,
    pilots: model.pilots.map((p) => p.name),
  });
  const fiware = new FiwareChart(app, 'fiware', { namespace: 'fiware', tenants: model.pilots.map((p) => p.fiwareService) });
  return [namespaces, fiware];
}
