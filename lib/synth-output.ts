/**
 * Output folders of the entry points (bin/app.ts, scripts/synth-k8s.ts): a failed run leaves nothing
 * that looks like a current result, and a successful run leaves exactly what it rendered.
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Empties a cloud assembly folder after a failed synth: templates, manifests and Lambda assets of
 * this or an earlier run go. Kept: the CDK CLI's lock files, and a validation report written by
 * this run (the gates' findings are why it failed).
 */
export function clearFailedAssembly(outdir: string, runStartedMs: number): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(outdir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const file = path.join(outdir, entry);
    if (entry.endsWith('.lock')) continue;
    if (entry === 'validation-report.json' && fs.statSync(file).mtimeMs >= runStartedMs) continue;
    fs.rmSync(file, { recursive: true, force: true });
  }
}

/**
 * Renders into a fresh folder next to `target` and, only when `render` succeeds, replaces `target`
 * with it: files of pilots that no longer exist disappear, and a failed render removes `target`
 * rather than leave an earlier run's files looking current.
 */
export function renderFolder<T>(target: string, render: (outdir: string) => T): T {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-`));
  try {
    const result = render(staging);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return result;
  } catch (e) {
    fs.rmSync(target, { recursive: true, force: true });
    throw e;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
