import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Any typed object from kubernetes-models (core, Istio, Argo CD): it can check itself against its schema. */
export interface KubeModel {
  validate(): void;
  toJSON(): { apiVersion: string; kind: string } & Record<string, unknown>;
}

/**
 * Adds a kubernetes-models object to a chart. Objects without a cdk8s-plus class (Istio, Argo CD)
 * are built this way so they are schema-checked when the chart is defined, not at apply time.
 */
export function addKubeObject(scope: Construct, id: string, model: KubeModel): ApiObject {
  model.validate();
  return new ApiObject(scope, id, model.toJSON());
}
