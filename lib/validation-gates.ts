import { App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { kubeSchemaErrors } from '../k8s/kube-object';
import { ChartsStack } from './stacks/charts-stack';

/**
 * The policy gates every synthesized stack must pass: cdk-nag's AwsSolutions pack and the
 * Control Tower proactive controls through cfn-guard. Findings fail synthesis; each accepted
 * finding is acknowledged with its reason next to the resource it concerns. Every Kubernetes object
 * built from a kubernetes-models class must match its kind's schema (Istio, Argo CD and core kinds).
 */
export function addValidationGates(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
  for (const stack of app.node.findAll()) {
    if (stack instanceof ChartsStack) stack.node.addValidation({ validate: () => stack.charts.flatMap(kubeSchemaErrors) });
  }
}
