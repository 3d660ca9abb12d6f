import { App, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * The policy gates every synthesized stack must pass: cdk-nag's AwsSolutions pack and the
 * Control Tower proactive controls through cfn-guard. Findings fail synthesis; each accepted
 * finding is acknowledged with its reason next to the resource it concerns.
 */
export function addValidationGates(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
}
