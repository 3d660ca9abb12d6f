/**
 * GitLab predefined variables with a Jenkins (multibranch) counterpart. Anything else named CI_*
 * or GITLAB_* is GitLab-only and is reported when a translated construct depends on it.
 */
const JENKINS_EQUIVALENT: ReadonlyMap<string, string> = new Map([
  ['CI_COMMIT_BRANCH', 'BRANCH_NAME'],
  ['CI_COMMIT_REF_NAME', 'BRANCH_NAME'],
  ['CI_COMMIT_TAG', 'TAG_NAME'],
  ['CI_COMMIT_SHA', 'GIT_COMMIT'],
  ['CI_MERGE_REQUEST_IID', 'CHANGE_ID'],
  ['CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CHANGE_BRANCH'],
  ['CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'CHANGE_TARGET'],
  ['CI_MERGE_REQUEST_TITLE', 'CHANGE_TITLE'],
  ['CI_PIPELINE_ID', 'BUILD_NUMBER'],
  ['CI_PIPELINE_URL', 'BUILD_URL'],
  ['CI_JOB_ID', 'BUILD_ID'],
  ['CI_JOB_URL', 'BUILD_URL'],
  ['CI_PROJECT_DIR', 'WORKSPACE'],
  ['CI_BUILDS_DIR', 'WORKSPACE'],
  ['CI_NODE_INDEX', 'CI_NODE_INDEX'],
  ['CI_NODE_TOTAL', 'CI_NODE_TOTAL'],
  ['CI_ENVIRONMENT_NAME', 'CI_ENVIRONMENT_NAME'],
  ['CI_ENVIRONMENT_URL', 'CI_ENVIRONMENT_URL'],
  ['CI', 'CI'],
]);

/** True for names GitLab sets itself (CI_*, GITLAB_*), which Jenkins will not set under that name. */
export function isGitlabPredefined(name: string): boolean {
  return /^(CI|GITLAB)_/.test(name) || name === 'CI';
}

/** The Jenkins environment variable to read for `name`, or undefined for a GitLab-only variable. */
export function jenkinsVariable(name: string): string | undefined {
  return isGitlabPredefined(name) ? JENKINS_EQUIVALENT.get(name) : name;
}

/** `$NAME` and `${NAME}` references in a GitLab string, in order of appearance, without duplicates. */
export function referencedVariables(text: string): string[] {
  const names = [...text.matchAll(/\$\$|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].flatMap((m) => (m[1] ? [m[1]] : []));
  return [...new Set(names)];
}

/** Variables `text` reads that GitLab sets and Jenkins has no counterpart for. */
export function gitlabOnlyIn(text: string): string[] {
  return referencedVariables(text).filter((name) => jenkinsVariable(name) === undefined);
}
