import { relative, resolve, sep } from 'node:path';
import { emitWithChildren, pipelineModel, type ChildJenkinsfile } from './child-pipelines';
import { Diagnostics, PipelineError, type Warning } from './diagnostics';
import { loadWithIncludes, type ParsedFiles, type RepoFiles } from './includes';
import { repoOnDisk } from './repo-on-disk';

export { type ChildJenkinsfile } from './child-pipelines';
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

/** The generated Jenkinsfiles and what could not be mapped faithfully. */
export interface Translation {
  readonly jenkinsfile: string;
  /** One Jenkinsfile per local child pipeline (`trigger:include`), for the jobs the trigger jobs start. */
  readonly children: readonly ChildJenkinsfile[];
  /** Warnings of the pipeline and of its children, sorted by file and line. */
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
 * placeholder stage, like remote includes, and child pipelines are started but not translated
 * (no `children`). Throws PipelineError like {@link translateFile}.
 */
export function translateText(yaml: string, options: TranslateTextOptions = {}): Translation {
  return translate(options.filename ?? '.gitlab-ci.yml', yaml, undefined);
}

function translate(entry: string, text: string, repo: RepoFiles | undefined): Translation {
  const diags = new Diagnostics();
  const parsed: ParsedFiles = new Map();
  const { jenkinsfile, children } = emitWithChildren(pipelineModel(loadWithIncludes(entry, text, repo, diags, parsed), entry, diags), repo, diags, parsed);
  return { jenkinsfile, children, warnings: diags.warnings };
}
