import { createHash } from 'crypto';
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { grantArtefactRead } from './artefact-access';
import { RegistryNames } from './registry-names';
import { jobTemplateConfiguration, StagedRollout } from './staged-rollout';

export interface FirmwareJobTemplateProps {
  /** The pilot whose prod blob registry holds the firmware. */
  readonly pilot: string;
  /** The device generation the firmware is for. */
  readonly generation: string;
  /** The pilot component whose prod blobs hold the firmware. */
  readonly component: string;
  /** Firmware version: the blob key is `<component>/<version>/<file>`. */
  readonly version: string;
  /** File name of the image under the version. */
  readonly file: string;
  /** The generation's staged rollout and abort rules. */
  readonly rollout: StagedRollout;
  /**
   * How long the presigned firmware URL in a job document stays valid.
   * @default Duration.hours(1)
   */
  readonly urlExpiry?: Duration;
}

/**
 * An IoT Jobs template for a firmware OTA to one device generation, with that generation's staged
 * rollout and abort rules. The job document points at the firmware in the pilot's prod blob
 * registry through a presigned URL (signed per execution by a role that can read only that file).
 * Operators start a rollout with `aws iot create-job --job-template-arn <arn> --targets <group arn>`.
 */
export class FirmwareJobTemplate extends Construct {
  public readonly template: iot.CfnJobTemplate;

  constructor(scope: Construct, id: string, props: FirmwareJobTemplateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const bucket = RegistryNames.blobBucket(props.pilot, 'prod', stack.account, stack.region);
    const key = `${RegistryNames.blobPrefix(props.component)}${props.version}/${props.file}`;
    const presigner = new iam.Role(this, 'UrlSigner', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Signs the firmware URL of ${props.pilot} ${props.generation} firmware jobs`,
    });
    grantArtefactRead(this, presigner, { owner: props.pilot, tier: 'prod', components: [{ name: props.component, artefacts: ['blob'] }] });

    const document = {
      operation: 'firmware-update',
      pilot: props.pilot,
      generation: props.generation,
      version: props.version,
      url: `\${aws:iot:s3-presigned-url:https://s3.${stack.region}.${RegionInfo.get(stack.region).domainSuffix ?? 'amazonaws.com'}/${bucket}/${key}}`,
    };
    const settings = { Document: JSON.stringify(document), ...jobTemplateConfiguration(props.rollout) };
    // Job templates cannot be updated in place; a new id per content (version included) lets
    // CloudFormation replace them. At most 24 + 1 + 24 + 4 + 8 characters: within IoT's 64.
    const digest = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8);
    this.template = new iot.CfnJobTemplate(this, 'Template', {
      jobTemplateId: `${props.pilot}-${props.generation}-fw-${digest}`,
      description: `${props.pilot} ${props.generation} firmware ${props.version} OTA, staged rollout`,
      document: settings.Document,
      jobExecutionsRolloutConfig: settings.JobExecutionsRolloutConfig,
      abortConfig: settings.AbortConfig,
      timeoutConfig: settings.TimeoutConfig,
      presignedUrlConfig: { RoleArn: presigner.roleArn, ExpiresInSec: (props.urlExpiry ?? Duration.hours(1)).toSeconds() },
    });
    new CfnOutput(this, 'TemplateArn', { value: this.template.attrArn, description: `Firmware job template of ${props.generation}` });
  }
}
