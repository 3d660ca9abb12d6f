/**
 * Paths inside a component's repository that the pipelines hand to command-line tools (docker -f,
 * helm package, Jenkins' junit step): relative, `/`-separated parts of letters, digits and `_ . @ + -`,
 * no part `.` or `..`, no part starting with `-` (a tool would read it as an option). Only a report
 * pattern may use the glob characters `*` and `?` (Ant patterns such as `reports/**\/*.xml`).
 */

/** Why `path` is not a plain repository path (globs allowed when `glob`), or undefined when it is. */
export function repoPathProblem(path: string, options: { readonly glob: boolean }): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (path.length > 1024) return 'must be at most 1024 characters';
  if (path.startsWith('/')) return 'must be relative to the repository root (no leading /)';
  const part = options.glob ? /^[\w.@+*?-]+$/ : /^[\w.@+-]+$/;
  for (const p of path.split('/')) {
    if (p === '') return 'must not contain an empty part (// or a trailing /)';
    if (p === '.' || p === '..') return 'must not contain . or .. parts (stay inside the repository)';
    if (p.startsWith('-')) return `part "${p}" must not start with - (a command-line tool would read it as an option)`;
    if (!part.test(p)) {
      return options.glob
        ? `part "${p}" may use only letters, digits, _ . @ + - and the globs * ?`
        : `part "${p}" may use only letters, digits, _ . @ + - (no globs, spaces or shell characters)`;
    }
  }
  return undefined;
}

/** Why `name` is not a plain file name (no folders), or undefined when it is. */
export function fileNameProblem(name: string): string | undefined {
  if (name.includes('/')) return 'must be a file name, not a path';
  return repoPathProblem(name, { glob: false });
}
