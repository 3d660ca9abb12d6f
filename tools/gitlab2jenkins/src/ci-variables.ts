/**
 * `$CI_PIPELINE_SOURCE` derived from how Jenkins started the build, so the common
 * `== "merge_request_event"` / `"schedule"` / `"push"` / `"parent_pipeline"` rules keep their
 * meaning. A build started by another build is a child pipeline: the only downstream jobs the
 * translator starts are those (`build job:`). Sources Jenkins cannot tell apart (api, trigger,
 * pipeline, ...) never occur.
 */
const PIPELINE_SOURCE =
  "(!currentBuild.getBuildCauses('hudson.model.Cause$UpstreamCause').isEmpty() ? 'parent_pipeline' : " +
  "env.CHANGE_ID ? 'merge_request_event' : " +
  "!currentBuild.getBuildCauses('hudson.triggers.TimerTrigger$TimerTriggerCause').isEmpty() ? 'schedule' : " +
  "!currentBuild.getBuildCauses('hudson.model.Cause$UserIdCause').isEmpty() ? 'web' : 'push')";

/**
 * Jenkins has no variable naming a repository's default branch (multibranch marks it only in the
 * job's metadata), so CI_DEFAULT_BRANCH is this unless Jenkins' global or folder environment sets it.
 */
export const ASSUMED_DEFAULT_BRANCH = 'main';

/**
 * GitLab predefined variables with a Jenkins (multibranch) counterpart, as Groovy expressions.
 * Anything else named CI_* or GITLAB_* is GitLab-only and is reported when a translated construct
 * depends on it.
 */
