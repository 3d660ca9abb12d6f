/**
 * Facts about software that cannot run here (Jenkins and its plugins), read from upstream source
 * and kept as data with where each was read. Tests check generated pipelines against these, never
 * against what the generator happens to emit.
 */

/**
 * The aws-credentials plugin's credentials binding. Source: jenkinsci/aws-credentials-plugin @
 * 0efb28f (262.v0efb_28f71f94), src/main/java/com/cloudbees/jenkins/plugins/awscredentials/
 * AmazonWebServicesCredentialsBinding.java: `@Symbol("aws")` on its descriptor; @DataBoundConstructor
 * (accessKeyVariable, secretKeyVariable, credentialsId), @DataBoundSetters roleArn, roleSessionName,
 * roleSessionDurationSeconds; bind() exports the two variables (defaults AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY) and AWS_SESSION_TOKEN for session credentials. AWSCredentialsImpl.java:
 * with iamRoleArn and blank access/secret keys, resolveCredentials() builds the STS client with the
 * SDK's default provider chain (the controller's own, e.g. ECS task role) and assumes iamRoleArn
 * with session name "Jenkins"; the binding resolves on the controller, in bind().
 */
/**
 * The catchError step (workflow-basic-steps): the body's error is caught and the build and stage
 * results are set to `buildResult` / `stageResult` (default FAILURE); "Use SUCCESS or null to keep
 * the build result from being set when an error is caught", and a result only ever gets worse.
 * Source: https://www.jenkins.io/doc/pipeline/steps/workflow-basic-steps/#catcherror-catch-error-and-set-build-result-to-failure
 */
export const CATCH_ERROR = { parameters: ['buildResult', 'stageResult', 'message', 'catchInterruptions'], defaultResult: 'FAILURE', keeps: ['SUCCESS', null] } as const;

export const AWS_CREDENTIALS_BINDING = {
  symbol: 'aws',
  parameters: ['credentialsId', 'accessKeyVariable', 'secretKeyVariable', 'roleArn', 'roleSessionName', 'roleSessionDurationSeconds'],
  sessionTokenVariable: 'AWS_SESSION_TOKEN',
  roleSessionName: 'Jenkins',
} as const;

/**
 * Variables Jenkins sets for a build. Core (jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables,
 * hudson/model/Run.java getEnvironment): BUILD_NUMBER, BUILD_ID, BUILD_TAG, JOB_NAME, WORKSPACE (on a node),
 * NODE_NAME. Branch API (jenkinsci/branch-api-plugin BranchNameContributor.java): BRANCH_NAME for every
 * branch project, TAG_NAME for tag heads. Declarative's default checkout in a multibranch job puts the
 * git plugin's scm variables (GIT_COMMIT, GIT_BRANCH, GIT_URL) into the environment. A plain pipelineJob
 * has no scm: only core variables and its parameters.
 */
export function jenkinsBuildEnvironment(kind: { multibranch: true; branch: string; tag?: boolean; commit: string } | { multibranch: false; job: string }): Record<string, string> {
  const core = { BUILD_NUMBER: '7', BUILD_ID: '7', BUILD_TAG: 'jenkins-build-7' };
  if (!kind.multibranch) return { ...core, JOB_NAME: kind.job };
  return {
    ...core,
    JOB_NAME: `owner/component/${kind.branch}`,
    BRANCH_NAME: kind.branch,
    ...(kind.tag ? { TAG_NAME: kind.branch } : {}),
    GIT_COMMIT: kind.commit,
    GIT_BRANCH: kind.branch,
  };
}

/**
 * JCasC's file secret source. Source: jenkinsci/configuration-as-code-plugin @ dbdb4622
 * (2082.vdb_db_4622e9fa_, the pinned version), plugin/src/main/java/io/jenkins/plugins/casc/impl/
 * secrets/DockerSecretSource.java: the folder is the environment variable SECRETS (default
 * /run/secrets/); reveal(name) reads `new File(folder, name)` as UTF-8 and trims it, so `${NAME}`
 * resolves to the file's content when no earlier source (EnvSecretSource: system property, then
 * environment) has it.
 */
export const CASC_FILE_SECRETS = { folderVariable: 'SECRETS', trimmed: true } as const;
