import { relative, resolve, sep } from 'node:path';
import { buildPipeline } from './build-model';
import { Diagnostics, PipelineError, type Warning } from './diagnostics';
import { emitJenkinsfile } from './emitter';
import { resolveExtends } from './extends';
import { loadWithIncludes, type RepoFiles } from './includes';
import { resolveReferences } from './reference-tag';
import { repoOnDisk } from './repo-on-disk';

export { formatWarning, PipelineError, type SourcePos, type Warning } from './diagnostics';

/** Options of {@link translateFile}. */
export interface TranslateOptions {
  /** Directory `include: local` paths are relative to; defaults to the current directory. */
  readonly repoRoot?: string;
}

/** Options of {@link translateText}. */
export interface TranslateTextOptions {
  /** Name used in warnings, errors and the Jenkinsfile header; defaults to `.gitlab-ci.yml`. */
  readonly filename?: string;
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
  const repo = repoOnDisk(repoRoot);
  // GitLab names files relative to the repository root, with forward slashes.
  const entry = relative(repoRoot, resolve(gitlabCiPath)).split(sep).join('/');
  const text = repo.read(entry);
  if (text === undefined) throw new PipelineError(`file "${entry}" does not exist`, { file: entry, line: 1, col: 1 });
  return translate(entry, text, repo);
}

/**
 * Translates one uploaded `.gitlab-ci.yml` without touching the filesystem (for the HTTP
 * service). There is no repository, so `include: local` becomes a warning and a failing
 * placeholder stage, like remote includes. Throws PipelineError like {@link translateFile}.
 */
export function translateText(yaml: string, options: TranslateTextOptions = {}): Translation {
  return translate(options.filename ?? '.gitlab-ci.yml', yaml, undefined);
}

function translate(entry: string, text: string, repo: RepoFiles | undefined): Translation {
  const diags = new Diagnostics();
  const { root, unresolved } = loadWithIncludes(entry, text, repo, diags);
  // Order matters: GitLab merges includes, then extends, and resolves !reference last.
  const partial = unresolved.length > 0;
  const resolved = resolveReferences(resolveExtends(root, partial, diags), partial, diags);
  const pipeline = buildPipeline(resolved, entry, unresolved, diags);
  return { jenkinsfile: emitJenkinsfile(pipeline, diags), warnings: diags.warnings };
}
