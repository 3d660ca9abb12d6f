import { createHash } from 'crypto';
import { CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
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
  /** Firmware version the jobs install. */
  readonly version: string;
  /**
   * Version devices go back to when a job is cancelled; the job document carries it.
   * @default - none: the device keeps its previous image (its own A/B fallback)
   */
  readonly rollbackVersion?: string;
  /** The generation's hardware architecture: the image is `<generation>/<architecture>/<file>` under the version. */
  readonly architecture: string;
  /** File name of the image. */
  readonly file: string;
  /** Thing groups a job from this template is for (output as the `--targets` of create-job). */
  readonly targets: readonly iot.CfnThingGroup[];
  /** Whether devices must take it whatever their owner chose (recorded in the job document). @default false */
  readonly critical?: boolean;
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
 * registry through a presigned URL (signed per execution by a role that reads only that component's
 * prod blobs). With a `rollbackVersion`, a second template installs that version (same rollout, no
 * abort criteria: a rollback runs to the end); RolloutRollback starts it for the devices that had
 * succeeded when a job from the first template is cancelled.
 * Operators start a rollout with `aws iot create-job --job-template-arn <arn> --targets <group arn>`.
 */
export class FirmwareJobTemplate extends Construct {
  public readonly template: iot.CfnJobTemplate;
  /** Installs `rollbackVersion` (undefined without one). */
  public readonly rollbackTemplate?: iot.CfnJobTemplate;

  constructor(scope: Construct, id: string, props: FirmwareJobTemplateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const presigner = new iam.Role(this, 'UrlSigner', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Signs the firmware URL of ${props.pilot} ${props.generation} firmware jobs`,
    });
    grantArtefactRead(this, presigner, { owner: props.pilot, tier: 'prod', components: [{ name: props.component, artefacts: ['blob'] }] });

    this.template = jobTemplate(this, 'Template', props, props.version, presigner.roleArn);
    if (props.rollbackVersion) this.rollbackTemplate = jobTemplate(this, 'RollbackTemplate', props, props.rollbackVersion, presigner.roleArn, props.version);
    new CfnOutput(this, 'TemplateArn', { value: this.template.attrArn, description: `Firmware job template of ${props.generation}` });
    if (this.rollbackTemplate) {
      new CfnOutput(this, 'RollbackTemplateArn', { value: this.rollbackTemplate.attrArn, description: `Job template installing ${props.rollbackVersion} on ${props.generation} (rollback of ${props.version})` });
    }
    new CfnOutput(this, 'Targets', {
      value: Fn.join(' ', props.targets.map((g) => g.attrArn)),
      description: `create-job --targets for ${props.generation} firmware ${props.version} (${props.critical ? 'critical: every device' : 'the devices whose owner accepts it'})`,
    });
  }
}

/**
 * A job template installing `version`; `rollbackOf` makes it the rollback of that version: every
 * device it targets takes it (critical) and no abort criteria stop it halfway.
 */
function jobTemplate(scope: Construct, id: string, props: FirmwareJobTemplateProps, version: string, presignerArn: string, rollbackOf?: string): iot.CfnJobTemplate {
  const stack = Stack.of(scope);
  const bucket = RegistryNames.blobBucket(props.pilot, 'prod', stack.account, stack.region);
  const document = {
    operation: 'firmware-update',
    pilot: props.pilot,
    generation: props.generation,
    version,
    critical: rollbackOf ? true : (props.critical ?? false),
    ...(rollbackOf ? { rollbackOf } : props.rollbackVersion ? { rollbackVersion: props.rollbackVersion } : {}),
    // IoT Jobs replaces the placeholder with a URL presigned (SigV4) per execution.
    url: `\${aws:iot:s3-presigned-url-v2:https://s3.${stack.region}.${RegionInfo.get(stack.region).domainSuffix ?? 'amazonaws.com'}/${bucket}/${firmwareKey({ ...props, version })}}`,
  };
  const { AbortConfig, ...rollout } = jobTemplateConfiguration(props.rollout);
  const settings: { Document: string; AbortConfig?: object } & typeof rollout = rollbackOf
    ? { Document: JSON.stringify(document), ...rollout }
    : { Document: JSON.stringify(document), ...jobTemplateConfiguration(props.rollout) };
  // Job templates cannot be updated in place; a new id per content (version included) lets
  // CloudFormation replace them. At most 24 + 1 + 24 + 4 + 8 characters: within IoT's 64.
  const digest = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8);
  return new iot.CfnJobTemplate(scope, id, {
    jobTemplateId: `${props.pilot}-${props.generation}-${rollbackOf ? 'rb' : 'fw'}-${digest}`,
    description: rollbackOf
      ? `${props.pilot} ${props.generation} firmware back to ${version} (rollback of ${rollbackOf})`
      : `${props.pilot} ${props.generation} firmware ${version} OTA, staged rollout`,
    document: settings.Document,
    jobExecutionsRolloutConfig: settings.JobExecutionsRolloutConfig,
    abortConfig: settings.AbortConfig,
    timeoutConfig: settings.TimeoutConfig,
    presignedUrlConfig: { RoleArn: presignerArn, ExpiresInSec: (props.urlExpiry ?? Duration.hours(1)).toSeconds() },
  });
}

/**
 * Where the component pipeline publishes a generation's firmware, as the prod blob key:
 * `<component>/<version>/<generation>/<architecture>/<file>` (the dev key, promoted unchanged).
 */
export function firmwareKey(f: { readonly component: string; readonly version: string; readonly generation: string; readonly architecture: string; readonly file: string }): string {
  return `${RegistryNames.blobPrefix(f.component)}${f.version}/${f.generation}/${f.architecture}/${f.file}`;
}
