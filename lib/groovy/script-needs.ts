/**
 * What GitLab job scripts assume about how they run, where Jenkins differs. GitLab runs them with
 * bash when the image has it, Jenkins' `sh` with /bin/sh (dash on Debian images); GitLab runs a
 * job image as its default user (usually root), Jenkins' docker agent as the agent's user.
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

const PACKAGE_INSTALL = /\b(?:(?:apt-get|apt|yum|dnf|microdnf|zypper)(?:\s+-\S+)*\s+install|apk(?:\s+-\S+)*\s+add)\b/;

/** True if the script installs system packages, which needs root. */
export function installsPackages(script: string): boolean {
  return PACKAGE_INSTALL.test(script);
}
