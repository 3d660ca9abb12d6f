import { Construct } from 'constructs';
import { CascVariables } from '../ci/jenkins-casc';
import { ComponentSpec } from '../config/schema';
import { controllerSecret } from './controller-variables';

export interface CiOwnerCredentialsProps {
  /** Owner (pilot name, or `platform`). */
  readonly owner: string;
  /** The owner's components that have CI jobs: each gets a read-only deploy key. */
  readonly components: readonly Pick<ComponentSpec, 'name' | 'repository'>[];
}

/**
 * The read-only deploy key of each of an owner's components, as controller secrets
 * (controller-variables.ts) that the owner's Jenkins folder credentials use (lib/ci/jenkins-casc.ts
 * folderCredentials). The role ARNs of its aws-credentials are published by the stacks that own
 * the roles (registries, cluster).
 */
export class CiOwnerCredentials extends Construct {
  constructor(scope: Construct, id: string, props: CiOwnerCredentialsProps) {
    super(scope, id);
    for (const component of props.components) {
      controllerSecret(this, `RepoKey-${component.name}`, {
        name: `iiot/ci/${props.owner}/${component.name}/deploy-key`,
        description: `Read-only deploy key (private, OpenSSH) for ${component.repository}: replace the generated value with the real key`,
        variable: CascVariables.repositoryKey(props.owner, component.name),
        noRotationReason: 'A deploy key is rotated by registering a new public key on the Git host; Secrets Manager cannot do that.',
      });
    }
  }
}
