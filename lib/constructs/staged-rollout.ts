import { Duration } from 'aws-cdk-lib';
import { CfnDeployment } from 'aws-cdk-lib/aws-greengrassv2';
import { JobFailureType } from '../config/schema';

/**
 * A staged OTA rollout: start with a few devices per minute, grow the rate by a factor each time
 * enough devices were notified (or succeeded), cancel when too many fail. One model for Greengrass
 * deployments and IoT firmware jobs, which take the same numbers in two CloudFormation shapes.
 * The config schema has already checked CloudFormation's limits.
 */
export interface StagedRollout {
  /** Devices notified per minute at the start. */
  readonly baseRatePerMinute: number;
  /** Factor the rate grows by (one decimal). */
  readonly incrementFactor: number;
  /** The rate grows after this many devices were notified, or succeeded. */
  readonly rateIncrease: { readonly notifiedThings?: number; readonly succeededThings?: number };
  /** Ceiling on the rate. */
  readonly maximumPerMinute: number;
  /** How long one device may stay in progress before its execution times out. */
  readonly inProgressTimeout: Duration;
  /** Cancel the rollout when, after `minExecutedThings`, this percentage failed this way. */
  readonly abort: readonly { readonly failureType: JobFailureType; readonly thresholdPercentage: number; readonly minExecutedThings: number }[];
}

/** Rate-increase criteria are untyped in aws-cdk-lib, so they are written in CloudFormation's own casing. */
function rateIncreaseCriteria(rollout: StagedRollout): Record<string, number> {
  const { notifiedThings, succeededThings } = rollout.rateIncrease;
  return notifiedThings !== undefined ? { NumberOfNotifiedThings: notifiedThings } : { NumberOfSucceededThings: succeededThings ?? 1 };
}

function abortCriteria(rollout: StagedRollout) {
  return rollout.abort.map((c) => ({ action: 'CANCEL', failureType: c.failureType, thresholdPercentage: c.thresholdPercentage, minNumberOfExecutedThings: c.minExecutedThings }));
}

/** The rollout as a Greengrass deployment's IoT job configuration. */
export function greengrassJobConfiguration(rollout: StagedRollout): CfnDeployment.DeploymentIoTJobConfigurationProperty {
  return {
    jobExecutionsRolloutConfig: {
      exponentialRate: {
        baseRatePerMinute: rollout.baseRatePerMinute,
        incrementFactor: rollout.incrementFactor,
        rateIncreaseCriteria: rateIncreaseCriteria(rollout),
      },
      maximumPerMinute: rollout.maximumPerMinute,
    },
    abortConfig: { criteriaList: abortCriteria(rollout) },
    timeoutConfig: { inProgressTimeoutInMinutes: rollout.inProgressTimeout.toMinutes() },
  };
}

/**
 * The rollout as an IoT job template's rollout, abort and timeout settings. These properties are
 * untyped (`any`) in aws-cdk-lib and pass through verbatim, hence CloudFormation's casing.
 */
export function jobTemplateConfiguration(rollout: StagedRollout): Record<'JobExecutionsRolloutConfig' | 'AbortConfig' | 'TimeoutConfig', object> {
  return {
    JobExecutionsRolloutConfig: {
      ExponentialRolloutRate: {
        BaseRatePerMinute: rollout.baseRatePerMinute,
        IncrementFactor: rollout.incrementFactor,
        RateIncreaseCriteria: rateIncreaseCriteria(rollout),
      },
      MaximumPerMinute: rollout.maximumPerMinute,
    },
    AbortConfig: {
      CriteriaList: abortCriteria(rollout).map((c) => ({
        Action: c.action,
        FailureType: c.failureType,
        ThresholdPercentage: c.thresholdPercentage,
        MinNumberOfExecutedThings: c.minNumberOfExecutedThings,
      })),
    },
    TimeoutConfig: { InProgressTimeoutInMinutes: rollout.inProgressTimeout.toMinutes() },
  };
}
