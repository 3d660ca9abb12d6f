import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

export interface OrionProps {
  /** Host name of the MongoDB service. */
  readonly mongoHost: string;
}

/** Orion, the NGSI v2 context broker, multi-tenant (one MongoDB database per `fiware-service`). */
export class Orion extends PlatformService {
  public static readonly PORT = 1026;

  constructor(scope: Construct, id: string, props: OrionProps) {
    super(scope, id, {
      name: 'orion',
      container: {
        image: IMAGES.orion,
        user: 65534, // nobody: the broker needs no account of its own
        ports: [{ number: Orion.PORT, name: 'http' }],
        resources: resources({ request: 200, limit: 1000 }, { request: 256, limit: 512 }),
        // The whole command line, so flags the image's entrypoint already has are not passed twice.
        command: ['/usr/bin/contextBroker'],
        args: ['-fg', '-multiservice', '-disableFileLog', '-dbhost', props.mongoHost],
        readiness: httpProbe('/version', Orion.PORT),
        liveness: httpProbe('/version', Orion.PORT),
      },
    });
  }
}
