import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

export interface KeycloakDatabaseProps {
  /** Existing Secret with keys `username` and `password` (see k8s/README.md: not rendered here). */
  readonly credentials: kplus.ISecret;
  /** Name of the database. */
  readonly database: string;
  /** @default 10 GiB */
  readonly storageSize?: Size;
}

/** PostgreSQL for Keycloak's realms, users and sessions, on a persistent volume. */
export class KeycloakDatabase extends PlatformService {
  public static readonly PORT = 5432;

  constructor(scope: Construct, id: string, props: KeycloakDatabaseProps) {
    const dataDir = '/var/lib/postgresql/data';
    super(scope, id, {
      name: 'keycloak-db',
      container: {
        image: IMAGES.postgres,
        user: 999, // `postgres` in the official image; started as it, the entrypoint needs no root step
        ports: [{ number: KeycloakDatabase.PORT, name: 'tcp-postgres' }],
        resources: resources({ request: 100, limit: 1000 }, { request: 256, limit: 512 }),
        envVariables: {
          POSTGRES_DB: kplus.EnvValue.fromValue(props.database),
          POSTGRES_USER: kplus.EnvValue.fromSecretValue({ secret: props.credentials, key: 'username' }),
          POSTGRES_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: props.credentials, key: 'password' }),
          // A subdirectory: the volume's root holds lost+found, which initdb refuses.
          PGDATA: kplus.EnvValue.fromValue(`${dataDir}/pgdata`),
        },
        // 5 s, not Kubernetes' default 1 s: a busy node must not flap the database out of its Service.
        readiness: kplus.Probe.fromCommand(['sh', '-c', `pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d ${props.database}`], { timeoutSeconds: Duration.seconds(5) }),
        liveness: kplus.Probe.fromTcpSocket({ port: KeycloakDatabase.PORT }),
        scratchPaths: ['/tmp', '/var/run/postgresql'],
      },
      storage: { mountPath: dataDir, size: props.storageSize ?? Size.gibibytes(10) },
    });
  }
}
