import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

export interface MongoProps {
  /** @default 20 GiB */
  readonly storageSize?: Size;
}

/** MongoDB for Orion's context and the IoT Agent's device registry, on a persistent volume at /data/db. */
export class Mongo extends PlatformService {
  public static readonly PORT = 27017;

  constructor(scope: Construct, id: string, props: MongoProps = {}) {
    super(scope, id, {
      name: 'mongo',
      container: {
        image: IMAGES.mongo,
        user: 999, // `mongodb` in the official image
        ports: [{ number: Mongo.PORT, name: 'tcp-mongo' }],
        resources: resources({ request: 250, limit: 1000 }, { request: 512, limit: 1024 }),
        // Ready when the server answers a ping, not merely when the port is open.
        readiness: kplus.Probe.fromCommand(['mongosh', '--norc', '--quiet', '--eval', "db.adminCommand('ping').ok"]),
        liveness: kplus.Probe.fromTcpSocket({ port: Mongo.PORT }),
        scratchPaths: ['/tmp', '/data/configdb'],
      },
      storage: { mountPath: '/data/db', size: props.storageSize ?? Size.gibibytes(20) },
    });
  }
}
