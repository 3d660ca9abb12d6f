/**
 * How a job's script runs. GitLab's runner (shells/bash.go: BashDetectShellScript and
 * BashWriter.Finish) starts bash when the image has it, else sh, then runs
 * `if set -o | grep pipefail > /dev/null; then set -o pipefail; fi; set -o errexit`. Jenkins' `sh`
 * runs `/bin/sh -xe` (dash on Debian, without pipefail), so `make test | tee log` would hide a
 * failing test. The generated Jenkinsfile does what the runner does, in helpers defined once.
 */
import { block, str } from '../../../lib/groovy/groovy';

/** The step running a job's `before_script` + `script` in one shell. */
export function scriptStep(lines: readonly string[]): string {
  return `gitlabSh(${str(lines.join('\n'))})`;
}

/** The step running `after_script`, whose failure GitLab reports but does not count. */
export function afterScriptStep(lines: readonly string[]): string {
  return `gitlabAfterScript(${str(lines.join('\n'))})`;
}

/**
 * The helpers, appended after the pipeline. The script starts with `#!`, so Jenkins executes it
 * directly (durable-task's BourneShellScript) and `$0` is its path, which bash re-reads.
 */
export const SHELL_HELPERS: readonly string[] = [
  '',
  "// GitLab's runner: bash if the image has it, else sh; pipefail where the shell has it; errexit.",
  // One element: block() indents only its first line, so the literal stays flush-left.
  ...block('String gitlabShell(String script)', [
    [
      "return '''#!/bin/sh",
      'if [ -z "$GITLAB_RUNNER_SHELL" ]; then',
      '    for GITLAB_RUNNER_SHELL in /usr/local/bin/bash /usr/bin/bash /bin/bash; do',
      '        if [ -x "$GITLAB_RUNNER_SHELL" ]; then export GITLAB_RUNNER_SHELL; exec "$GITLAB_RUNNER_SHELL" "$0"; fi',
      '    done',
      'fi',
      'if set -o | grep pipefail > /dev/null; then set -o pipefail; fi; set -o errexit',
      'set -o xtrace',
      "''' + script + '\\n'",
    ].join('\n'),
  ]),
  '',
  ...block('def gitlabSh(String script)', ['sh gitlabShell(script)']),
  '',
  '// after_script: GitLab ignores its exit code for the job result.',
  ...block('def gitlabAfterScript(String script)', [
    'int status = sh(script: gitlabShell(script), returnStatus: true)',
    ...block('if (status != 0)', ['echo "after_script exited with ${status}; the job result is unchanged, as in GitLab"']),
  ]),
];
