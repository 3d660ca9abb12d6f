import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

/** The Secret Grafana's admin credentials come from, by default. */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';

/** A Grafana datasource as its provisioning file lists it. */
export interface GrafanaDatasource {
  readonly name: string;
  readonly type: string;
  readonly url: string;
  readonly uid: string;
  readonly [field: string]: unknown;
}

export interface GrafanaProps {
  /** Datasources provisioned at start. */
  readonly datasources: readonly GrafanaDatasource[];
  /** Dashboards as Grafana JSON models, by file name (`<name>.json`), provisioned into `folder`. */
  readonly dashboards: Readonly<Record<string, object>>;
  /** Dashboard folder in Grafana. */
  readonly folder: string;
  /**
   * Existing Secret with keys `admin-user` and `admin-password`; created by the operator, never rendered here.
   * @default GRAFANA_ADMIN_SECRET
   */
  readonly adminSecretName?: string;
  /**
   * Environment the datasources read (`$NAME` in provisioning files), e.g. a password from a Secret.
   * @default none
   */
  readonly datasourceEnv?: Readonly<Record<string, kplus.EnvValue>>;
  /**
   * Whether Istio injects its sidecar (off where Grafana's only source is outside the mesh).
   * @default true
   */
  readonly meshSidecar?: boolean;
}

/** Grafana with its datasources and dashboards provisioned from code (nothing is clicked together by hand). */
export class Grafana extends PlatformService {
  public static readonly PORT = 3000;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    const config = (name: string, data: Record<string, string>) =>
      new kplus.ConfigMap(scope, `${id}${name}`, { metadata: { name: `grafana-${name.toLowerCase()}` }, data });
    const adminSecret = kplus.Secret.fromSecretName(scope, `${id}AdminSecret`, props.adminSecretName ?? GRAFANA_ADMIN_SECRET);
    const dashboardsPath = '/etc/grafana/dashboards';
    super(scope, id, {
      name: 'grafana',
      meshSidecar: props.meshSidecar,
      container: {
        image: IMAGES.grafana,
        user: 472, // `grafana` in the image
        ports: [{ number: Grafana.PORT, name: 'http' }],
        resources: resources({ request: 100, limit: 500 }, { request: 128, limit: 512 }),
        envVariables: {
          GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromSecretValue({ secret: adminSecret, key: 'admin-user' }),
          GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: adminSecret, key: 'admin-password' }),
          GF_ANALYTICS_REPORTING_ENABLED: kplus.EnvValue.fromValue('false'),
          GF_ANALYTICS_CHECK_FOR_UPDATES: kplus.EnvValue.fromValue('false'),
          // Logs to stdout only: the image's default also writes files under /var/log/grafana.
          GF_LOG_MODE: kplus.EnvValue.fromValue('console'),
          ...props.datasourceEnv,
        },
        readiness: httpProbe('/api/health', Grafana.PORT),
        liveness: httpProbe('/api/health', Grafana.PORT),
        // Grafana's sqlite state and plugins: disposable, everything it shows is provisioned.
        scratchPaths: ['/tmp', '/var/lib/grafana'],
      },
      configMounts: [
        { path: '/etc/grafana/provisioning/datasources', configMap: config('Datasources', { 'datasources.yaml': stringify({ apiVersion: 1, datasources: props.datasources }) }) },
        {
          path: '/etc/grafana/provisioning/dashboards',
          configMap: config('DashboardProviders', {
            'dashboards.yaml': stringify({
              apiVersion: 1,
              providers: [{ name: 'platform', folder: props.folder, type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: dashboardsPath } }],
            }),
          }),
        },
        { path: dashboardsPath, configMap: config('Dashboards', Object.fromEntries(Object.entries(props.dashboards).map(([file, model]) => [file, JSON.stringify(model, null, 2)]))) },
      ],
    });
  }
}
