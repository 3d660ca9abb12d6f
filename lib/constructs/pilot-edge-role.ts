import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantScoped } from './artefact-access';
import { EdgeNames, PilotRolePurpose } from './edge-names';

export interface PilotEdgeRoleProps {
  /** Platform name: the role's path and name, and the shared role it trusts, start with it. */
  readonly platformName: string;
  /** Pilot name: the role acts on its things only. */
  readonly pilot: string;
  /** Which shared function assumes it. */
  readonly purpose: PilotRolePurpose;
  /** What the role may do (its description). */
  readonly description: string;
}

/** ARN of the role `name` on the platform's edge-pilot path (`name` may be a pattern or empty, for a prefix). */
function pilotRoleArn(scope: Construct, platformName: string, name: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:iam::${stack.account}:role${EdgeNames.pilotRolePath(platformName)}${name}`;
}

/**
 * One pilot's grants for a shared edge function (Platform-Edge), in the pilot's own stack: a
 * shared role naming every pilot's things would pass IAM's 10,240 characters of inline policy near
 * 40 to 80 pilots (test/limits.test.ts). Named by convention on the platform's edge-pilot path and
 * trusting only the shared function's role, by name: the account is the principal and
 * `aws:PrincipalArn` the condition, so neither stack needs the other deployed first.
 */
export class PilotEdgeRole extends Construct {
  public readonly role: iam.Role;

  /**
   * Lets the shared function assume the pilots' roles of its purpose, and nothing else: a constant
   * size at any pilot count. Least privilege: only roles on the platform's edge-pilot path with its
   * purpose in the name match, and each of them trusts only this function's role.
   */
  static grantAssume(grantee: iam.IGrantable & Construct, platformName: string, purpose: PilotRolePurpose): void {
    grantScoped(
      grantee,
      { actions: ['sts:AssumeRole'], resources: [pilotRoleArn(grantee, platformName, EdgeNames.pilotRole(platformName, '*', purpose))] },
      `the pilots' ${purpose} roles (one per pilot, in its Pilot-<pilot>-Edge stack), each trusting only this function's role`,
    );
  }

  /** ARN prefix of the pilots' roles (the handler appends EdgeNames.pilotRole). */
  static arnPrefix(scope: Construct, platformName: string): string {
    return pilotRoleArn(scope, platformName, '');
  }

  constructor(scope: Construct, id: string, props: PilotEdgeRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const shared = `arn:${stack.partition}:iam::${stack.account}:role/${EdgeNames.sharedRole(props.platformName, props.purpose)}`;
    this.role = new iam.Role(this, 'Role', {
      roleName: EdgeNames.pilotRole(props.platformName, props.pilot, props.purpose),
      path: EdgeNames.pilotRolePath(props.platformName),
      assumedBy: new iam.AccountPrincipal(stack.account).withConditions({ ArnEquals: { 'aws:PrincipalArn': shared } }),
      description: props.description,
    });
  }
}
