import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';
import { CRATE_PASSWORD_KEY, CrateUser } from './crate-authentication';

export interface QuantumLeapProps {
  /** Host name of CrateDB. */
  readonly crateHost: string;
  /** CrateDB's HTTP port. */
  readonly cratePort: number;
  /** QuantumLeap's CrateDB login (over HTTP). */
  readonly crateUser: Pick<CrateUser, 'name' | 'secret'>;
}

/** QuantumLeap: receives Orion's notifications at /v2/notify and stores them as time series in CrateDB. */
export class QuantumLeap extends PlatformService {
  public static readonly PORT = 8668;

  constructor(scope: Construct, id: string, props: QuantumLeapProps) {
    super(scope, id, {
      name: 'quantumleap',
      container: {
        image: IMAGES.quantumLeap,
        user: 1000, // `app-user` in the image
        ports: [{ number: QuantumLeap.PORT, name: 'http' }],
        resources: resources({ request: 100, limit: 1000 }, { request: 256, limit: 512 }),
        envVariables: {
          CRATE_HOST: kplus.EnvValue.fromValue(props.crateHost),
          CRATE_PORT: kplus.EnvValue.fromValue(String(props.cratePort)),
          // What QuantumLeap 1.0 reads (src/translators/crate.py) and sends as HTTP Basic credentials.
          CRATE_DB_USER: kplus.EnvValue.fromValue(props.crateUser.name),
          CRATE_DB_PASS: kplus.EnvValue.fromSecretValue({ secret: props.crateUser.secret, key: CRATE_PASSWORD_KEY }),
          LOGLEVEL: kplus.EnvValue.fromValue('INFO'),
        },
        // /health reports the database too: not ready while CrateDB is down, but alive as long as it serves /version.
        readiness: httpProbe('/health', QuantumLeap.PORT),
        liveness: httpProbe('/version', QuantumLeap.PORT),
      },
    });
  }
}
