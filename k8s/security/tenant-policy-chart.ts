import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PublicPaths } from '../mesh/api-routes';
import { INGRESS_GATEWAY } from '../mesh/ingress-gateway';
import { AllowedCallers } from './allowed-callers';
import { OPA_NAMESPACE } from './ext-authz';
import { GatewayAuthorization } from './gateway-authorization';
import { Opa } from './opa';
import { Tenant } from './tenant';
import { tenantPolicyData } from './tenant-policy-data';

export interface TenantPolicyChartProps extends ChartProps {
  /** The tenants, from the pilots' `fiwareService` and their Keycloak realms. */
  readonly tenants: readonly Tenant[];
  /** Paths that need no token. */
  readonly publicPaths: PublicPaths;
  /** Path of policy/tenant.rego. */
  readonly policyFile: string;
}

/** The tenant policy: OPA serving it, and the gateway's token verification and ext_authz hook. */
export class TenantPolicyChart extends Chart {
  public readonly opa: Opa;

  constructor(scope: Construct, id: string, props: TenantPolicyChartProps) {
    super(scope, id, { ...props, namespace: OPA_NAMESPACE });
    // Only the gateway asks OPA.
    new AllowedCallers(this, 'Callers', { namespaces: [INGRESS_GATEWAY.namespace] });
    this.opa = new Opa(this, 'Opa', { policyFile: props.policyFile, data: tenantPolicyData(props.tenants, props.publicPaths) });
    new GatewayAuthorization(this, 'Gateway', { tenants: props.tenants, publicPaths: props.publicPaths });
  }
}
