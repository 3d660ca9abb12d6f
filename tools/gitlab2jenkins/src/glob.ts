import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** True if the path uses wildcards (GitLab accepts `*` and `**` in `include: local`). */
export function isGlob(path: string): boolean {
  return /[*?]/.test(path);
}

/** `*` and `?` stay inside one path segment, `**` crosses them. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Repo-relative files matching `glob`, sorted so includes merge in a stable order. */
export function expandGlob(repoRoot: string, glob: string): string[] {
  const re = globToRegExp(glob);
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const d of readdirSync(join(repoRoot, rel), { withFileTypes: true })) {
      if (d.name === '.git' || d.name === 'node_modules') continue;
      const p = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) walk(p);
      else if (re.test(p)) out.push(p);
    }
  };
  walk('');
  return out.sort();
}
