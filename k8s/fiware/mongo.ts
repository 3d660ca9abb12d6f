import { Duration, Size } from 'cdk8s';
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
        // Ready when the server answers a ping, not merely when the port is open. mongosh is a Node.js
        // program that takes longer than Kubernetes' default 1 s probe timeout just to start.
        readiness: kplus.Probe.fromCommand(['mongosh', '--norc', '--quiet', '--eval', "db.adminCommand('ping').ok"], {
          timeoutSeconds: Duration.seconds(10),
          periodSeconds: Duration.seconds(15),
        }),
        liveness: kplus.Probe.fromTcpSocket({ port: Mongo.PORT }),
        scratchPaths: ['/tmp', '/data/configdb'],
      },
      storage: { mountPath: '/data/db', size: props.storageSize ?? Size.gibibytes(20) },
    });
  }
}
