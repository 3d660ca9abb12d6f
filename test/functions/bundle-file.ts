import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A JSON data file as PlatformFunction `files` puts it beside a handler; its absolute path. */
export function bundleFile(name: string, content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-bundle-'));
  fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
  return path.join(dir, name);
}

/**
 * Runs `read` as in a synthesized function's Lambda task root: its unpacked code asset (cdk.out
 * keeps it as `asset.<hash>`), with the environment the template gives it.
 */
export function inTaskRoot<T>(outdir: string, fn: Record<string, any>, read: (env: Record<string, string>) => T): T {
  const saved = process.env.LAMBDA_TASK_ROOT;
  process.env.LAMBDA_TASK_ROOT = path.join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  try {
    return read(fn.Properties.Environment?.Variables ?? {});
  } finally {
    if (saved === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = saved;
  }
}
