import { translateError, translateYaml } from './helpers';

describe('YAML reading', () => {
  test('anchors, aliases and merge keys', () => {
    const { jenkinsfile } = translateYaml(
      ['.defaults: &defaults', '  image: ruby:3', '  tags: [fast]', 'job:', '  <<: *defaults', '  tags: [slow]', '  script: &s', '    - rake', 'again:', '  script: *s'].join('\n'),
    );
    expect(jenkinsfile).toMatch(/image 'ruby:3'\n\s+label 'slow'\n/);
    expect(jenkinsfile).toContain("stage('again')");
  });

  test('invalid YAML is an error with line and column', () => {
    expect(translateError('job:\n  script: [a\n').message).toMatch(/^\.gitlab-ci\.yml:3:1: error: /);
  });

  test('!reference is resolved after extends and spliced into scripts', () => {
    const { jenkinsfile } = translateYaml(
      ['.setup:', '  script: [echo one, echo two]', '.base:', '  variables: {A: "1"}', 'job:', '  extends: .base', '  script:', '    - !reference [.setup, script]', '    - echo three', '  variables: !reference [.base, variables]'].join('\n'),
    );
    expect(jenkinsfile).toContain("gitlabSh('''echo one\necho two\necho three''')");
    expect(jenkinsfile).toContain("A = '1'");
  });

  test('an unknown !reference is an error at the tag', () => {
    expect(translateError('job:\n  script: !reference [.nope, script]\n').message).toBe(
      '.gitlab-ci.yml:2:22: error: !reference [.nope, script] not found (no ".nope")',
    );
  });
});

describe('extends and default', () => {
  test('multi-level and list extends merge deeply; later parents and the job win', () => {
    const { jenkinsfile } = translateYaml(
      [
        '.a:',
        '  image: a:1',
        '  variables: {X: a, Y: a}',
        '.b:',
        '  extends: .a',
        '  variables: {Y: b}',
        '.c:',
        '  tags: [c]',
        'job:',
        '  extends: [.b, .c]',
        '  variables: {Z: job}',
        '  script: echo',
      ].join('\n'),
    );
    expect(jenkinsfile).toContain("X = 'a'\n                Y = 'b'\n                Z = 'job'");
    expect(jenkinsfile).toContain("image 'a:1'\n                    label 'c'");
  });

  test('an extends cycle is an error', () => {
    expect(translateError('.a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: x\n').message).toBe(
      '.gitlab-ci.yml:4:12: error: extends cycle: .a -> .b -> .a',
    );
  });

  test('extends of an unknown job is an error at the name', () => {
    expect(translateError('job:\n  extends: [.nope]\n  script: x\n').message).toBe('.gitlab-ci.yml:2:13: error: "job" extends unknown job ".nope"');
  });

  test('default: applies to jobs lacking the key unless inherit:default opts out; hidden jobs are not emitted', () => {
    const { jenkinsfile } = translateYaml(
      ['default:', '  image: base:1', '.hidden:', '  script: echo hidden', 'a:', '  script: echo a', 'b:', '  inherit: {default: false}', '  script: echo b'].join('\n'),
    );
    expect(jenkinsfile.match(/image 'base:1'/g)).toHaveLength(1);
    expect(jenkinsfile).not.toContain('hidden');
  });
});

describe('GitLab validation', () => {
  test.each([
    ['job:\n  stage: nope\n  script: x\n', '.gitlab-ci.yml:2:10: error: job "job" uses stage "nope", which is not in stages:'],
    ['job:\n  image: x\n', '.gitlab-ci.yml:1:1: error: job "job" has no script (GitLab requires script, run or trigger)'],
    ['job:\n  script: x\n  scirpt: y\n', '.gitlab-ci.yml:3:3: error: job "job" has unknown key "scirpt"'],
    ['.only_hidden:\n  script: x\n', '.gitlab-ci.yml:1:1: error: the pipeline has no visible job'],
    ['a:\n  script: x\n  needs: [b]\n', '.gitlab-ci.yml:3:11: error: job "a" needs unknown job "b"'],
    ['a:\n  script: x\n  timeout: soon\n', '.gitlab-ci.yml:3:12: error: timeout "soon" is not a duration (e.g. \'1h 30m\')'],
    ['- a\n- b\n', '.gitlab-ci.yml:1:1: error: the pipeline configuration must be a YAML mapping'],
  ])('%j', (yaml, message) => {
    expect(translateError(yaml).message).toBe(message);
  });
});
