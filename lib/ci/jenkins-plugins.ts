/**
 * Jenkins plugins the controller installs at start, pinned (jenkins-plugin-cli resolves their
 * dependencies to matching versions). Versions are a coherent set for the 2.462 LTS line; bump them
 * together with the controller image in config (`ci.jenkins.image`).
 */
export const JENKINS_PLUGINS: Readonly<Record<string, string>> = {
  'configuration-as-code': '1836.vccda_4a_122a_a_e',
  'job-dsl': '1.87',
  'workflow-aggregator': '600.vb_57cdd26fdd7',
  'pipeline-model-definition': '2.2205.vc9522a_9d5711',
  'workflow-multibranch': '795.ve0cb_1f45ca_9a_',
  'inline-pipeline': '1.0.3',
  'basic-branch-build-strategies': '81.v05e333931c7d',
  'cloudbees-folder': '6.942.vb_43318a_156b_2',
  git: '5.3.0',
  'ssh-credentials': '343.v884f71d78167',
  'aws-credentials': '231.v08a_59f17d742',
  'ec2-fleet': '4.1.0',
  junit: '1284.vf75d778f98c5',
  timestamper: '1.27',
  'matrix-auth': '3.2.2',
};

/** The `jenkins-plugin-cli --plugins` argument list. */
export function pluginSpecs(): string {
  return Object.entries(JENKINS_PLUGINS)
    .map(([name, version]) => `${name}:${version}`)
    .join(' ');
}
