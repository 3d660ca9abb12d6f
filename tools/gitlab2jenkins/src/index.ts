import { resolve } from 'node:path';
import { buildPipeline } from './build-model';
import { Diagnostics, type Warning } from './diagnostics';
import { emitJenkinsfile } from './emitter';
import { resolveExtends } from './extends';
import { loadWithIncludes, toRepoPath } from './includes';
import { resolveReferences } from './reference-tag';

export { formatWarning, PipelineError, type SourcePos, type Warning } from './diagnostics';

/** Options of {@link translateFile}. */
export interface TranslateOptions {
  /** Directory `include: local` paths are relative to; defaults to the current directory. */
  readonly repoRoot?: string;
}

/** A generated Jenkinsfile and what could not be mapped faithfully. */
export interface Translation {
  readonly jenkinsfile: string;
  readonly warnings: readonly Warning[];
}

/**
 * Translates a `.gitlab-ci.yml` into a declarative Jenkinsfile. Throws PipelineError (with file,
 * line and column) for invalid YAML or a configuration GitLab would reject.
 */
export function translateFile(gitlabCiPath: string, options: TranslateOptions = {}): Translation {
  const repoRoot = resolve(options.repoRoot ?? '.');
  const diags = new Diagnostics();
  const { root, unresolved } = loadWithIncludes(resolve(gitlabCiPath), repoRoot, diags);
  // Order matters: GitLab merges includes, then extends, and resolves !reference last.
  const resolved = resolveReferences(resolveExtends(root));
  const pipeline = buildPipeline(resolved, toRepoPath(repoRoot, resolve(gitlabCiPath)), unresolved, diags);
  const jenkinsfile = emitJenkinsfile(pipeline, diags);
  return { jenkinsfile, warnings: diags.warnings };
}
