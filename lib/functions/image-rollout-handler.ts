/** Lambda entry of the image rollout gate: AWS SDK adapters around lib/functions/image-rollout.ts. */
import {
  GetImageCommand, ImagebuilderClient, ListImageBuildVersionsCommand, ListImagesCommand, ListImageScanFindingsCommand, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-imagebuilder';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { putPresigned } from './cloudformation-reply';
import { lazy } from './lazy-handler';
import { IN_USE_TAG, imageRollout, ImageStateEvent, RolloutResult, RolloutTarget } from './image-rollout';

export const handler = lazy<ImageStateEvent, RolloutResult>(() => {
  const imagebuilder = new ImagebuilderClient({});
  const ssm = new SSMClient({});
  const ecr = new ECRClient({});
  const targets = JSON.parse(process.env.TARGETS ?? '{}') as Record<string, RolloutTarget>;
  const firstImageSignals = JSON.parse(process.env.FIRST_IMAGE_SIGNALS ?? '{}') as Record<string, string>;
  const log = (message: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ message, ...fields }));
  return imageRollout(targets, process.env.AWS_REGION ?? '', {
    async getImage(imageArn) {
      const { image } = await imagebuilder.send(new GetImageCommand({ imageBuildVersionArn: imageArn }));
      return {
        name: image?.name ?? '',
        status: image?.state?.status,
        statusReason: image?.state?.reason,
        scanStatus: image?.scanState?.status,
        scanReason: image?.scanState?.reason,
        amis: (image?.outputResources?.amis ?? []).map((a) => ({ region: a.region, image: a.image })),
        containerUris: (image?.outputResources?.containers ?? []).flatMap((c) => c.imageUris ?? []),
      };
    },
    async criticalFindings(imageArn) {
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        // The API takes exactly one filter: the build version; severity is checked here.
        const page = await imagebuilder.send(new ListImageScanFindingsCommand({ filters: [{ name: 'imageBuildVersionArn', values: [imageArn] }], nextToken }));
        for (const f of page.findings ?? []) if (f.severity === 'CRITICAL') ids.push(f.packageVulnerabilityDetails?.vulnerabilityId ?? f.title ?? 'unnamed');
        nextToken = page.nextToken;
      } while (nextToken);
      return ids;
    },
    async digestUri(imageUri) {
      // <registry>/<repository>:<tag>, the form Image Builder reports its pushes in.
      const match = /^([^/]+)\/([^:@]+):([^:@]+)$/.exec(imageUri);
      if (!match) return undefined;
      const [, registry, repositoryName, imageTag] = match;
      const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag }] }));
      const digest = imageDetails?.[0]?.imageDigest;
      return digest ? `${registry}/${repositoryName}@${digest}` : undefined;
    },
    async putParameter(name, value, kind) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true, DataType: kind === 'ami' ? 'aws:ec2:image' : 'text' }));
    },
    async inUseBuilds(name) {
      const builds: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await imagebuilder.send(new ListImagesCommand({ owner: 'Self', filters: [{ name: 'name', values: [name] }], nextToken }));
        for (const version of page.imageVersionList ?? []) {
          let buildToken: string | undefined;
          do {
            const versionBuilds = await imagebuilder.send(new ListImageBuildVersionsCommand({ imageVersionArn: version.arn, nextToken: buildToken }));
            for (const b of versionBuilds.imageSummaryList ?? []) if (b.arn && b.tags?.[IN_USE_TAG.key] === IN_USE_TAG.value) builds.push(b.arn);
            buildToken = versionBuilds.nextToken;
          } while (buildToken);
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return builds;
    },
    async setInUse(resourceArn, inUse) {
      if (inUse) await imagebuilder.send(new TagResourceCommand({ resourceArn, tags: { [IN_USE_TAG.key]: IN_USE_TAG.value } }));
      else await imagebuilder.send(new UntagResourceCommand({ resourceArn, tagKeys: [IN_USE_TAG.key] }));
    },
    async signal(signal) {
      const url = firstImageSignals[signal.UniqueId];
      if (!url) return;
      // Best effort: after the first deploy the wait condition is complete and ignores signals (its URL expires after a day).
      await putPresigned(url, signal).catch((e: Error) => log('first-image signal not delivered', { uniqueId: signal.UniqueId, error: e.message }));
    },
    log,
  });
});
