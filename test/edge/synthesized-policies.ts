/**
 * Reads policies out of synthesized templates the way AWS would see them after deployment:
 * CloudFormation intrinsics resolved for the demo account and region (logical ids stand in for the
 * physical names CloudFormation generates), identity policies gathered per role, and calls
 * evaluated with @cloud-copilot/iam-simulate (tests only: AGPL).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { runSimulation } from '@cloud-copilot/iam-simulate';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-central-1';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

const ARN_OF: Record<string, (id: string, props: Record<string, any>) => string> = {
  'AWS::DynamoDB::Table': (id) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${id}`,
  'AWS::KMS::Key': (id) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`,
  'AWS::IoT::Policy': (id) => `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${id}`,
  'AWS::IoT::RoleAlias': (_id, p) => `arn:aws:iot:${REGION}:${ACCOUNT}:rolealias/${p.RoleAlias}`,
  'AWS::IoT::ThingGroup': (_id, p) => `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/${p.ThingGroupName}`,
  'AWS::IoT::JobTemplate': (_id, p) => `arn:aws:iot:${REGION}:${ACCOUNT}:jobtemplate/${p.JobTemplateId}`,
  'AWS::Lambda::Function': (id) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${id}`,
  'AWS::IAM::Role': (id) => `arn:aws:iam::${ACCOUNT}:role/${id}`,
  'AWS::Logs::LogGroup': (id) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`,
  'AWS::ImageBuilder::ImagePipeline': (_id, p) => `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image-pipeline/${p.Name}`,
  'AWS::ECR::Repository': (id) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${id}`,
};
const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };

/** Resolves Ref, Fn::GetAtt (Arn) and Fn::Join against the template's resources. */
export function resolve(value: unknown, resources: Resources): any {
  if (Array.isArray(value)) return value.map((v) => resolve(v, resources));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, any>;
  if ('Ref' in o) {
    if (PSEUDO[o.Ref]) return PSEUDO[o.Ref];
    const r = resources[o.Ref];
    if (!r) throw new Error(`Ref to unknown ${o.Ref}`);
    return r.Type === 'AWS::IoT::ThingGroup' ? r.Properties!.ThingGroupName : o.Ref;
  }
  if ('Fn::GetAtt' in o) {
    const [id, attribute] = o['Fn::GetAtt'];
    const r = resources[id];
    const arn = ARN_OF[r?.Type];
    if (!arn || !['Arn', 'RoleAliasArn'].includes(attribute)) throw new Error(`cannot resolve GetAtt ${id}.${attribute} (${r?.Type})`);
    return arn(id, r.Properties ?? {});
  }
  if ('Fn::Join' in o) {
    const [separator, parts] = o['Fn::Join'];
    return resolve(parts, resources).join(separator);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, resources)]));
}

/** Logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`${ids.length} ${type} resources start with ${prefix}: ${ids.join(', ')}`);
  return ids[0];
}

/** Every identity policy document attached to the role (AWS::IAM::Policy and inline), resolved. */
export function rolePolicies(template: Template, roleId: string): { name: string; policy: any }[] {
  const resources = template.toJSON().Resources as Resources;
  const attached = Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles ?? []).some((ref: { Ref?: string }) => ref.Ref === roleId),
  );
  const inline = (resources[roleId].Properties?.Policies ?? []).map((p: any) => [p.PolicyName, { Properties: { PolicyDocument: p.PolicyDocument } }]);
  return [...attached, ...inline].map(([name, r]: any) => ({ name, policy: resolve(r.Properties.PolicyDocument, resources) }));
}

export interface Call {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** The resource's own policy (a KMS key policy is authoritative: without it KMS denies). */
  readonly resourcePolicy?: unknown;
  /** Who calls with the role's policies. @default the role, by its logical id */
  readonly principal?: string;
}

/**
 * Session keys the AWS IoT credentials provider adds (IoT Core docs, "Authorizing direct calls to
 * AWS services"): the simulator only admits keys the Service Authorization Reference lists per
 * action, so they are evaluated as a global principal-tag key with the same string semantics.
 */
const SESSION_KEYS: Record<string, string> = { 'credentials-iot:ThingName': 'aws:PrincipalTag/credentials-iot-ThingName' };
const renameSessionKeys = (value: unknown): any => JSON.parse(Object.entries(SESSION_KEYS).reduce((text, [from, to]) => text.split(from).join(to), JSON.stringify(value)));

/** The simulator's verdict for one call by the role: 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'. */
export async function decide(template: Template, roleId: string, call: Call): Promise<string> {
  const result = await runSimulation(
    {
      identityPolicies: renameSessionKeys(rolePolicies(template, roleId)),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(call.resourcePolicy ? { resourcePolicy: call.resourcePolicy } : {}),
      request: {
        principal: call.principal ?? `arn:aws:iam::${ACCOUNT}:role/${roleId}`,
        action: call.action,
        resource: { resource: call.resource, accountId: ACCOUNT },
        contextVariables: renameSessionKeys(call.context ?? {}),
      },
    } as any,
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulating ${call.action} on ${call.resource}: ${JSON.stringify(result.errors)}`);
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  // A context key the simulator drops would make a conditional grant look denied: a test bug.
  if (ignored.length > 0) throw new Error(`simulating ${call.action} on ${call.resource}: context keys not applicable: ${ignored.join(', ')}`);
  return result.overallResult;
}
