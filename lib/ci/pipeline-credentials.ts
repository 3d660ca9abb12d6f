/**
 * AWS credentials the pipelines bind per job. Each is an aws-credentials plugin credential with
 * no access key in the owner's Jenkins folder: the controller (its task role) assumes
 * `iamRoleArn` when a job of that folder binds it, and hands only that job short-lived keys.
 * Agents' instance roles assume nothing, so a build of one pilot cannot act as another.
 */
import { block, str } from '../groovy/groovy';

/** Credential ids, the same in every owner's folder (the folder decides whose role it is). */
export const AwsCredentialIds = {
  /** The owner's registry publisher (dev tier): CI's publish stage. */
  publish: 'aws-publish',
  /** The pilot's cluster deployer (its staging and production namespaces): delivery stages. */
  deploy: 'aws-deploy',
  /** The owner's promoter (the only prod writer): the delivery's promotion stage. */
  promote: 'aws-promote',
  /** The owner's build reporter (signs its records to the build statistics): each cell's report. */
  report: 'aws-report',
} as const;

/**
 * `withCredentials([aws(...)]) { body }`: the aws-credentials binding (symbol `aws`) exports
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for assumed roles, AWS_SESSION_TOKEN to the body.
 */
export function withAwsCredentials(id: (typeof AwsCredentialIds)[keyof typeof AwsCredentialIds], body: readonly string[]): string[] {
  return block(
    `withCredentials([aws(credentialsId: ${str(id)}, accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY')])`,
    body,
  );
}
