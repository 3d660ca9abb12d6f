/**
 * The golden images' pins against the upstream facts available offline:
 * - the controller's parent image is the Jenkins LTS whose update-center data the plugin pins are
 *   checked against (test/fixtures/jenkins/plugin-manifests.json, test/ci/jenkins-plugins.test.ts);
 * - kubectl is a released patch of the cluster's minor: Kubernetes' version skew policy
 *   (kubernetes.io/releases/version-skew-policy: kubectl within one minor of kube-apiserver), and
 *   patch releases are sequential, so any patch up to the one AWS's kubectl layer for that minor
 *   ships (@aws-cdk/lambda-layer-kubectl-v35, layer/Dockerfile KUBECTL_VERSION, installed here) exists.
 * Not checkable offline (no data here): the Amazon Linux 2023 release, Corretto 21, buildx, Helm and
 * AWS CLI v2 versions; a missing one fails the image build (curl -f, dnf --releasever), and each
 * download is checked against the checksum its project publishes next to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import manifests from '../fixtures/jenkins/plugin-manifests.json';
import { JENKINS_CORE } from '../../lib/ci/jenkins-plugins';
import { loadConfig } from '../../lib/config/load-config';
import { AGENT_TOOLS } from '../../lib/constructs/image-components';
import { DEMO_CONFIG, REPO_ROOT } from '../fixtures/demo-paths';

const config = loadConfig(DEMO_CONFIG).platform;

test('the controller image is built FROM the LTS the plugin pins are checked against', () => {
  expect(manifests.core.version).toBe(JENKINS_CORE);
  expect(config.ci.jenkins.image).toMatch(new RegExp(`^jenkins/jenkins:${manifests.core.version.replace(/\./g, '\\.')}-lts-jdk${AGENT_TOOLS.corretto}$`));
});

/** kubectl version problems against the cluster's minor and the newest patch known released. */
function kubectlProblems(kubectl: string, clusterMinor: string, layerVersion: string): string[] {
  const [major, minor, patch] = kubectl.split('.').map(Number);
  const [cMajor, cMinor] = clusterMinor.split('.').map(Number);
  const [lMajor, lMinor, lPatch] = layerVersion.split('.').map(Number);
  const problems: string[] = [];
  if (major !== cMajor || Math.abs(minor - cMinor) > 1) problems.push(`kubectl ${kubectl} is outside the skew policy for a ${clusterMinor} cluster`);
  if (major !== lMajor || minor !== lMinor) problems.push(`no release data for kubectl ${major}.${minor} (the layer ships ${layerVersion})`);
  else if (patch > lPatch) problems.push(`kubectl ${kubectl} is newer than ${layerVersion}, the newest known release of ${major}.${minor}`);
  return problems;
}

test('kubectl is a released patch of the cluster\'s Kubernetes minor', () => {
  const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v35/layer/Dockerfile'), 'utf8');
  const layerVersion = /^ARG KUBECTL_VERSION=(\d+\.\d+\.\d+)$/m.exec(dockerfile)![1];
  expect(kubectlProblems(AGENT_TOOLS.kubectl, config.cluster.kubernetesVersion, layerVersion)).toEqual([]);
  // The check can fail: a patch beyond the known release, another minor, a skewed cluster.
  expect(kubectlProblems('1.35.9', '1.35', '1.35.2')).toHaveLength(1);
  expect(kubectlProblems('1.36.0', '1.35', '1.35.2')).toHaveLength(1);
  expect(kubectlProblems('1.35.0', '1.33', '1.35.2')).toHaveLength(1);
});
