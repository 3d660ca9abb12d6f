import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { FleetDirectory, fleetDirectoryBundle } from '../functions/fleet-directory';
import { ProvisioningParameters } from '../functions/provisioning-hook';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { FactoryTestRecords } from './factory-test-records';
import { PlatformFunction } from './platform-function';

export interface FleetProvisioningProps {
  /**
   * Platform name: the template's name starts with it (the Greengrass fleet provisioning plugin
   * is configured with the name), and so do the pilots' device policies' names (EdgeNames).
   */
  readonly namePrefix: string;
  /**
   * Per pilot and generation, the group a new device joins, and the pilot's device policies
   * (which the certificates get); the hook refuses anything else.
   */
  readonly fleets: FleetDirectory;
  /** Test records the hook checks. */
  readonly testRecords: FactoryTestRecords;
  /** Key of the functions' log groups. */
  readonly logKey: kms.IKey;
}

/**
 * Fleet provisioning by claim: a device holding the shared claim certificate asks for its own
 * certificate; the pre-provisioning hook admits only serials with a passing factory test record
 * and names the thing, its group and its pilot's device policy; the template then creates the thing
 * (pilot, generation and serial as attributes), activates the certificate and attaches that policy.
 */
export class FleetProvisioning extends Construct {
  public readonly template: iot.CfnProvisioningTemplate;
  public readonly claimPolicy: iot.CfnPolicy;

  constructor(scope: Construct, id: string, props: FleetProvisioningProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const templateName = `${props.namePrefix}-edge-fleet`;
    const arn = (resource: string) => `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;
    const pilots = Object.keys(props.fleets);

    const hook = new PlatformFunction(this, 'Hook', {
      logKey: props.logKey,
      module: 'provisioning-hook',
      description: 'Admits only serials with a passing factory test record to fleet provisioning',
      ...fleetDirectoryBundle(props.fleets, { TABLE_NAME: props.testRecords.table.tableName }),
    });
    props.testRecords.grantRead(hook);
    // It records the identity it admits (a conditional put), so a serial provisions once.
    props.testRecords.grantAdd(hook);
    hook.addPermission('InvokedByIot', {
      principal: new iam.ServicePrincipal('iot.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: arn(`provisioningtemplate/${templateName}`),
    });

    const role = new iam.Role(this, 'ProvisioningRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'Creates the things, certificates and group memberships fleet provisioning asks for',
    });
    // The calls fleet provisioning makes for this template (the actions of the AWS managed policy
    // AWSIoTThingsRegistration that a thing with attributes and groups, an existing certificate and
    // an existing policy need), each on the resource types the Service Authorization Reference
    // lists for it: principal attachments are authorised on the certificate, not the thing.
    grantScoped(
      role,
      {
        actions: ['iot:CreateThing', 'iot:DescribeThing', 'iot:UpdateThing', 'iot:ListThingGroupsForThing', 'iot:AddThingToThingGroup', 'iot:UpdateThingGroupsForThing'],
        resources: pilots.map((p) => arn(`thing/${EdgeNames.thingName(p, '*')}`)),
      },
      "things of the pilots' fleets, named by the hook",
    );
    grantScoped(
      role,
      {
        actions: ['iot:DescribeThingGroup', 'iot:AddThingToThingGroup', 'iot:UpdateThingGroupsForThing'],
        resources: pilots.map((p) => arn(`thinggroup/${EdgeNames.thingGroup(p, '*')}`)),
      },
      "the pilots' generation and channel groups",
    );
    grantScoped(
      role,
      { actions: ['iot:DescribeCertificate', 'iot:UpdateCertificate', 'iot:AttachPolicy', 'iot:AttachThingPrincipal'], resources: [arn('cert/*')] },
      'certificate ids are generated per device at provisioning time',
    );
    // The pilots' policies are in their own stacks: named, never referenced. One pattern per kind,
    // not one ARN per pilot (IAM's 10,240 characters per role, test/limits.test.ts); GetPolicy only
    // reads, and which policy a certificate gets is the hook's answer from the fleet directory.
    grantScoped(
      role,
      { actions: ['iot:GetPolicy'], resources: [EdgeNames.devicePolicy(props.namePrefix, '*'), EdgeNames.sensorPolicy(props.namePrefix, '*')].map((p) => arn(`policy/${p}`)) },
      "the platform's device and sensor policies, by their naming convention",
    );

    const parameter = { Type: 'String' };
    this.template = new iot.CfnProvisioningTemplate(this, 'Template', {
      templateName,
      description: 'Claim certificate -> device certificate, thing and thing group, for devices that passed factory test',
      enabled: true,
      provisioningRoleArn: role.roleArn,
      preProvisioningHook: { targetArn: hook.functionArn, payloadVersion: '2020-04-01' },
      templateBody: stack.toJsonString({
        Parameters: {
          [ProvisioningParameters.serial]: parameter,
          [ProvisioningParameters.pilot]: parameter,
          [ProvisioningParameters.generation]: parameter,
          [ProvisioningParameters.thingName]: parameter,
          [ProvisioningParameters.thingGroup]: parameter,
          [ProvisioningParameters.devicePolicy]: parameter,
          'AWS::IoT::Certificate::Id': parameter,
        },
        Resources: {
          thing: {
            Type: 'AWS::IoT::Thing',
            OverrideSettings: { AttributePayload: 'REPLACE', ThingGroups: 'REPLACE' },
            Properties: {
              ThingName: { Ref: ProvisioningParameters.thingName },
              AttributePayload: {
                serial: { Ref: ProvisioningParameters.serial },
                pilot: { Ref: ProvisioningParameters.pilot },
                generation: { Ref: ProvisioningParameters.generation },
              },
              ThingGroups: [{ Ref: ProvisioningParameters.thingGroup }],
            },
          },
          certificate: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' } },
          policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: { Ref: ProvisioningParameters.devicePolicy } } },
        },
      }),
    });
    // IoT checks it may invoke the hook when the template is created.
    this.template.node.addDependency(hook);

    // The claim certificate is shared by every device on the line: it may only ask for a certificate.
    this.claimPolicy = new iot.CfnPolicy(this, 'ClaimPolicy', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/${iot:ClientId}') },
          {
            Effect: 'Allow',
            Action: ['iot:Publish', 'iot:Receive'],
            Resource: [arn('topic/$aws/certificates/create/*'), arn(`topic/$aws/provisioning-templates/${templateName}/provision/*`)],
          },
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: [arn('topicfilter/$aws/certificates/create/*'), arn(`topicfilter/$aws/provisioning-templates/${templateName}/provision/*`)],
          },
        ],
      },
    });
    new CfnOutput(this, 'TemplateName', { value: templateName, description: 'Fleet provisioning plugin: provisioningTemplate' });
    new CfnOutput(this, 'ClaimPolicyName', { value: this.claimPolicy.ref, description: 'Attach to the claim certificate' });
  }
}
