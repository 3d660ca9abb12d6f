/**
 * Git ref names as `git check-ref-format` accepts them (git-check-ref-format(1), rules 1-10), within
 * the characters this platform passes on to Jenkins, Argo CD and shell steps: ASCII letters, digits,
 * `_`, `.`, `/` and `-`. A test runs the real `git check-ref-format` on generated names.
 */

/** Characters a branch or revision may use here (a subset of what git allows). */
const REF_CHARACTERS = /^[A-Za-z0-9_./-]+$/;

/** Why `name` is not a usable branch name (`git check-ref-format --branch`), or undefined when it is. */
export function branchNameProblem(name: string): string | undefined {
  if (name.startsWith('-')) return 'must not start with - (git and command-line tools read it as an option)';
  if (name === 'HEAD') return 'HEAD is not a branch name';
  return refNameProblem(name);
}

/** Why `name` is not a usable ref name (branch, tag or commit id), or undefined when it is. */
export function refNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 255) return 'must be at most 255 characters';
  if (!REF_CHARACTERS.test(name)) return 'may use only letters, digits, _, ., / and -';
  if (name.startsWith('-')) return 'must not start with - (git and command-line tools read it as an option)';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'must not start or end with / or contain //';
  if (name.includes('..')) return 'must not contain ..';
  if (name.endsWith('.')) return 'must not end with .';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'no /-separated part may start with .';
    if (part.endsWith('.lock')) return 'no /-separated part may end with .lock';
  }
  return undefined;
}

/** A coarser pattern for editors (JSON Schema): the characters and the leading character. */
export const GIT_REF_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_./-]*$';
