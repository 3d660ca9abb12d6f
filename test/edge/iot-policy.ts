/**
 * A small evaluator of AWS IoT policy documents, following the IoT Core rules kept in
 * iot-policy-rules.json (sources named there): Allow unless a Deny matches, `*` and `?` are the
 * only wildcards (MQTT `+` and `#` are literal), and thing policy variables resolve only on MQTT
 * (and WebSocket) connections; elsewhere a resource naming one matches nothing.
 */
import rules from './iot-policy-rules.json';

export interface IotRequest {
  readonly action: string;
  /** Full ARN of the resource. */
  readonly resource: string;
  readonly protocol: 'mqtt' | 'websocket' | 'https';
  /** The thing the connecting certificate is attached to. */
  readonly thingName: string;
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

function substitute(resource: string, request: IotRequest): string | undefined {
  let unresolved = false;
  const out = resource.replace(/\$\{([^}]+)\}/g, (_m, variable: string) => {
    if (variable === 'iot:Connection.Thing.ThingName' && (rules.thingPolicyVariableProtocols as string[]).includes(request.protocol)) return request.thingName;
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : out;
}

function matches(statement: any, request: IotRequest): boolean {
  if (statement.Condition) throw new Error(`conditions are not modelled: ${JSON.stringify(statement.Condition)}`);
  const actions: string[] = [statement.Action].flat();
  if (!actions.some((a) => glob(a).test(request.action))) return false;
  const resources: string[] = [statement.Resource].flat();
  return resources.some((r) => {
    const concrete = substitute(r, request);
    return concrete !== undefined && glob(concrete).test(request.resource);
  });
}

export function iotDecision(policy: { Statement: any[] }, request: IotRequest): 'Allow' | 'Deny' {
  const applicable = policy.Statement.filter((s) => matches(s, request));
  if (applicable.some((s) => s.Effect === 'Deny')) return 'Deny';
  return applicable.some((s) => s.Effect === 'Allow') ? 'Allow' : 'Deny';
}