const JENKINS_VALUE: ReadonlyMap<string, string> = new Map([
  ['CI_COMMIT_BRANCH', 'env.BRANCH_NAME'],
  ['CI_COMMIT_REF_NAME', 'env.BRANCH_NAME'],
  // GitLab's slug: lower case, at most 63 characters, [^a-z0-9] -> '-', no '-' at either end.
  ['CI_COMMIT_REF_SLUG', "env.BRANCH_NAME?.toLowerCase()?.replaceFirst('^(.{63}).*$', '$1')?.replaceAll('[^a-z0-9]', '-')?.replaceAll('^-+|-+$', '')"],
  ['CI_COMMIT_TAG', 'env.TAG_NAME'],
  ['CI_COMMIT_SHA', 'env.GIT_COMMIT'],
  ['CI_COMMIT_SHORT_SHA', 'env.GIT_COMMIT?.substring(0, 8)'],
  ['CI_REPOSITORY_URL', 'env.GIT_URL'],
  ['CI_COMMIT_BEFORE_SHA', "env.GIT_PREVIOUS_COMMIT ?: '0000000000000000000000000000000000000000'"],
  ['CI_DEFAULT_BRANCH', `env.CI_DEFAULT_BRANCH ?: '${ASSUMED_DEFAULT_BRANCH}'`],
  // Jenkins' change-request variables (multibranch PR/MR builds) under GitLab's merge request names.
  ['CI_MERGE_REQUEST_ID', 'env.CHANGE_ID'],
  ['CI_MERGE_REQUEST_IID', 'env.CHANGE_ID'],
  ['CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'env.CHANGE_BRANCH'],
  ['CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'env.CHANGE_TARGET'],
  ['CI_MERGE_REQUEST_TITLE', 'env.CHANGE_TITLE'],
  ['CI_EXTERNAL_PULL_REQUEST_IID', 'env.CHANGE_ID'],
  ['CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME', 'env.CHANGE_BRANCH'],
  ['CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME', 'env.CHANGE_TARGET'],
  ['CI_PIPELINE_ID', 'env.BUILD_NUMBER'],
  ['CI_PIPELINE_URL', 'env.BUILD_URL'],
  ['CI_PIPELINE_SOURCE', PIPELINE_SOURCE],
  ['CI_JOB_ID', 'env.BUILD_ID'],
  ['CI_JOB_URL', 'env.BUILD_URL'],
  ['CI_PROJECT_DIR', 'env.WORKSPACE'],
  // The project path and name are those of the remote Jenkins checked out (https or scp-like URL).
  ['CI_PROJECT_PATH', "env.GIT_URL?.replaceFirst('^(?:[a-z+]+://[^/]+/|[^@/]+@[^:]+:)', '')?.replaceFirst('\\\\.git$', '')"],
  ['CI_PROJECT_NAME', "env.GIT_URL?.replaceFirst('^.*[/:]', '')?.replaceFirst('\\\\.git$', '')"],
  ['CI_BUILDS_DIR', 'env.WORKSPACE'],
  // Set by this translation itself (job name and stage, matrix axes, environment:).
  ['CI_JOB_NAME', 'env.CI_JOB_NAME'],
  ['CI_JOB_NAME_SLUG', 'env.CI_JOB_NAME_SLUG'],
  ['CI_JOB_STAGE', 'env.CI_JOB_STAGE'],
  // Set for after_script from the script's result.
  ['CI_JOB_STATUS', 'env.CI_JOB_STATUS'],
  ['CI_NODE_INDEX', 'env.CI_NODE_INDEX'],
  ['CI_NODE_TOTAL', 'env.CI_NODE_TOTAL'],
  ['CI_ENVIRONMENT_NAME', 'env.CI_ENVIRONMENT_NAME'],
  ['CI_ENVIRONMENT_URL', 'env.CI_ENVIRONMENT_URL'],
  ['CI', "'true'"],
]);

/** Predefined variables whose Jenkins value is set in every stage; the others may be null. */
const ALWAYS_SET = new Set(['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_SHA', 'CI_COMMIT_BEFORE_SHA', 'CI_DEFAULT_BRANCH', 'CI_PIPELINE_ID', 'CI_PIPELINE_URL', 'CI_PIPELINE_SOURCE', 'CI_JOB_ID', 'CI_JOB_URL', 'CI_PROJECT_DIR', 'CI_BUILDS_DIR', 'CI']);

/** Jenkins sets these once a stage's agent has checked the sources out, not before. */
const AGENT_ONLY = /\benv\.(WORKSPACE|GIT_COMMIT|GIT_URL|GIT_PREVIOUS_COMMIT)\b/;

/** True for names GitLab sets itself (CI_*, GITLAB_*), which Jenkins will not set under that name. */
export function isGitlabPredefined(name: string): boolean {
  return /^(CI|GITLAB)_/.test(name) || name === 'CI';
}

/** The Groovy expression Jenkins has for `$name`, or undefined for a GitLab-only variable. */
export function jenkinsValue(name: string): string | undefined {
  return isGitlabPredefined(name) ? JENKINS_VALUE.get(name) : `env.${name}`;
}

/**
 * Like {@link jenkinsValue}, for text (environment values, image names, ...): GitLab expands an
 * unset variable to '', where Groovy would write "null" (e.g. CI_COMMIT_TAG on a branch build).
 * Conditions keep null, which GitLab's `== null` tests for.
 */
export function jenkinsText(name: string): string | undefined {
  const value = jenkinsValue(name);
  return value === undefined || !isGitlabPredefined(name) || ALWAYS_SET.has(name) ? value : `${value} ?: ''`;
}

/**
 * {@link jenkinsText} for a context where the variables in `defined` are known to be set: any
 * other name may be unset in Jenkins, and GitLab expands an unset variable to ''.
 */
export function jenkinsTextWith(defined: ReadonlySet<string>): (name: string) => string | undefined {
  return (name) => {
    const value = jenkinsText(name);
    return value === undefined || isGitlabPredefined(name) || defined.has(name) ? value : `${value} ?: ''`;
  };
}

/** True if Jenkins can only give `$name` on an agent (so not in pipeline-level environment {}). */
export function needsAgent(name: string): boolean {
  return AGENT_ONLY.test(jenkinsValue(name) ?? '');
}

/** True if Jenkins names the variable differently, so a stage must set it under GitLab's name. */
export function renamedInJenkins(name: string): boolean {
  const value = jenkinsValue(name);
  return isGitlabPredefined(name) && value !== undefined && value !== `env.${name}`;
}

/** Variables that configure GitLab's runner (checkout, retries of its own steps, feature flags). */
const RUNNER_SETTING = /^(GIT_(DEPTH|STRATEGY|SUBMODULE_\w+|CLEAN_FLAGS|FETCH_EXTRA_FLAGS|CHECKOUT|CLONE_PATH|LFS_SKIP_SMUDGE)|(ARTIFACT_DOWNLOAD|GET_SOURCES|RESTORE_CACHE|EXECUTOR_JOB_SECTION)_ATTEMPTS|CACHE_COMPRESSION_LEVEL|FF_\w+)$/;

/** True if the variable tells GitLab's runner what to do rather than the job's scripts. */
export function isRunnerSetting(name: string): boolean {
  return RUNNER_SETTING.test(name);
}

/** `$NAME` and `${NAME}` references in a GitLab string, in order of appearance, without duplicates. */
export function referencedVariables(text: string): readonly string[] {
  if (!text.includes('$')) return [];
  const known = REFERENCES.get(text);
  if (known) return known;
  const names = [...new Set([...text.matchAll(/\$\$|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].flatMap((m) => (m[1] ? [m[1]] : [])))];
  // Pipelines repeat the same scripts and values across jobs (extends, !reference, anchors).
  if (REFERENCES.size > 10_000) REFERENCES.clear();
  REFERENCES.set(text, names);
  return names;
}

const REFERENCES = new Map<string, readonly string[]>();

/** Variables `text` reads that GitLab sets and Jenkins has no counterpart for. */
export function gitlabOnlyIn(text: string): string[] {
  return referencedVariables(text).filter((name) => jenkinsValue(name) === undefined);
}
