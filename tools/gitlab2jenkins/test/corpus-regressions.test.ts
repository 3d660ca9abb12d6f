import { translateError, translateYaml } from './helpers';

// Translator bugs found while writing the corpus and reviewing its Jenkinsfiles.
describe('corpus regressions', () => {
  test('global variables that need a workspace are set per stage, not at pipeline level', () => {
    const { jenkinsfile } = translateYaml(
      'variables:\n  NAME: app\n  CACHE: "$CI_PROJECT_DIR/.cache"\n  PIP: "$CACHE/pip"\na:\n  script: x\nb:\n  variables: {CACHE: /tmp}\n  script: y\n',
    );
    const [pipelineEnv] = jenkinsfile.split("stages {");
    expect(pipelineEnv).toContain("NAME = 'app'");
    expect(pipelineEnv).not.toContain('CACHE');
    expect(jenkinsfile).toContain(
      "stage('a') {\n                    agent any\n                    environment {\n                        CACHE = \"${env.WORKSPACE}/.cache\"\n                        PIP = \"${env.CACHE}/pip\"",
    );
    // b overrides CACHE, so only the dependent PIP comes from the globals, after the CACHE it reads.
    expect(jenkinsfile).toContain("environment {\n                        CACHE = '/tmp'\n                        PIP = \"${env.CACHE}/pip\"");
  });

  test('conditions are evaluated before options, so a skipped stage takes no lock', () => {
    const { jenkinsfile } = translateYaml('job:\n  resource_group: prod\n  only: [main]\n  script: x\n');
    expect(jenkinsfile).toContain("when {\n                beforeAgent true\n                beforeOptions true\n                branch 'main'");
  });

  test("a manual job's timeout and lock wrap its steps instead of covering the wait at input", () => {
    const { jenkinsfile } = translateYaml('job:\n  when: manual\n  timeout: 10m\n  resource_group: prod\n  script: x\n');
    expect(jenkinsfile).not.toContain('options {');
    expect(jenkinsfile).toContain(
      "steps {\n                timeout(time: 10, unit: 'MINUTES') {\n                    lock('prod') {\n                        catchError(",
    );
  });

  test("docker:dind becomes the agent's Docker socket, with a warning", () => {
    const { jenkinsfile, lines } = translateYaml('job:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n');
    expect(jenkinsfile).toContain("image 'docker:27'\n                    args '-v /var/run/docker.sock:/var/run/docker.sock'");
    expect(jenkinsfile).not.toContain('withRun');
    expect(lines).toEqual([expect.stringMatching(/^\.gitlab-ci\.yml:3: job "job" key "services": docker:dind is not started/)]);
  });

  // Superseded by the runner's own shell choice (job-shell.ts), proven in behaviour.test.ts.
  test('every script runs in the shell GitLab would pick (bash where the image has it)', () => {
    const { jenkinsfile } = translateYaml('a:\n  script: [source .venv/bin/activate, pytest]\nb:\n  script: [. ./env.sh, "echo ${CI_COMMIT_TAG#v}"]\n');
    expect(jenkinsfile).toContain("gitlabSh('''source .venv/bin/activate\npytest''')");
    expect(jenkinsfile).toContain("gitlabSh('''. ./env.sh\necho ${CI_COMMIT_TAG#v}''')");
    expect(jenkinsfile).toContain('exec "$GITLAB_RUNNER_SHELL" "$0"');
  });

  test('variables in the image are substituted: the stage environment does not exist yet when the agent starts', () => {
    const { jenkinsfile } = translateYaml('variables: {REG: r.example}\njob:\n  image: $REG/node:${NODE}-$$x\n  variables: {NODE: "20"}\n  script: x\n');
    expect(jenkinsfile).toContain('image "r.example/node:20-\\$x"');
  });

  test('installing packages in a job image is warned about: Jenkins does not run it as root', () => {
    const warned = (script: string): number => translateYaml(`job:\n  image: debian\n  script: ${JSON.stringify(script)}\n`).warnings.length;
    expect(warned('apt-get --quiet install --yes wget')).toBe(1);
    expect(warned('apk add --no-cache curl')).toBe(1);
    expect(warned('pip install -r requirements.txt')).toBe(0);
  });

  test('$CI_COMMIT_SHORT_SHA and $CI_COMMIT_REF_SLUG, common in image tags, are derived from Jenkins values', () => {
    const { jenkinsfile, warnings } = translateYaml('job:\n  script: docker build -t "app:$CI_COMMIT_REF_SLUG-$CI_COMMIT_SHORT_SHA" .\n');
    expect(warnings).toEqual([]);
    expect(jenkinsfile).toContain('CI_COMMIT_REF_SLUG = "${env.BRANCH_NAME?.toLowerCase()?.replaceFirst(\'^(.{63}).*$\', \'$1\')');
    expect(jenkinsfile).toContain('CI_COMMIT_SHORT_SHA = "${env.GIT_COMMIT?.substring(0, 8) ?: \'\'}"');
  });

  // GitLab templates are usually tuned by redefining their jobs, e.g. `sast: {stage: scan}`.
  test('with unresolved includes, jobs completed by them become failing stages instead of errors', () => {
    const yaml = [
      'include: [{template: Jobs/SAST.gitlab-ci.yml}]',
      'sast:',
      '  stage: test',
      'report:',
      '  extends: .sast-base',
      '  needs: [semgrep-sast]',
      '  dependencies: [semgrep-sast]',
      '  script: cat gl-sast-report.json',
      'notify:',
      '  when: on_failure',
      '  trigger: team/alerts',
    ].join('\n');
    const { jenkinsfile, lines } = translateYaml(yaml);
    expect(lines.slice(1)).toEqual([
      '.gitlab-ci.yml:2: job "sast" key "script": no script here; the job is probably defined by an include that was not resolved, so its stage fails at run time',
      '.gitlab-ci.yml:5: job "report" key "extends": ".sast-base" is unknown, probably defined by an include that was not resolved; its keys are missing',
      '.gitlab-ci.yml:6: job "report" key "needs": "semgrep-sast" is unknown, probably defined by an include that was not resolved; not waited for',
      '.gitlab-ci.yml:7: job "report" key "dependencies": "semgrep-sast" is unknown, probably defined by an include that was not resolved; its artifacts are not restored',
      '.gitlab-ci.yml:11: job "notify" key "trigger": downstream pipeline (team/alerts) is not translated; the stage fails at run time (port it to build job: ...)',
    ]);
    // The pipeline has an on_failure job, so placeholders fail without skipping it.
    expect(jenkinsfile).toContain("steps {\n                        catchError(buildResult: 'FAILURE', stageResult: 'FAILURE') {\n                            error('GitLab job \"sast\" is defined by an include that was not resolved; inline it into the repository')");
    expect(jenkinsfile).toContain("stage('notify') {\n                    when {\n                        expression { currentBuild.currentResult == 'FAILURE' }\n                    }\n                    steps {\n                        catchError(buildResult: 'FAILURE', stageResult: 'FAILURE') {\n                            error('GitLab trigger job \"notify\" (team/alerts) has no Jenkins translation yet')");
    // Without unresolved includes the same gaps are errors, as in GitLab.
    expect(() => translateYaml('sast:\n  stage: test\n')).toThrow('job "sast" has no script');
  });

  test("variables configuring GitLab's runner (GIT_DEPTH, ...) are warned about: they do nothing in Jenkins", () => {
    const { lines } = translateYaml('variables: {GIT_DEPTH: "0", FF_USE_FASTZIP: "true", GIT_AUTHOR: me}\njob:\n  variables: {GIT_SUBMODULE_STRATEGY: recursive}\n  script: x\n');
    expect(lines.map((l) => l.split(' configures')[0])).toEqual([
      '.gitlab-ci.yml:1: key "variables": GIT_DEPTH',
      '.gitlab-ci.yml:1: key "variables": FF_USE_FASTZIP',
      '.gitlab-ci.yml:3: job "job" key "variables": GIT_SUBMODULE_STRATEGY',
    ]);
  });

  test('artifacts:reports:dotenv variables reach the following stages, as in release pipelines', () => {
    const { jenkinsfile, warnings } = translateYaml('build:\n  script: echo V=1 > b.env\n  artifacts: {reports: {dotenv: b.env}}\n');
    expect(warnings).toEqual([]);
    expect(jenkinsfile).toContain("gitlabSh('echo V=1 > b.env')\n                script {\n                    loadDotenv('b.env')\n                }");
    expect(jenkinsfile).toContain("for (String line : readFile(file).split('\\r?\\n')) {");
  });

  test('a job named pages is a Pages deployment, which Jenkins does not do', () => {
    expect(translateYaml('pages:\n  script: mkdocs build -d public\n  artifacts: {paths: [public]}\n').lines).toEqual([
      ".gitlab-ci.yml:1: job \"pages\" key \"pages\": GitLab deploys this job's public/ to Pages; Jenkins only archives it: publish the site in a script step",
    ]);
  });

  // Found while hardening the service: the matrix product was built before any limit applied.
  test('a matrix is limited to 200 jobs as in GitLab, and to 1000 Jenkins cells', () => {
    const values = (n: number, p: string): string => `[${Array.from({ length: n }, (_, i) => `${p}${i}`).join(', ')}]`;
    const matrix = (entries: string[]): string => `job:\n  script: x\n  parallel:\n    matrix:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
    expect(translateError(matrix([`{A: ${values(20, 'a')}, B: ${values(20, 'b')}}`])).message).toBe('.gitlab-ci.yml:5:7: error: parallel:matrix generates 400 jobs; GitLab allows at most 200');
    // 4 x 50 jobs, but 20 x 20 x 8 cells once combined.
    const disjoint = ['a', 'b', 'c', 'd'].map((p) => `{A: ${values(5, `${p}a`)}, B: ${values(5, `${p}b`)}, C: ${values(2, `${p}c`)}}`);
    const { jenkinsfile, lines } = translateYaml(matrix(disjoint));
    expect(lines).toEqual([
      expect.stringMatching(/^\.gitlab-ci\.yml:1: key "stages": the Jenkinsfile has 51 stages \(matrix cells included\)/),
      '.gitlab-ci.yml:3: job "job" key "parallel": the matrix entries combined span more than 1000 Jenkins cells; only the first entry is kept',
    ]);
    expect(jenkinsfile).not.toContain('excludes');
  });

  // Groovy writes null as "null": `[ -n "$CI_COMMIT_TAG" ]` was true on every branch build.
  test('predefined variables Jenkins may leave unset expand to an empty string, not "null"; conditions keep null', () => {
    const { jenkinsfile } = translateYaml('job:\n  rules: [{if: $CI_COMMIT_TAG == null}]\n  script: test -n "$CI_COMMIT_TAG" || echo $CI_COMMIT_SHA $CI\n');
    expect(jenkinsfile).toContain(`CI_COMMIT_TAG = "\${env.TAG_NAME ?: ''}"`);
    expect(jenkinsfile).toContain('CI_COMMIT_SHA = "${env.GIT_COMMIT}"');
    expect(jenkinsfile).toContain(`CI = "\${'true'}"`);
    expect(jenkinsfile).toContain('expression { env.TAG_NAME == null }');
  });

  // Found by running the corpus in the declarative interpreter: Groovy compiles `URL = ...` as an
  // assignment to java.net.URL, so the Jenkinsfile did not load.
  test('variables named like Groovy default-import classes are set with withEnv', () => {
    const { jenkinsfile } = translateYaml('variables: {URL: "https://x"}\njob:\n  variables: {UUID: "1"}\n  script: curl "$URL"\n');
    expect(jenkinsfile).not.toMatch(/^\s*(URL|UUID) = /m);
    expect(jenkinsfile).toContain("withEnv(['URL=https://x', 'UUID=1']) {\n                    gitlabSh('curl \"$URL\"')");
  });

  // Found by the 1 MiB benchmark shapes: the waves of one stage were computed recursively.
  test('a chain of needs thousands of jobs long is ordered without exhausting the stack', () => {
    const n = 5000;
    const yaml = Array.from({ length: n }, (_, i) => `j${i}: {script: x, needs: [${i < n - 1 ? `j${i + 1}` : ''}]}\n`).join('');
    const { jenkinsfile } = translateYaml(yaml);
    expect(jenkinsfile.indexOf(`stage('j${n - 1}')`)).toBeLessThan(jenkinsfile.indexOf("stage('j0')"));
  });
});
