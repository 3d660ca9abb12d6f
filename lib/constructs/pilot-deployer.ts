import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CascVariables } from '../ci/jenkins-casc';
import { grantArtefactRead } from './artefact-access';
import { JenkinsControllerRole } from './controller-identity';
import { controllerParameter } from './controller-variables';
import { REGISTRY_TIERS } from './registry-names';

export interface PilotDeployerProps {
  /** The pilot whose delivery jobs deploy with this role. */
  readonly pilot: string;
  /** Name of the platform, whose Jenkins controller alone assumes the role. */
  readonly platformName: string;
  /** The cluster the role is admitted to. */
  readonly cluster: eks.ICluster;
  /** The pilot's namespaces (staging and production): the only ones the role administers. */
  readonly namespaces: readonly string[];
}

/**
 * A delivering pilot's deployer: a role on the controller's bindable path that only the Jenkins
 * controller assumes (for that pilot's delivery jobs), admitted by an EKS access entry to the
 * pilot's namespaces only, pulling only the pilot's own charts and images; and the SSM parameter
 * through which the controller finds it at start (the folder's aws-deploy credential). Each pilot's
 * stack holds its own, so the cluster stack does not grow with the delivering pilots.
 */
export class PilotDeployer extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PilotDeployerProps) {
    super(scope, id);
    const { pilot, namespaces } = props;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: JenkinsControllerRole.principal(this, props.platformName),
      path: JenkinsControllerRole.bindablePath(props.platformName),
      description: `Deploys pilot ${pilot}'s components to ${namespaces.join(', ')} (bound by the Jenkins controller to that pilot's delivery jobs only)`,
    });
    // Namespace-scoped: this role administers the pilot's namespaces and nothing else in the cluster.
    new eks.AccessEntry(this, 'Access', {
      cluster: props.cluster,
      principal: this.role.roleArn,
      accessPolicies: [
        eks.AccessPolicy.fromAccessPolicyName('AmazonEKSAdminPolicy', { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces: [...namespaces] }),
      ],
    });
    const clusterArn = Stack.of(this).formatArn({ service: 'eks', resource: 'cluster', resourceName: props.cluster.clusterName });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [clusterArn] }));
    // Helm pulls the charts it deploys, and staging pins digests, with the pilot's own deployer (by name: no stack reference).
    for (const tier of REGISTRY_TIERS) grantArtefactRead(this, this.role, { owner: pilot, tier });
    controllerParameter(this, 'RoleParameter', props.platformName, CascVariables.deployerRole(pilot), this.role.roleArn);
  }
}
