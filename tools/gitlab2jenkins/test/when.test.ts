import { translateExpression } from '../src/gitlab-expression';
import { translateYaml } from './helpers';

/** The `when { ... }` block of the only job, without indentation. */
function whenOf(job: string): { when: string; lines: string[]; jenkinsfile: string } {
  const t = translateYaml(`job:\n  script: x\n${job}`);
  const m = /when \{\n([\s\S]*?)\n {12}\}/.exec(t.jenkinsfile);
  return { when: (m?.[1] ?? '').replace(/^ {16}/gm, ''), lines: t.lines, jenkinsfile: t.jenkinsfile };
}

describe('rules:if expressions', () => {
  test.each([
    ['$CI_COMMIT_BRANCH == "main"', "env.BRANCH_NAME == 'main'"],
    ["$CI_COMMIT_TAG != null && $DEPLOY == 'yes'", "env.TAG_NAME != null && env.DEPLOY == 'yes'"],
    ['($A || $B) && $C', '(env.A || env.B) && env.C'],
    ['$CI_COMMIT_BRANCH =~ /^release\\/.*/i', "(env.BRANCH_NAME ?: '') ==~ '(?i)[\\\\s\\\\S]*(?:^release/.*)[\\\\s\\\\S]*'"],
    ['$X !~ /a\'b/', "!((env.X ?: '') ==~ '[\\\\s\\\\S]*(?:a\\'b)[\\\\s\\\\S]*')"],
  ])('%s', (gitlab, groovy) => {
    expect(translateExpression(gitlab).groovy).toBe(groovy);
  });

  test('unparsable expressions throw', () => {
    expect(() => translateExpression('$A =~ $B')).toThrow(SyntaxError);
    expect(() => translateExpression('$A ==')).toThrow(SyntaxError);
  });
});

describe('rules / only / except -> when', () => {
  test('first-match semantics: earlier never rules are negated', () => {
    const { when } = whenOf('  rules:\n    - if: $SKIP\n      when: never\n    - if: $CI_COMMIT_BRANCH == "main"\n    - changes: [src/**/*]\n');
    expect(when).toBe(
      [
        'beforeAgent true',
        'anyOf {',
        '    allOf {',
        "        expression { env.BRANCH_NAME == 'main' }",
        '        not {',
        '            expression { env.SKIP }',
        '        }',
        '    }',
        '    allOf {',
        "        changeset 'src/**/*'",
        '        not {',
        '            expression { env.SKIP }',
        '        }',
        '    }',
        '}',
      ].join('\n'),
    );
  });

  test('exists needs the workspace, so no beforeAgent', () => {
    expect(whenOf('  rules:\n    - exists: [Dockerfile]\n').when).toBe("expression { findFiles(glob: 'Dockerfile').length > 0 }");
  });

  test('GitLab-only variables are warned about with the rule line', () => {
    const { when, lines } = whenOf('  rules:\n    - if: $CI_COMMIT_REF_PROTECTED == "true"\n');
    expect(when).toContain("expression { env.CI_COMMIT_REF_PROTECTED == 'true' }");
    expect(lines).toEqual([
      '.gitlab-ci.yml:4: job "job" key "rules": $CI_COMMIT_REF_PROTECTED is GitLab-only and unset in Jenkins; define it in environment {} or rewrite the condition',
    ]);
  });

  // Regression: the most common rules:if of the corpus read an unset variable and never matched.
  test('$CI_PIPELINE_SOURCE is derived from the build cause', () => {
    const { when, lines } = whenOf('  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event" || $CI_PIPELINE_SOURCE == "schedule"\n');
    expect(when).toContain("(!currentBuild.getBuildCauses('hudson.model.Cause$UpstreamCause').isEmpty() ? 'parent_pipeline' : env.CHANGE_ID ? 'merge_request_event' : !currentBuild.getBuildCauses('hudson.triggers.TimerTrigger$TimerTriggerCause').isEmpty() ? 'schedule'");
    expect(lines).toEqual([]);
  });

  test('untranslatable expressions warn and fail loudly at run time', () => {
    const { when, lines } = whenOf('  rules:\n    - if: $A =~ $B\n');
    expect(when).toContain("expression { error('untranslated GitLab condition: $A =~ $B') }");
    expect(lines[0]).toMatch(/^\.gitlab-ci\.yml:4: job "job" key "rules": cannot translate expression/);
  });

  test('only refs and except', () => {
    const { when, lines } = whenOf('  only: [main, /^feature-.*$/, tags]\n  except:\n    variables: [$NO_CI]\n');
    expect(when).toBe(
      [
        'beforeAgent true',
        'anyOf {',
        "    branch 'main'",
        "    branch comparator: 'REGEXP', pattern: '.*(?:^feature-.*$).*'",
        '    buildingTag()',
        '}',
        'not {',
        '    expression { env.NO_CI }',
        '}',
      ].join('\n'),
    );
    expect(lines).toEqual([]);
  });

  test('only web is a build started by a user; sources Jenkins never has never match', () => {
    expect(whenOf('  only: [main, web]\n').when).toBe(['beforeAgent true', 'anyOf {', "    branch 'main'", "    triggeredBy 'UserIdCause'", '}'].join('\n'));
    const { when, lines } = whenOf('  only: [main, chat]\n');
    expect(when).toBe("beforeAgent true\nbranch 'main'");
    expect(lines).toEqual(['.gitlab-ci.yml:3: job "job" key "only": only "chat": Jenkins never runs such a pipeline, so this never matches']);
  });

  test('only: merge_requests, schedules, changes', () => {
    expect(whenOf('  only:\n    refs: [merge_requests, schedules]\n    changes: [a.txt]\n').when).toBe(
      ['beforeAgent true', 'anyOf {', '    changeRequest()', "    triggeredBy 'TimerTrigger'", '}', "changeset 'a.txt'"].join('\n'),
    );
  });

  test('rules with only never rules drop the job with a warning', () => {
    const t = translateYaml('a:\n  script: x\nb:\n  script: y\n  rules:\n    - when: never\n');
    expect(t.jenkinsfile).not.toContain("stage('b')");
    expect(t.lines).toEqual(['.gitlab-ci.yml:5: job "b" key "rules": no rule can add this job; it is not emitted']);
  });

  test('when: manual becomes input, guarded by beforeInput', () => {
    const { jenkinsfile } = whenOf('  rules:\n    - if: $CI_COMMIT_TAG\n      when: manual\n  manual_confirmation: Really deploy?\n');
    expect(jenkinsfile).toContain("beforeInput true\n                expression { env.TAG_NAME }");
    expect(jenkinsfile).toContain("input {\n                message 'Really deploy?'\n                ok 'Run'\n            }");
  });
});
