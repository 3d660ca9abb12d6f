/** Lambda entry of the image rollout gate: AWS SDK adapters around lib/functions/image-rollout.ts. */
import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { lazy } from './lazy-handler';
import { imageRollout, ImageStateEvent, RolloutResult, RolloutTarget } from './image-rollout';

export const handler = lazy<ImageStateEvent, RolloutResult>(() => {
  const imagebuilder = new ImagebuilderClient({});
  const ssm = new SSMClient({});
  const ecr = new ECRClient({});
  const targets = JSON.parse(process.env.TARGETS ?? '{}') as Record<string, RolloutTarget>;
  return imageRollout(targets, process.env.AWS_REGION ?? '', {
    async getImage(imageArn) {
      const { image } = await imagebuilder.send(new GetImageCommand({ imageBuildVersionArn: imageArn }));
      return {
        name: image?.name ?? '',
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
    log: (message, fields) => console.log(JSON.stringify({ message, ...fields })),
  });
});
