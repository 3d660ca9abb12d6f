/**
 * Flags and exits of the entry points in bin/ and scripts/ (documented in the README): an unknown
 * flag, a flag without its value or a stray argument is a usage error (exit 2) naming the flag; a
 * config error prints its located message (exit 1) without a stack trace, and so does an input the
 * command cannot read.
 */
import { ConfigError } from './config/config-error';

/** Wrong flags or arguments: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An input the command was pointed at but cannot use (missing or unreadable file): exit 1, one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The values of `--<flag> <value>` (or `--<flag>=<value>`) flags; each at most once, nothing else on the command line. */
export function parseFlags<F extends string>(argv: readonly string[], flags: readonly F[]): Partial<Record<F, string>> {
  const result: Partial<Record<F, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const inline = arg.indexOf('=');
    const flag = (arg.startsWith('--') ? arg.slice(2, inline >= 0 ? inline : undefined) : undefined) as F | undefined;
    if (flag === undefined || !flags.includes(flag)) {
      throw new UsageError(arg.startsWith('-') ? `unknown flag ${inline >= 0 ? arg.slice(0, inline) : arg}` : `unexpected argument ${JSON.stringify(arg)}`);
    }
    // A following flag is not a value: `--config --verbose` forgot the folder.
    const value = inline >= 0 ? arg.slice(inline + 1) : argv[++i];
    if (value === undefined || value === '' || (inline < 0 && value.startsWith('-'))) throw new UsageError(`--${flag} needs a value`);
    if (result[flag] !== undefined) throw new UsageError(`--${flag} given twice; give it once`);
    result[flag] = value;
  }
  return result;
}

/**
 * Runs `main` and exits with its code; usage, config and input errors become their message and
 * exit code instead of a stack trace. Anything else is a bug and keeps its stack.
 */
export function runCommand(name: string, usage: string, main: () => number | Promise<number>): void {
  const fail = (e: unknown): never => {
    if (e instanceof UsageError) {
      console.error(`${name}: ${e.message}\n${usage}`);
      process.exit(EXIT.usage);
    }
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(EXIT.failed);
    }
    if (e instanceof InputError) {
      console.error(`${name}: ${e.message}`);
      process.exit(EXIT.failed);
    }
    throw e;
  };
  try {
    Promise.resolve(main()).then((code) => process.exit(code), fail);
  } catch (e) {
    fail(e);
  }
}
