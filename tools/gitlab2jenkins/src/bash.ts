/**
 * GitLab runs job scripts with bash when the image has it, Jenkins' `sh` with /bin/sh (dash on
 * Debian images). Scripts written for bash therefore need it named explicitly.
 */
const BASH_ONLY: readonly RegExp[] = [
  /(^|[\s;&|(])source\s/m, // `.` is the POSIX spelling
  /\[\[/,
  /<\(|>\(/, // process substitution
  /<<</,
  /&>/,
  /\$\{!?\w+(\/\/?|\^|,|:-?\d)/, // ${x//a/b}, ${x^^}, ${x:0:7}, ${!ref}
  /(^|[\s;])\w+=\(/m, // arrays
  /(^|[\s;])(function\s+\w+|shopt\s|declare\s|local\s+-|mapfile\s|readarray\s)/m,
  /set\s+-\w*o\s+pipefail|set\s+-o\s+pipefail/,
];

/** True if the script uses syntax /bin/sh (dash) does not accept. */
export function usesBashSyntax(script: string): boolean {
  return BASH_ONLY.some((re) => re.test(script));
}

/** Script head making Jenkins run bash with the options GitLab's runner sets for bash. */
export const BASH_PROLOGUE = ['#!/usr/bin/env bash', 'set -eo pipefail'];
