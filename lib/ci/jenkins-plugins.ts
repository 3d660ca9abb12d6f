/**
 * The Jenkins core and plugins the controller runs: the whole dependency closure, each plugin pinned,
 * so that every start installs the same bits. jenkins-plugin-cli skips a dependency that is also
 * listed at the top level with a version at least the required one, and fails when the listed one is
 * older (PluginManager.resolveRecursiveDependencies, jenkinsci/plugin-installation-manager-tool);
 * `--latest false` keeps anything unlisted at its minimum instead of "latest", which nothing here is.
 *
 * Where each version, its required core and its dependencies were checked: the update center's
 * data (update-center.json), kept per plugin with the snapshot it was read from in
 * test/fixtures/jenkins/plugin-manifests.json; test/ci/jenkins-plugins.test.ts fails when a pin
 * needs a newer core, a dependency is missing or pinned below its minimum, or a pin carries a
 * published security warning. Bump the core, the image in config and this list together.
 */

/** The Jenkins LTS release (tag jenkins-2.555.3 of jenkinsci/jenkins) the plugin set is pinned for. */
export const JENKINS_CORE = '2.555.3';

export const JENKINS_PLUGINS: Readonly<Record<string, string>> = {
  'antisamy-markup-formatter': '173.v680e3a_b_69ff3',
  'apache-httpcomponents-client-4-api': '4.5.14-269.vfa_2321039a_83',
  'asm-api': '9.10.1-216.va_9256d3b_844b_',
  'aws-credentials': '262.v0efb_28f71f94',
  'aws-java-sdk-ec2': '1.12.780-480.v4a_0819121a_9e',
  'aws-java-sdk-minimal': '1.12.780-480.v4a_0819121a_9e',
  'aws-java-sdk2-autoscaling': '2.42.33-70.vd69c0763fa_60',
  'aws-java-sdk2-cloudformation': '2.42.33-70.vd69c0763fa_60',
  'aws-java-sdk2-core': '2.42.33-70.vd69c0763fa_60',
  'aws-java-sdk2-ec2': '2.42.33-70.vd69c0763fa_60',
  'basic-branch-build-strategies': '317.v85b_331d6cc42',
  'bootstrap5-api': '5.3.8-1048.va_c299057e35c',
  'bouncycastle-api': '2.30.1.84-291.v9f17b_21896e2',
  'branch-api': '2.1280.v0d4e5b_b_460ef',
  'caffeine-api': '3.2.3-194.v31a_b_f7a_b_5a_81',
  'checks-api': '415.vf022234a_931d',
  'cloudbees-folder': '6.1100.ve9eed61d16c4',
  'commons-lang3-api': '3.20.0-109.ve43756e2d2b_4',
  'commons-text-api': '1.15.0-218.va_61573470393',
  'configuration-as-code': '2082.vdb_db_4622e9fa_',
  credentials: '1502.v5c95e620ddfe',
  'credentials-binding': '725.ve52b_2328a_fde',
  'display-url-api': '2.217.va_6b_de84cc74b_',
  'durable-task': '671.v340ff7959010',
  'ec2-fleet': '4.2.3.539.v8fedff2a_81c3',
  'echarts-api': '6.0.0-1287.vfd24c22a_3d00',
  'eddsa-api': '0.3.0.1-29.v67e9a_1c969b_b_',
  'font-awesome-api': '7.2.0-990.vf220b_2a_496f9',
  git: '5.10.1',
  'git-client': '6.6.0',
  'gson-api': '2.14.0-201.v8eefe5515533',
  'inline-pipeline': '1.0.32.vf433f2d57630',
  'instance-identity': '203.v15e81a_1b_7a_38',
  'ionicons-api': '94.vcc3065403257',
  'jackson-annotations2-api': '2.22-19.v10a_a_582ea_26e',
  'jackson2-api': '2.21.2-436.v29efdb_7418ff',
  'jackson3-api': '3.2.0-83.vfb_04cee1ea_0f',
  'jakarta-activation-api': '2.1.4-1',
  'jakarta-mail-api': '2.1.5-1',
  'jakarta-xml-bind-api': '4.0.9-19.v2b_a_5b_44d9a_1c',
  'javax-activation-api': '1.2.0-8',
  jaxb: '2.3.9-143.v5979df3304e6',
  'job-dsl': '3654.vdf58f53e2d15',
  'joda-time-api': '2.14.2-193.v422b_efce56e0',
  'jquery3-api': '3.7.1-687.v68d468e40b_30',
  'json-api': '20260522-217.v0b_18b_8cd4672',
  junit: '1413.v736fa_5b_61d80',
  mailer: '534.v1b_36f5864073',
  'matrix-auth': '3.2.10',
  'mina-sshd-api-common': '2.17.1-187.v0341274c2905',
  'mina-sshd-api-core': '2.17.1-187.v0341274c2905',
  'pipeline-build-step': '584.vdb_a_2cc3a_d07a_',
  'pipeline-groovy-lib': '798.v5cc688825312',
  'pipeline-input-step': '551.vdff487c5998c',
  'pipeline-milestone-step': '152.v6e22b_8cfc66c',
  'pipeline-model-api': '2.2291.v2934911987b_6',
  'pipeline-model-definition': '2.2291.v2934911987b_6',
  'pipeline-model-extensions': '2.2291.v2934911987b_6',
  'pipeline-stage-step': '345.va_96187909426',
  'pipeline-stage-tags-metadata': '2.2291.v2934911987b_6',
  'plain-credentials': '199.v9f8e1f741799',
  'plugin-util-api': '7.1341.v039f146993d9',
  'prism-api': '1.30.0-741.v034eb_0b_0a_a_fa_',
  'scm-api': '728.vc30dcf7a_0df5',
  'script-security': '1402.v94c9ce464861',
  'snakeyaml-api': '2.5-149.v72471e9c6371',
  'snakeyaml-engine-api': '3.0.1-5.vd98ea_ff3b_92e',
  'ssh-credentials': '372.va_250881b_08cd',
  'ssh-slaves': '3.1097.v868116049892',
  structs: '362.va_b_695ef4fdf9',
  timestamper: '1.30',
  'trilead-api': '2.284.v1974ea_324382',
  variant: '70.va_d9f17f859e0',
  'woodstox-core-api': '7.2.1-6.v3718a_a_11f5c4',
  'workflow-aggregator': '608.v67378e9d3db_1',
  'workflow-api': '1413.v2ff1a_5e720fa_',
  'workflow-basic-steps': '1098.v808b_fd7f8cf4',
  'workflow-cps': '4331.v9d06ed4658ff',
  'workflow-durable-task-step': '1479.v56e587f413a_7',
  'workflow-job': '1571.vb_423c255d6d9',
  'workflow-multibranch': '821.vc3b_4ea_780798',
  'workflow-scm-step': '466.va_d69e602552b_',
  'workflow-step-api': '724.v538c2362b_dfb_',
  'workflow-support': '1015.v785e5a_b_b_8b_22',
};

/** The `jenkins-plugin-cli --plugins` argument list. */
export function pluginSpecs(): string {
  return Object.entries(JENKINS_PLUGINS)
    .map(([name, version]) => `${name}:${version}`)
    .join(' ');
}
