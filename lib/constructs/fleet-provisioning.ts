import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { EdgeNames } from './edge-names';
import { FactoryTestRecords } from './factory-test-records';
import { PlatformFunction } from './platform-function';

export interface FleetProvisioningProps {
  /**
   * Platform name: the hook's name, and the names of the pilots' templates it serves and the claim
   * certificate may use (EdgeNames), start with it.
   */
  readonly namePrefix: string;
  /**
   * Per pilot its template, per generation the group a new device joins, and the pilot's device
   * policies (which the certificates get); the hook refuses anything else.
   */
  readonly fleets: FleetDirectory;
  /** Test records the hook checks. */
  readonly testRecords: FactoryTestRecords;
  /** Key of the functions' log groups. */
  readonly logKey: kms.IKey;
}

/**
 * The shared half of fleet provisioning by claim: a device holding the platform's claim certificate
 * asks its pilot's template (PilotProvisioningTemplate, in Pilot-<pilot>-Edge) for its own
 * certificate; this pre-provisioning hook admits only serials with a passing factory test record,
 * asked for through their own pilot's template, and names the thing, its group and its pilot's
 * device policy. Neither grows with the pilots: the hook's invoke permission and the claim policy
 * cover the pilots' templates by their naming convention.
 */
export class FleetProvisioning extends Construct {
  /** ARN of the platform's hook, which each pilot's template names (the function has a fixed name). */
  static hookArn(scope: Construct, platformName: string): string {
    const stack = Stack.of(scope);
    return `arn:${stack.partition}:lambda:${stack.region}:${stack.account}:function:${EdgeNames.provisioningHook(platformName)}`;
  }

  public readonly hook: PlatformFunction;
  /** The hook's function name (EdgeNames.provisioningHook). */
  public readonly hookName: string;
  public readonly claimPolicy: iot.CfnPolicy;

  constructor(scope: Construct, id: string, props: FleetProvisioningProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (resource: string) => `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;
    const templates = EdgeNames.provisioningTemplate(props.namePrefix, '*');

    this.hookName = EdgeNames.provisioningHook(props.namePrefix);
    this.hook = new PlatformFunction(this, 'Hook', {
      logKey: props.logKey,
      module: 'provisioning-hook',
      functionName: this.hookName,
      description: 'Admits only serials with a passing factory test record to fleet provisioning',
      ...fleetDirectoryBundle(props.fleets, { TABLE_NAME: props.testRecords.table.tableName }),
    });
    props.testRecords.grantRead(this.hook);
    // It records the identity it admits (a conditional put), so a serial provisions once.
    props.testRecords.grantAdd(this.hook);
    // Every pilot's template of this platform, in this account: Lambda compares SourceArn with
    // StringLike (AddPermission), so the pattern stays one statement at any pilot count.
    this.hook.addPermission('InvokedByIot', {
      principal: new iam.ServicePrincipal('iot.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: arn(`provisioningtemplate/${templates}`),
    });

    // The claim certificate is shared by every device on the line: it may only ask for a
    // certificate, through a template of this platform (which one, the hook checks against the pilot).
    this.claimPolicy = new iot.CfnPolicy(this, 'ClaimPolicy', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/${iot:ClientId}') },
          {
            Effect: 'Allow',
            Action: ['iot:Publish', 'iot:Receive'],
            Resource: [arn('topic/$aws/certificates/create/*'), arn(`topic/$aws/provisioning-templates/${templates}/provision/*`)],
          },
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: [arn('topicfilter/$aws/certificates/create/*'), arn(`topicfilter/$aws/provisioning-templates/${templates}/provision/*`)],
          },
        ],
      },
    });
    new CfnOutput(this, 'ClaimPolicyName', { value: this.claimPolicy.ref, description: 'Attach to the claim certificate' });
  }
}
