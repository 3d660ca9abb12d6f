import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { WRITABLE_ROOT_FILESYSTEM } from '../security/exceptions';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';
import { KEYCLOAK_PATH, KEYCLOAK_PORT } from './realm-urls';

export interface KeycloakProps {
  /** JDBC URL of its PostgreSQL database. */
  readonly databaseUrl: string;
  /** Existing Secret with the database `username` and `password`. */
  readonly databaseCredentials: kplus.ISecret;
  /** Existing Secret with the bootstrap admin's `username` and `password`. */
  readonly adminCredentials: kplus.ISecret;
  /** The URL Keycloak presents itself under (including /auth); the `iss` of every token derives from it. */
  readonly publicUrl: string;
}

/**
 * Keycloak on PostgreSQL, serving under /auth. It names no realm: each pilot's stack creates its realm
 * through the admin API (PilotRealmChart), so this Deployment is the same for any number of pilots.
 */
export class Keycloak extends PlatformService {
  constructor(scope: Construct, id: string, props: KeycloakProps) {
    const value = kplus.EnvValue.fromValue;
    const secret = (s: kplus.ISecret, key: string) => kplus.EnvValue.fromSecretValue({ secret: s, key });
    const health = (check: string, options?: kplus.ProbeOptions) => httpProbe(`${KEYCLOAK_PATH}/health/${check}`, KEYCLOAK_PORT, options);
    super(scope, id, {
      name: 'keycloak',
      container: {
        image: IMAGES.keycloak,
        user: 1000, // `keycloak` in the image
        ports: [{ number: KEYCLOAK_PORT, name: 'http' }],
        resources: resources({ request: 500, limit: 2000 }, { request: 1024, limit: 2048 }),
        args: ['start'],
        envVariables: {
          KC_DB: value('postgres'),
          KC_DB_URL: value(props.databaseUrl),
          KC_DB_USERNAME: secret(props.databaseCredentials, 'username'),
          KC_DB_PASSWORD: secret(props.databaseCredentials, 'password'),
          KEYCLOAK_ADMIN: secret(props.adminCredentials, 'username'),
          KEYCLOAK_ADMIN_PASSWORD: secret(props.adminCredentials, 'password'),
          KC_HTTP_ENABLED: value('true'),
          KC_HTTP_PORT: value(String(KEYCLOAK_PORT)),
          KC_HTTP_RELATIVE_PATH: value(KEYCLOAK_PATH),
          // One fixed frontend URL: tokens carry the same `iss` whichever way they were requested.
          KC_HOSTNAME_URL: value(props.publicUrl),
          KC_PROXY_HEADERS: value('xforwarded'),
          KC_HEALTH_ENABLED: value('true'),
          KC_METRICS_ENABLED: value('true'),
        },
        readiness: health('ready'),
        liveness: health('live'),
        // First start builds and migrates the schema: allow it 10 minutes.
        startup: health('started', { failureThreshold: 60, periodSeconds: Duration.seconds(10) }),
        writableRootFilesystem: WRITABLE_ROOT_FILESYSTEM.keycloak,
      },
    });
  }
}
