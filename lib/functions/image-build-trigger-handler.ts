/** Lambda entry of the image build trigger: AWS SDK adapters around lib/functions/image-build-trigger.ts. */
import { ImagebuilderClient, StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponse, putPresigned } from './cloudformation-reply';
import { imageBuildTrigger } from './image-build-trigger';
import { lazy } from './lazy-handler';

export const handler = lazy<CloudFormationCustomResourceEvent, CustomResourceResponse>(() => {
  const imagebuilder = new ImagebuilderClient({});
  return imageBuildTrigger({
    async start(imagePipelineArn, clientToken) {
      const { imageBuildVersionArn } = await imagebuilder.send(new StartImagePipelineExecutionCommand({ imagePipelineArn, clientToken }));
      if (!imageBuildVersionArn) throw new Error('StartImagePipelineExecution returned no imageBuildVersionArn');
      return imageBuildVersionArn;
    },
    respond: putPresigned,
    log: (message, fields) => console.log(JSON.stringify({ message, ...fields })),
  });
});
