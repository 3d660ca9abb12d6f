import { expanded, shStep, str } from '../../../lib/groovy/groovy';
import { translateYaml } from './helpers';

describe('Groovy escaping', () => {
  test('single quotes and backslashes are escaped, $ stays literal', () => {
    expect(str("it's")).toBe("'it\\'s'");
    expect(str('a\\b')).toBe("'a\\\\b'");
    expect(str('echo $HOME ${USER}')).toBe("'echo $HOME ${USER}'");
  });

  test('multi-line text uses a triple-quoted literal; embedded triple quotes cannot close it', () => {
    expect(str("a\n'''b")).toBe("'''a\n\\'\\'\\'b'''");
    expect(shStep(['cd dist', "echo 'x' \\", '  "$VAR"'])).toBe("sh '''\ncd dist\necho \\'x\\' \\\\\n  \"$VAR\"\n'''");
  });

  test('a single command uses a plain single-quoted sh', () => {
    expect(shStep(['echo "$CI_JOB_NAME" \'q\''])).toBe("sh 'echo \"$CI_JOB_NAME\" \\'q\\''");
  });

  test('a trailing backslash or quote does not escape the closing quote', () => {
    expect(shStep(['echo \\'])).toBe("sh 'echo \\\\'");
    expect(shStep(["a", "b'"])).toBe("sh '''\na\nb\\'\n'''");
  });

  test('GitLab-expanded values become GStrings with env references; $$ is a literal dollar', () => {
    const value = (n: string): string | undefined => (n === 'CI_COMMIT_SHORT_SHA' ? 'env.GIT_COMMIT?.substring(0, 8)' : n === 'GONE' ? undefined : `env.${n}`);
    expect(expanded('plain', value)).toBe("'plain'");
    expect(expanded('img:$CI_COMMIT_SHORT_SHA-${TAG}', value)).toBe('"img:${env.GIT_COMMIT?.substring(0, 8)}-${env.TAG}"');
    expect(expanded('cost $$5 "q" \\ $GONE', value)).toBe('"cost \\$5 \\"q\\" \\\\ \\$GONE"');
  });

  test('scripts reach the Jenkinsfile unchanged through the whole pipeline', () => {
    const yaml = [
      'job:',
      '  script:',
      `    - echo 'single' "double" \\\\back $VAR \${BRACED} $$`,
      '    - |',
      '      cat <<EOF',
      "      it's '''quoted'''",
      '      EOF',
    ].join('\n');
    const { jenkinsfile } = translateYaml(yaml);
    expect(jenkinsfile).toContain(
      ["gitlabSh('''echo \\'single\\' \"double\" \\\\\\\\back $VAR ${BRACED} $$", 'cat <<EOF', "it\\'s \\'\\'\\'quoted\\'\\'\\'", 'EOF', "''')"].join('\n'),
    );
  });
});
