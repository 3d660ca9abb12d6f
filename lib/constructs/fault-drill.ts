import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** One FIS target: which resources an action hits (FIS target schema). */
export interface FaultDrillTarget {
  /** FIS resource type, e.g. `aws:ecs:task`. */
  readonly resourceType: string;
  /** `ALL`, `COUNT(n)` or `PERCENT(n)`. */
  readonly selectionMode: string;
  /** @default - none */
  readonly resourceArns?: readonly string[];
  /** @default - none */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly filters?: readonly { readonly path: string; readonly values: readonly string[] }[];
}

export interface FaultDrillProps {
  /** What the drill does and what it must show (also the template's description). */
  readonly description: string;
  /** FIS action id, e.g. `aws:ecs:stop-task`. */
  readonly actionId: string;
  /** @default - none */
  readonly actionParameters?: Readonly<Record<string, string>>;
  /**
   * The action's target, under the key the action expects (`Tasks`, `Instances`, `Nodegroups`).
   * @default - an action without targets (e.g. an SSM automation)
   */
  readonly target?: { readonly key: string; readonly target: FaultDrillTarget };
  /** The alarm whose firing stops the drill: the platform did not recover in time. */
  readonly stopAlarm: cloudwatch.IAlarm;
  /** What FIS needs to run the action, as narrow as the action allows. */
  readonly permissions: readonly iam.PolicyStatement[];
  /**
   * Why a permission's wildcard resource cannot be narrower, by that resource (cdk-nag IAM5).
   * @default - no wildcard resources
   */
  readonly wildcards?: Readonly<Record<string, string>>;
}

/** A resource ARN as cdk-nag writes it in a finding: an unresolved partition shows as `<AWS::Partition>`. */
function nagResource(stack: Stack, resource: string): string {
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  return resource.replace(stack.partition, partition);
}

/**
 * A game-day fault as code: an AWS Fault Injection Service experiment template with its own role and
 * a stop condition on an operator alarm. Nothing runs until an operator starts the experiment.
 */
export class FaultDrill extends Construct {
  public readonly template: fis.CfnExperimentTemplate;

  constructor(scope: Construct, id: string, props: FaultDrillProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `FIS: ${props.description}`.slice(0, 1000),
    });
    props.permissions.forEach((statement) => role.addToPolicy(statement));
    for (const [resource, reason] of Object.entries(props.wildcards ?? {})) {
      Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResource(stack, resource)}]`, reason });
    }
    const target = props.target?.target;
    this.template = new fis.CfnExperimentTemplate(this, 'Template', {
      description: props.description.slice(0, 512),
      roleArn: role.roleArn,
      actions: {
        fault: {
          actionId: props.actionId,
          parameters: props.actionParameters ? { ...props.actionParameters } : undefined,
          targets: props.target ? { [props.target.key]: 'target' } : undefined,
        },
      },
      targets: target
        ? {
            target: {
              resourceType: target.resourceType,
              selectionMode: target.selectionMode,
              resourceArns: target.resourceArns ? [...target.resourceArns] : undefined,
              resourceTags: target.resourceTags ? { ...target.resourceTags } : undefined,
              parameters: target.parameters ? { ...target.parameters } : undefined,
              filters: target.filters?.map((f) => ({ path: f.path, values: [...f.values] })),
            },
          }
        : {},
      stopConditions: [{ source: 'aws:cloudwatch:alarm', value: props.stopAlarm.alarmArn }],
      tags: { Name: id },
    });
  }
}
