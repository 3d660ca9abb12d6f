import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ApiRoute, ApiRoutes } from './api-routes';
import { INGRESS_GATEWAY, IngressGateway } from './ingress-gateway';

export interface MeshRoutingChartProps extends ChartProps {
  /** The API's routes. */
  readonly routes: readonly ApiRoute[];
}

/** The ingress gateway and the API routes behind it. */
export class MeshRoutingChart extends Chart {
  constructor(scope: Construct, id: string, props: MeshRoutingChartProps) {
    super(scope, id, { ...props, namespace: INGRESS_GATEWAY.namespace });
    const gateway = new IngressGateway(this, 'Gateway');
    new ApiRoutes(this, 'Routes', { routes: props.routes, gateway: gateway.ref, namespace: INGRESS_GATEWAY.namespace });
  }
}
