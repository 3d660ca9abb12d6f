import { Tags, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/**
 * Where the Jenkins controller finds, at each start, the values of the JCasC variables that grow
 * with the platform (role ARNs, deploy keys, passwords): not in its task definition (64 KiB), but
 * in SSM parameters and Secrets Manager secrets that any stack may add. The start script writes
 * each as a file named for its variable into JCasC's secrets folder (configuration-as-code
 * DockerSecretSource: `$SECRETS/<variable>`, read trimmed), so `${VARIABLE}` resolves as before.
 */
export const ControllerVariables = {
  /** Parameters `<path>/<VARIABLE>` hold non-secret values. */
  parameterPath: (platformName: string) => `/iiot/${platformName}/ci/jcasc`,
  /** Secrets named under this prefix that carry {@link ControllerVariables.secretTag} hold secret values. */
  secretPrefix: 'iiot/ci/',
  /** Tag whose value names the variable a secret holds. */
  secretTag: 'jcasc-variable',
} as const;

/** A non-secret JCasC variable (an ARN, a name) for the controller of `platformName`. */
export function controllerParameter(scope: Construct, id: string, platformName: string, variable: string, value: string): ssm.StringParameter {
  return new ssm.StringParameter(scope, id, {
    parameterName: `${ControllerVariables.parameterPath(platformName)}/${variable}`,
    description: `JCasC variable ${variable} of the Jenkins controller (read at its start)`,
    stringValue: value,
  });
}

export interface ControllerSecretProps {
  /** Secret name, under {@link ControllerVariables.secretPrefix}. */
  readonly name: string;
  readonly description: string;
  /** The JCasC variable it holds. */
  readonly variable: string;
  /** Why it is not rotated by Secrets Manager (cdk-nag AwsSolutions-SMG4). */
  readonly noRotationReason: string;
}

/** A secret JCasC variable, generated (the operator replaces it where it is a key from elsewhere). */
export function controllerSecret(scope: Construct, id: string, props: ControllerSecretProps): secretsmanager.Secret {
  if (!props.name.startsWith(ControllerVariables.secretPrefix)) throw new Error(`controller secret ${props.name} must be named under ${ControllerVariables.secretPrefix}`);
  const secret = new secretsmanager.Secret(scope, id, {
    secretName: props.name,
    description: props.description,
    generateSecretString: { passwordLength: 32, excludePunctuation: true },
  });
  Tags.of(secret).add(ControllerVariables.secretTag, props.variable);
  Validations.of(secret).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: props.noRotationReason });
  return secret;
}
