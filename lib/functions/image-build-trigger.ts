/**
 * Starts an image pipeline when its custom resource is created (the first image) and whenever
 * its recipe version changes on deploy (Image Builder versions are immutable, so a changed recipe
 * is a new version); a deploy that changes nothing else starts nothing. Delete starts nothing:
 * built images stay until the lifecycle policy removes them.
 */
import { createHash } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponse } from './cloudformation-reply';

/** The custom resource's properties (CloudFormation passes them as strings). */
export interface BuildTriggerProperties {
  readonly PipelineArn: string;
  readonly RecipeVersion: string;
}

export interface BuildTriggerPorts {
  /** StartImagePipelineExecution; returns the new image build version ARN. */
  start(pipelineArn: string, clientToken: string): Promise<string>;
  respond(url: string, response: CustomResourceResponse): Promise<void>;
  log(message: string, fields: Record<string, unknown>): void;
}

/**
 * One token per pipeline and recipe version (at most 36 characters, the API's limit): a retried
 * event, or a rollback to a version already built, returns the execution it already started.
 */
export function buildClientToken(pipelineArn: string, recipeVersion: string): string {
  return createHash('sha256').update(`${pipelineArn}\0${recipeVersion}`).digest('hex').slice(0, 32);
}

export function imageBuildTrigger(ports: BuildTriggerPorts) {
  return async (event: CloudFormationCustomResourceEvent): Promise<CustomResourceResponse> => {
    const props = event.ResourceProperties as unknown as BuildTriggerProperties;
    const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, PhysicalResourceId: props.PipelineArn };
    let response: CustomResourceResponse;
    try {
      const old = event.RequestType === 'Update' ? (event.OldResourceProperties as unknown as BuildTriggerProperties) : undefined;
      const changed = event.RequestType === 'Create' || (old !== undefined && (old.RecipeVersion !== props.RecipeVersion || old.PipelineArn !== props.PipelineArn));
      if (event.RequestType !== 'Delete' && changed) {
        const image = await ports.start(props.PipelineArn, buildClientToken(props.PipelineArn, props.RecipeVersion));
        ports.log('image build started', { pipeline: props.PipelineArn, recipeVersion: props.RecipeVersion, image });
        response = { ...base, Status: 'SUCCESS', Reason: `started ${image}`, Data: { ImageBuildVersionArn: image } };
      } else {
        response = { ...base, Status: 'SUCCESS', Reason: 'recipe version unchanged: nothing to build' };
      }
    } catch (e) {
      ports.log('image build not started', { pipeline: props.PipelineArn, error: (e as Error).message });
      response = { ...base, Status: 'FAILED', Reason: `starting ${props.PipelineArn}: ${(e as Error).message}` };
    }
    await ports.respond(event.ResponseURL, response);
    return response;
  };
}
