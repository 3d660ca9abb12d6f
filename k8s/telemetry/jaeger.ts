import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';

/** Jaeger all-in-one: collects the sidecars' Zipkin spans and serves the trace UI and query API (for Kiali). */
export class Jaeger extends PlatformService {
  public static readonly ZIPKIN_PORT = 9411;
  public static readonly QUERY_PORT = 16686;
  public static readonly QUERY_GRPC_PORT = 16685;
  public static readonly BASE_PATH = '/jaeger';
  private static readonly ADMIN_PORT = 14269;

  constructor(scope: Construct, id: string) {
    const value = kplus.EnvValue.fromValue;
    super(scope, id, {
      name: 'jaeger',
      // Envoy reports spans itself, in plaintext, outside the sidecar's mTLS; so does Istio's own add-on.
      meshSidecar: false,
      container: {
        image: IMAGES.jaeger,
        user: 10001, // as in the image
        ports: [
          { number: Jaeger.QUERY_PORT, name: 'http-query' },
          { number: Jaeger.QUERY_GRPC_PORT, name: 'grpc-query' },
          { number: Jaeger.ZIPKIN_PORT, name: 'http-zipkin' },
          { number: Jaeger.ADMIN_PORT, name: 'http-admin' },
        ],
        resources: resources({ request: 100, limit: 1000 }, { request: 256, limit: 1024 }),
        envVariables: {
          COLLECTOR_ZIPKIN_HOST_PORT: value(`:${Jaeger.ZIPKIN_PORT}`),
          // In memory, bounded: traces are for live debugging; durable telemetry is in Prometheus.
          SPAN_STORAGE_TYPE: value('memory'),
          MEMORY_MAX_TRACES: value('50000'),
          QUERY_BASE_PATH: value(Jaeger.BASE_PATH),
        },
        readiness: httpProbe('/', Jaeger.ADMIN_PORT),
        liveness: httpProbe('/', Jaeger.ADMIN_PORT),
      },
    });
  }
}
