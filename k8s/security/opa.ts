import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { addKubeObject } from '../kube-object';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';
import { OPA_SERVICE } from './ext-authz';
import { TenantPolicyData } from './tenant-policy-data';

/** The policy's decision path: `package iiot.authz`, rule `allow`. */
export const OPA_DECISION_PATH = 'iiot/authz/allow';

export interface OpaProps {
  /** Path of the Rego policy file, read at synth into the policy ConfigMap (like a CDK asset). */
  readonly policyFile: string;
  /** Path of the decision log mask (`package system.log`), shipped beside the policy. */
  readonly decisionLogMaskFile: string;
  /** The policy's data document. */
  readonly data: TenantPolicyData;
  /**
   * Replicas: the gateway asks OPA on every request, so more than one.
   * @default 2
   */
  readonly replicas?: number;
}

/** OPA with the Envoy plugin: Istio's external authorizer, deciding per request with the tenant policy. */
export class Opa extends PlatformService {
  constructor(scope: Construct, id: string, props: OpaProps) {
    const policy = new kplus.ConfigMap(scope, `${id}Policy`, { metadata: { name: 'opa-policy' } });
    policy.addFile(props.policyFile, 'tenant.rego');
    policy.addFile(props.decisionLogMaskFile, 'decision_log_mask.rego');
    policy.addData('data.json', JSON.stringify(props.data, null, 2));
    const config = new kplus.ConfigMap(scope, `${id}Config`, {
      metadata: { name: 'opa-config' },
      data: {
        'config.yaml': stringify({
          plugins: { envoy_ext_authz_grpc: { addr: `:${OPA_SERVICE.grpcPort}`, path: OPA_DECISION_PATH } },
          // Logged with the mask of decision_log_mask.rego: no tokens, keys or bodies.
          decision_logs: { console: true },
        }),
      },
    });
    super(scope, id, {
      name: OPA_SERVICE.name,
      replicas: props.replicas ?? 2,
      container: {
        image: IMAGES.opa,
        user: 1000,
        ports: [
          { number: OPA_SERVICE.grpcPort, name: 'grpc-ext-authz' },
          { number: OPA_SERVICE.diagnosticsPort, name: 'http-diagnostics' },
        ],
        resources: resources({ request: 100, limit: 500 }, { request: 128, limit: 256 }),
        args: [
          'run',
          '--server',
          // The REST API is not needed by the gateway: keep it on loopback.
          '--addr=127.0.0.1:8181',
          `--diagnostic-addr=0.0.0.0:${OPA_SERVICE.diagnosticsPort}`,
          '--config-file=/config/config.yaml',
          // Named files, not the directory: a ConfigMap volume also holds hidden `..data` links.
          '/policy/tenant.rego',
          '/policy/decision_log_mask.rego',
          '/policy/data.json',
        ],
        // `?plugins`: not ready until the ext_authz gRPC server is up too.
        readiness: httpProbe('/health?plugins', OPA_SERVICE.diagnosticsPort),
        liveness: httpProbe('/health', OPA_SERVICE.diagnosticsPort),
      },
      configMounts: [
        { path: '/policy', configMap: policy },
        { path: '/config', configMap: config },
      ],
    });
    // The gateway fails closed without OPA: keep one replica through node drains.
    addKubeObject(
      this,
      'DisruptionBudget',
      new PodDisruptionBudget({ metadata: { name: OPA_SERVICE.name }, spec: { minAvailable: 1, selector: { matchLabels: { ...this.endpoint.podLabels } } } }),
    );
  }
}
