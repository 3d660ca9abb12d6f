import { escapeText } from './escape-text';

/** One thing wrong with the config, located precisely enough to fix without guessing. */
export interface ConfigProblem {
  /** The file, relative to the working directory. */
  readonly file: string;
  /** 1-based line and column in the file, where known. */
  readonly line?: number;
  readonly column?: number;
  /** Field path such as `components[1].name`; empty for the whole file. */
  readonly path: string;
  /** The offending value as written, or `(missing)`. */
  readonly value?: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** One line; invisible and non-ASCII characters escaped wherever they come from (a value, a file name, a YAML parser message). */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column}` : p.file;
  const field = p.path ? ` ${p.path}` : '';
  const value = p.value !== undefined ? ` = ${p.value}` : '';
  return escapeText(`${where}${field}${value}: ${p.message}`);
}

/** Invalid platform config; raised before any construct exists, so no template is written. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid platform config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
