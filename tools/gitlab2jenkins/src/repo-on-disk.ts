import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expandGlob } from './glob';
import type { RepoFiles } from './includes';

/** The repository checked out at `repoRoot`, for `include: local`. */
export function repoOnDisk(repoRoot: string): RepoFiles {
  return {
    read: (path) => {
      const abs = join(repoRoot, path);
      return existsSync(abs) && statSync(abs).isFile() ? readFileSync(abs, 'utf8') : undefined;
    },
    glob: (pattern) => expandGlob(repoRoot, pattern),
  };
}
