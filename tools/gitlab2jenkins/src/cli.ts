import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatWarning, PipelineError, translateFile } from './index';

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, invalidInput: 1, usage: 2 } as const;

const USAGE = `Usage: gitlab2jenkins <path/to/.gitlab-ci.yml> [--repo-root DIR] [-o Jenkinsfile]

Translates a GitLab CI configuration into a declarative Jenkinsfile.

  --repo-root DIR   directory that include:local paths are relative to (default: .)
  -o, --output FILE write the Jenkinsfile to FILE instead of stdout, and each
                    child pipeline (trigger:include) to Jenkinsfile.<name> next to it
                    (required when there are child pipelines)
  -h, --help        show this help

Warnings go to stderr as file:line: job "x" key "y": message.
Exit codes: 0 ok (possibly with warnings), 1 invalid input (nothing written), 2 usage error.`;

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs the CLI and returns its exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): number {
  let input: string | undefined;
  let repoRoot: string | undefined;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (arg === '--repo-root' || arg === '-o' || arg === '--output') {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('-')) return usageError(io, `${arg} needs a value`);
      if (arg === '--repo-root') repoRoot = value;
      else output = value;
    } else if (arg.startsWith('-')) return usageError(io, `unknown option ${arg}`);
    else if (input === undefined) input = arg;
    else return usageError(io, `unexpected argument ${arg}`);
  }
  if (input === undefined) return usageError(io, 'missing the .gitlab-ci.yml path');
  try {
    const { jenkinsfile, children, warnings } = translateFile(input, { repoRoot });
    if (output === undefined && children.length > 0) {
      return usageError(io, `the pipeline has child pipelines (${children.map((c) => `Jenkinsfile.${c.name}`).join(', ')}); give -o FILE, they are written next to it`);
    }
    for (const w of warnings) io.stderr(`${formatWarning(w)}\n`);
    if (output === undefined) io.stdout(jenkinsfile);
    else {
      writeFileSync(output, jenkinsfile);
      for (const c of children) writeFileSync(join(dirname(output), `Jenkinsfile.${c.name}`), c.jenkinsfile);
    }
    return EXIT.ok;
  } catch (e) {
    // A file that cannot be read or written is the caller's to fix: one line, no stack.
    const io_ = e as NodeJS.ErrnoException;
    if (!(e instanceof PipelineError) && !(io_.code && io_.path)) throw e;
    io.stderr(e instanceof PipelineError ? `${e.message}\n` : `gitlab2jenkins: ${io_.path}: ${FILE_ERRORS[io_.code!] ?? io_.code}\n`);
    return EXIT.invalidInput;
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
};

function usageError(io: CliIo, message: string): number {
  io.stderr(`gitlab2jenkins: ${message}\n\n${USAGE}\n`);
  return EXIT.usage;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
