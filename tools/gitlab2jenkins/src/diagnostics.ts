/** A place in a source file; line and col are 1-based. */
export interface SourcePos {
  /** Path of the file, relative to the repository root when it came from an include. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Something the translation could not map faithfully; the pipeline is still emitted. */
export interface Warning {
  /** Job name, or '' for pipeline-level warnings (include, workflow, ...). */
  readonly job: string;
  /** The GitLab key concerned, e.g. 'cache' or 'rules'. */
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Renders a warning as `file:line: job "x" key "y": message` (the job part is omitted when empty). */
export function formatWarning(w: Warning): string {
  const job = w.job === '' ? '' : ` job "${w.job}"`;
  return `${w.file}:${w.line}:${job} key "${w.key}": ${w.message}`;
}

/** Input GitLab would reject (or that is not YAML at all); nothing must be written. */
export class PipelineError extends Error {
  constructor(
    readonly detail: string,
    readonly pos: SourcePos,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: error: ${detail}`);
    this.name = 'PipelineError';
  }
}

/** Collects warnings in the order they are found; callers read them sorted by place. */
export class Diagnostics {
  private readonly items: Warning[] = [];

  warn(job: string, key: string, pos: SourcePos, message: string): void {
    this.items.push({ job, key, file: pos.file, line: pos.line, message });
  }

  /** Sorted by file then line; the sort is stable, so equal places keep discovery order. */
  get warnings(): readonly Warning[] {
    return [...this.items].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  }
}

/** How warnings name the likely source of what a configuration with unread includes lacks. */
export const FROM_INCLUDE = 'probably defined by an include that was not resolved';
