/**
 * Pipelines of n jobs in n stages, one per shape of job the translator emits, for measuring what
 * CPS compiles (test/groovy/cps-facts.json).
 */
export const CPS_SHAPES: Readonly<Record<string, (i: number) => string>> = {
  flat: (i) => `j${i}: {stage: s${i}, script: echo ${i}}\n`,
  rich: (i) => `j${i}:\n  stage: s${i}\n  image: alpine\n  variables: {A: "x$B"}\n  script: [echo ${i}, make test]\n  artifacts: {paths: [o${i}/]}\n  rules: [{if: '$CI_COMMIT_BRANCH == "main"'}]\n`,
  services: (i) => `j${i}:\n  stage: s${i}\n  image: node\n  services: [postgres, redis]\n  before_script: [npm ci]\n  script: [npm test]\n  after_script: [echo done $CI_JOB_STATUS]\n  retry: 2\n  allow_failure: true\n`,
  rules: (i) => `j${i}:\n  stage: s${i}\n  script: deploy\n  rules: [{if: '$CI_COMMIT_TAG', when: manual}, {if: '$CI_COMMIT_BRANCH == "main"', variables: {X: "1"}}, {changes: [src/**]}]\n`,
  matrix: (i) => `j${i}:\n  stage: s${i}\n  script: build $OS\n  parallel: {matrix: [{OS: [a, b, c], V: ["1", "2"]}]}\n`,
  par: (i) => `j${i}:\n  stage: s${Math.floor(i / 5)}\n  script: echo ${i}\n  tags: [docker]\n  timeout: 10m\n`,
};

export function cpsShape(shape: string, jobs: number): string {
  const job = CPS_SHAPES[shape];
  return `stages: [${Array.from({ length: jobs }, (_, i) => `s${i}`).join(', ')}]\nvariables: {B: y}\n${Array.from({ length: jobs }, (_, i) => job(i)).join('')}`;
}

/** The `pipeline {}` block of a generated Jenkinsfile: from its line to its closing brace at column 1. */
export function pipelineBlock(jenkinsfile: string): string[] {
  const lines = jenkinsfile.split('\n');
  return lines.slice(lines.indexOf('pipeline {'), lines.indexOf('}') + 1);
}
