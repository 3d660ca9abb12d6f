import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { KUBERNETES_VERSIONS } from '../config/schema';

type KubernetesVersionName = (typeof KUBERNETES_VERSIONS)[number];

/**
 * The kubectl layer for each supported Kubernetes version. Typed by the config's version list, so a
 * version added there without its layer does not compile (a cluster without a matching layer
 * synthesizes silently and fails at deploy).
 */
const KUBECTL_LAYERS: Readonly<Record<KubernetesVersionName, new (scope: Construct, id: string) => lambda.ILayerVersion>> = {
  '1.35': KubectlV35Layer,
  '1.36': KubectlV36Layer,
};

/** A kubectl (and helm) layer matching `version`. */
export function kubectlLayerFor(scope: Construct, id: string, version: KubernetesVersionName): lambda.ILayerVersion {
  return new KUBECTL_LAYERS[version](scope, id);
}
