import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PublicPaths } from '../mesh/api-routes';
import { GATEWAY_PEER } from '../mesh/ingress-gateway';
import { MeshNetworkBaselineProps } from '../workload/mesh-network-baseline';
import { MeshPeer } from '../workload/platform-service';
import { ServiceCalls } from './service-calls';
import { OPA_NAMESPACE, OPA_SERVICE } from './ext-authz';
import { GatewayAuthorization } from './gateway-authorization';
import { Opa } from './opa';
import { Tenant } from './tenant';
import { DeviceApiKeys, tenantPolicyData } from './tenant-policy-data';

export interface TenantPolicyChartProps extends ChartProps {
  /** The tenants, from the pilots' `fiwareService` and their Keycloak realms. */
  readonly tenants: readonly Tenant[];
  /** Paths that need no token. */
  readonly publicPaths: PublicPaths;
  /** Device API keys: where devices use them and where they are provisioned. */
  readonly devices: DeviceApiKeys;
  /** Path of policy/tenant.rego. */
  readonly policyFile: string;
  /** Path of policy/decision_log_mask.rego. */
  readonly decisionLogMaskFile: string;
  /** Keycloak, where OPA fetches the realms' keys, and its port. */
  readonly keyServer: { readonly peer: MeshPeer; readonly port: number };
  /** The telemetry every sidecar reaches. */
  readonly mesh: Omit<MeshNetworkBaselineProps, 'namespace'>;
}

/** The tenant policy: OPA serving it, and the gateway's token verification and ext_authz hook. */
export class TenantPolicyChart extends Chart {
  public readonly opa: Opa;

  constructor(scope: Construct, id: string, props: TenantPolicyChartProps) {
    super(scope, id, { ...props, namespace: OPA_NAMESPACE });
    this.opa = new Opa(this, 'Opa', { policyFile: props.policyFile, decisionLogMaskFile: props.decisionLogMaskFile, data: tenantPolicyData(props.tenants, props.publicPaths, props.devices) });
    // Only the gateway asks OPA; OPA calls only Keycloak, for the keys.
    new ServiceCalls(this, 'Calls', {
      ...props.mesh,
      workloads: [this.opa.peer],
      calls: [
        { from: GATEWAY_PEER, to: this.opa.peer, ports: [OPA_SERVICE.grpcPort] },
        { from: this.opa.peer, to: props.keyServer.peer, ports: [props.keyServer.port] },
      ],
    });
    new GatewayAuthorization(this, 'Gateway', { tenants: props.tenants, publicPaths: props.publicPaths });
  }
}
