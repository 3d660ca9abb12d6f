/**
 * Git repository URLs as config names them (`git@host:group/repo.git`, `ssh://git@host:2222/group/repo.git`,
 * `https://host/group/repo.git`), reduced to what the webhook relay, the commit status reporter
 * and config validation compare: the host and the project path.
 */

/** `git@github.com:Acme/x.git`, `https://github.com/acme/x` and `ssh://git@github.com/acme/x.git` all become `github.com/acme/x`. */
export function repositoryKey(url: string): string {
  const withoutScheme = url.replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '');
  return withoutScheme.replace(/:(?!\d+\/)/, '/').replace(/:\d+\//, '/').replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
}

/** Host and project path (`group/sub/repo`) of a repository URL, lower-cased. */
export function repositoryParts(url: string): { readonly host: string; readonly project: string } {
  const key = repositoryKey(url);
  const slash = key.indexOf('/');
  return { host: key.slice(0, slash), project: key.slice(slash + 1) };
}
