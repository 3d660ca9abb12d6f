/**
 * Rolls a golden image out only when it is clean: on Image Builder's "image available" event, the
 * image's Inspector scan must be COMPLETED with no CRITICAL finding; then its AMI id (agents) or
 * digest URI (controller) becomes the SSM parameter's value. Otherwise the parameter keeps the
 * previous image and the log says why.
 */

/** What each rolled-out image feeds: the image's name (recipe name) -> its SSM parameter. */
export interface RolloutTarget {
  readonly parameterName: string;
  readonly kind: 'ami' | 'container';
}

export interface ImageFacts {
  /** The image's recipe name (Image Builder image name). */
  readonly name: string;
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
    if (!imageArn || event.detail?.state?.status !== 'AVAILABLE') return refuse(`event is not an available image (status ${event.detail?.state?.status ?? 'none'})`);
    const image = await ports.getImage(imageArn);
    const target = targets[image.name];
    if (!target) return refuse(`image ${image.name} feeds no parameter`);
    if (image.scanStatus !== 'COMPLETED') return refuse(`scan of ${imageArn} is ${image.scanStatus ?? 'missing'}${image.scanReason ? `: ${image.scanReason}` : ''}; ${target.parameterName} keeps the previous image`);
    const critical = await ports.criticalFindings(imageArn);
    if (critical.length > 0) return refuse(`${critical.length} critical finding(s) in ${imageArn} (${critical.slice(0, 10).join(', ')}); ${target.parameterName} keeps the previous image`);
    const value = target.kind === 'ami' ? image.amis.find((a) => a.region === region)?.image : image.containerUris[0] && (await ports.digestUri(image.containerUris[0]));
    if (!value) return refuse(`image ${imageArn} has no ${target.kind === 'ami' ? `AMI in ${region}` : 'digest URI'}`);
    await ports.putParameter(target.parameterName, value, target.kind);
    ports.log('image rolled out', { imageArn, parameter: target.parameterName, value });
    return { rolledOut: true, parameter: target.parameterName, value };
  };
}
