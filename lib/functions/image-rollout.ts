/**
 * Rolls a golden image out only when it is clean: on Image Builder's image state change (available,
 * failed, cancelled), the image must be AVAILABLE and its Inspector scan COMPLETED with no CRITICAL
 * finding; then its AMI id (agents) or digest URI (controller) becomes the SSM parameter's value
 * and the image carries the in-use tag (the lifecycle policy never deletes it), moved off the
 * image that had it. Otherwise the parameter keeps the previous image and the log says why. Each
 * outcome is also signalled to the first deploy's wait condition (ignored once that completed).
 */
import type { WaitConditionSignal } from './cloudformation-reply';

/** The tag on the image build a parameter names: lifecycle policies exclude images carrying it. */
export const IN_USE_TAG = { key: 'iiot:in-use', value: 'true' } as const;

/** What each rolled-out image feeds: the image's name (recipe name) -> its SSM parameter. */
export interface RolloutTarget {
  readonly parameterName: string;
  readonly kind: 'ami' | 'container';
}

export interface ImageFacts {
  /** The image's recipe name (Image Builder image name). */
  readonly name: string;
  /** Image Builder image status (AVAILABLE, FAILED, ...) and its reason. */
  readonly status?: string;
  readonly statusReason?: string;
  readonly scanStatus?: string;
  readonly scanReason?: string;
  /** AMI ids per region, or container image URIs. */
  readonly amis: readonly { readonly region?: string; readonly image?: string }[];
  readonly containerUris: readonly string[];
}

export interface RolloutPorts {
  getImage(imageArn: string): Promise<ImageFacts>;
  /** Vulnerability ids of CRITICAL findings of this image build version. */
  criticalFindings(imageArn: string): Promise<readonly string[]>;
  /** The digest URI (`<repository uri>@sha256:...`) of a pushed container image URI (tag form). */
  digestUri(imageUri: string): Promise<string | undefined>;
  putParameter(name: string, value: string, kind: RolloutTarget['kind']): Promise<void>;
  /** Build version ARNs of the image `name` that carry the in-use tag. */
  inUseBuilds(name: string): Promise<readonly string[]>;
  setInUse(imageArn: string, inUse: boolean): Promise<void>;
  signal(signal: WaitConditionSignal): Promise<void>;
  log(message: string, fields: Record<string, unknown>): void;
}

export interface ImageStateEvent {
  readonly 'detail-type'?: string;
  readonly resources?: readonly string[];
  readonly detail?: { readonly state?: { readonly status?: string } };
}

export type RolloutResult = { readonly rolledOut: false; readonly reason: string } | { readonly rolledOut: true; readonly parameter: string; readonly value: string };

export function imageRollout(targets: Readonly<Record<string, RolloutTarget>>, region: string, ports: RolloutPorts) {
  return async (event: ImageStateEvent): Promise<RolloutResult> => {
    const imageArn = event.resources?.[0];
    const refuse = (reason: string): RolloutResult => {
      ports.log('image not rolled out', { imageArn, reason });
      return { rolledOut: false, reason };
    };
    if (!imageArn) return refuse('the event names no image');
    const image = await ports.getImage(imageArn);
    const target = targets[image.name];
    if (!target) return refuse(`image ${image.name} feeds no parameter`);
    const decline = async (why: string): Promise<RolloutResult> => {
      const reason = `${why}; ${target.parameterName} keeps the previous image`;
      await ports.signal({ Status: 'FAILURE', Reason: reason, UniqueId: image.name, Data: imageArn });
      return refuse(reason);
    };
    if (image.status !== 'AVAILABLE') return decline(`build ${imageArn} is ${image.status ?? 'unknown'}${image.statusReason ? `: ${image.statusReason}` : ''}`);
    if (image.scanStatus !== 'COMPLETED') return decline(`scan of ${imageArn} is ${image.scanStatus ?? 'missing'}${image.scanReason ? `: ${image.scanReason}` : ''}`);
    const critical = await ports.criticalFindings(imageArn);
    if (critical.length > 0) return decline(`${critical.length} critical finding(s) in ${imageArn} (${critical.slice(0, 10).join(', ')})`);
    const value = target.kind === 'ami' ? image.amis.find((a) => a.region === region)?.image : image.containerUris[0] && (await ports.digestUri(image.containerUris[0]));
    if (!value) return decline(`image ${imageArn} has no ${target.kind === 'ami' ? `AMI in ${region}` : 'digest URI'}`);
    // Tagged before the parameter names it, untagged after it no longer does: never unprotected in use.
    await ports.setInUse(imageArn, true);
    await ports.putParameter(target.parameterName, value, target.kind);
    for (const previous of await ports.inUseBuilds(image.name)) if (previous !== imageArn) await ports.setInUse(previous, false);
    ports.log('image rolled out', { imageArn, parameter: target.parameterName, value });
    await ports.signal({ Status: 'SUCCESS', Reason: `${target.parameterName} = ${value}`, UniqueId: image.name, Data: value });
    return { rolledOut: true, parameter: target.parameterName, value };
  };
}
