import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { ProvisioningParameters } from '../functions/provisioning-hook';
import { grantScoped } from './artefact-access';
import { EdgeNames } from './edge-names';
import { FleetProvisioning } from './fleet-provisioning';

export interface PilotProvisioningTemplateProps {
  /** Platform name: the template, the shared hook it calls and the pilot's device policies are named from it (EdgeNames). */
  readonly platformName: string;
  /** Pilot name: the template creates this pilot's things only. */
  readonly pilot: string;
}

/**
 * One pilot's fleet provisioning template, in its own stack: IoT runs a template as exactly one
 * role (`provisioningRoleArn`), so a template per pilot is what lets that role name one pilot's
 * things instead of every pilot's (a shared role passed IAM's 10,240 characters of inline policy
 * near 40 pilots, test/limits.test.ts). The template calls the platform's shared pre-provisioning
 * hook by name (FleetProvisioning), which refuses a device of another pilot; then it creates the
 * thing (pilot, generation and serial as attributes) in the group the hook picks, activates the
 * certificate and attaches the pilot's device or sensor policy.
 */
export class PilotProvisioningTemplate extends Construct {
  public readonly template: iot.CfnProvisioningTemplate;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PilotProvisioningTemplateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { platformName, pilot } = props;
    const arn = (resource: string) => `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;
    const templateName = EdgeNames.provisioningTemplate(platformName, pilot);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Creates ${pilot}'s things, certificates and group memberships its fleet provisioning template asks for`,
    });
    // The calls fleet provisioning makes for this template (the actions of the AWS managed policy
    // AWSIoTThingsRegistration that a thing with attributes and groups, an existing certificate and
    // an existing policy need), each on the resource types the Service Authorization Reference
    // lists for it: principal attachments are authorised on the certificate, not the thing.
    grantScoped(
      this.role,
      {
        actions: ['iot:CreateThing', 'iot:DescribeThing', 'iot:UpdateThing', 'iot:ListThingGroupsForThing', 'iot:AddThingToThingGroup', 'iot:UpdateThingGroupsForThing'],
        resources: [arn(`thing/${EdgeNames.thingName(pilot, '*')}`)],
      },
      "only the pilot's things (the hook names each one)",
    );
    grantScoped(
      this.role,
      { actions: ['iot:DescribeThingGroup', 'iot:AddThingToThingGroup', 'iot:UpdateThingGroupsForThing'], resources: [arn(`thinggroup/${EdgeNames.thingGroup(pilot, '*')}`)] },
      "only the pilot's generation and channel groups",
    );
    grantScoped(
      this.role,
      { actions: ['iot:DescribeCertificate', 'iot:UpdateCertificate', 'iot:AttachPolicy', 'iot:AttachThingPrincipal'], resources: [arn('cert/*')] },
      'certificate ids are generated per device at provisioning time',
    );
    // The pilot's own two policies, by name: which of them a certificate gets is the hook's answer.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iot:GetPolicy'],
        resources: [EdgeNames.devicePolicy(platformName, pilot), EdgeNames.sensorPolicy(platformName, pilot)].map((p) => arn(`policy/${p}`)),
      }),
    );

    const parameter = { Type: 'String' };
    this.template = new iot.CfnProvisioningTemplate(this, 'Template', {
      templateName,
      description: `Claim certificate -> device certificate, thing and thing group, for ${pilot}'s devices that passed factory test`,
      enabled: true,
      provisioningRoleArn: this.role.roleArn,
      // IoT checks it may invoke the hook when the template is created: Platform-Edge comes first (a stack dependency).
      preProvisioningHook: { targetArn: FleetProvisioning.hookArn(this, platformName), payloadVersion: '2020-04-01' },
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
    new CfnOutput(this, 'TemplateName', { value: templateName, description: 'Fleet provisioning plugin of this pilot\'s devices: provisioningTemplate' });
  }
}
