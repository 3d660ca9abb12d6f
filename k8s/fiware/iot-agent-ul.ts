import * as kplus from 'cdk8s-plus-28';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

export interface IotAgentUlProps {
  /** Host name of Orion. */
  readonly orionHost: string;
  /** Orion's port. */
  readonly orionPort: number;
  /** Host name of the MongoDB service that keeps the device registry. */
  readonly mongoHost: string;
  /** MongoDB's port. */
  readonly mongoPort: number;
}

/** The UltraLight 2.0 IoT Agent: provisioning API (north) and device HTTP endpoint (south). */
export class IotAgentUl extends PlatformService {
  public static readonly NORTH_PORT = 4041;
  public static readonly SOUTH_PORT = 7896;
  /** Where devices send UltraLight measures over HTTP (the agent's `defaultResource`, lib/constants.js HTTP_MEASURE_PATH). */
  public static readonly SOUTH_RESOURCE = '/iot/d';
  private static readonly NAME = 'iotagent-ul';

  constructor(scope: Construct, id: string, props: IotAgentUlProps) {
    const env = (values: Record<string, string | number>) =>
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, kplus.EnvValue.fromValue(String(v))]));
    super(scope, id, {
      name: IotAgentUl.NAME,
      container: {
        image: IMAGES.iotAgentUl,
        user: 1000, // `node` in the image
        ports: [
          { number: IotAgentUl.NORTH_PORT, name: 'http-north' },
          { number: IotAgentUl.SOUTH_PORT, name: 'http-south' },
        ],
        resources: resources({ request: 100, limit: 500 }, { request: 256, limit: 512 }),
        envVariables: env({
          IOTA_CB_HOST: props.orionHost,
          IOTA_CB_PORT: props.orionPort,
          IOTA_CB_NGSI_VERSION: 'v2',
          IOTA_NORTH_PORT: IotAgentUl.NORTH_PORT,
          IOTA_HTTP_PORT: IotAgentUl.SOUTH_PORT,
          // Orion forwards lazy/command requests here: the agent's own Service.
          IOTA_PROVIDER_URL: `http://${IotAgentUl.NAME}.${Chart.of(scope).namespace}.svc.cluster.local:${IotAgentUl.NORTH_PORT}`,
          IOTA_REGISTRY_TYPE: 'mongodb',
          IOTA_MONGO_HOST: props.mongoHost,
          IOTA_MONGO_PORT: props.mongoPort,
          IOTA_MONGO_DB: 'iotagentul',
          IOTA_TIMESTAMP: 'true',
          IOTA_AUTOCAST: 'true',
          // HTTP is the only transport here: without these the agent starts MQTT and AMQP clients that
          // retry a broker that does not exist (iotagent-ul 2.4.0 lib/configService.js).
          IOTA_MQTT_DISABLED: 'true',
          IOTA_AMQP_DISABLED: 'true',
        }),
        readiness: httpProbe('/iot/about', IotAgentUl.NORTH_PORT),
        liveness: httpProbe('/iot/about', IotAgentUl.NORTH_PORT),
      },
    });
  }
}
