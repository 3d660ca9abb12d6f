import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** Any typed object from kubernetes-models (core, Istio, Argo CD): it can check itself against its schema. */
export interface KubeModel {
  validate(): void;
  toJSON(): { apiVersion: string; kind: string } & Record<string, unknown>;
}

/** The model each object was built from, for the schema check. */
const models = new WeakMap<IConstruct, KubeModel>();

/**
 * Adds a kubernetes-models object to a chart. Objects without a cdk8s-plus class (Istio, Argo CD)
 * are built this way so that `kubeSchemaErrors` can check them against their schema before any is
 * applied. The check is not made here: Istio's models compile their JSON schemas at run time, a
 * tenth of a synth, so it runs with the validation gates (`npm test`, `-c gates=true`, `synth:k8s`).
 */
export function addKubeObject(scope: Construct, id: string, model: KubeModel): ApiObject {
  const object = new ApiObject(scope, id, model.toJSON());
  models.set(object, model);
  return object;
}

/** Schema violations of the objects `addKubeObject` added under `scope`, each naming the object's path. */
export function kubeSchemaErrors(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((construct) => {
    try {
      models.get(construct)?.validate();
      return [];
    } catch (e) {
      return [`${construct.node.path}: ${e instanceof Error ? e.message : String(e)}`];
    }
  });
}
