import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addKubeObject, kubeSchemaErrors } from '../../k8s/kube-object';
import { ChartsStack } from '../../lib/stacks/charts-stack';
import { addValidationGates } from '../../lib/validation-gates';

// The schema check runs each model's own validator: the JSON schema kubernetes-models generated from
// Istio's CRDs (@kubernetes-models/istio), evaluated by ajv.
const route = (hosts: unknown) => new VirtualService({ metadata: { name: 'orion', namespace: 'fiware' }, spec: { hosts: hosts as string[] } });

function chartWith(hosts: unknown): cdk8s.Chart {
  const chart = new cdk8s.Chart(new cdk8s.App(), 'routes');
  addKubeObject(chart, 'Orion', route(hosts));
  return chart;
}

describe('Kubernetes object schema check', () => {
  test('an object that matches its kind schema passes', () => {
    expect(kubeSchemaErrors(chartWith(['orion.example.com']))).toEqual([]);
  });

  test('an object that does not names its path and the field at fault', () => {
    const errors = kubeSchemaErrors(chartWith('orion.example.com'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^routes\/Orion: .*spec\/hosts must be array/);
  });

  test('the validation gates fail the synth of a charts stack holding such an object', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-schema-'));
    fs.writeFileSync(path.join(dir, 'kubectl'), '');
    const app = new App({ outdir: path.join(dir, 'out') });
    const clusterStack = new Stack(app, 'ClusterStack');
    // A stand-in layer: the check fails the synth before any asset would be deployed.
    const kubectlLayer = new lambda.LayerVersion(clusterStack, 'Kubectl', { code: lambda.Code.fromAsset(dir, { exclude: ['out'] }) });
    const cluster = new eks.Cluster(clusterStack, 'Cluster', { version: eks.KubernetesVersion.of('1.35'), kubectlProviderOptions: { kubectlLayer } });
    new ChartsStack(app, 'Charts', { availabilityZones: ['eu-central-1a'], cluster, charts: [chartWith('orion.example.com')], after: [] });
    addValidationGates(app);
    expect(() => app.synth()).toThrow(/\[Charts\] routes\/Orion: .*spec\/hosts must be array/);
  });
});
