/**
 * `npm run diagram [-- --config <dir>]`: synthesizes the platform in-process and writes
 * docs/architecture.md (Mermaid). test/ops/architecture-diagram.test.ts fails when it is stale.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { architectureMarkdown } from '../tools/ops/src/architecture-diagram';
import { assemblyStacks, synthesizeAssembly } from '../tools/ops/src/assembly-stacks';
import { parseFlags, runCommand } from '../lib/command-line';

runCommand('diagram', 'usage: npm run diagram [-- --config <dir>]', () => {
  const configDir = parseFlags(process.argv.slice(2), ['config']).config ?? 'config';
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-diagram-'));
  const target = path.join(__dirname, '..', 'docs', 'architecture.md');
  try {
    fs.writeFileSync(target, architectureMarkdown(assemblyStacks(synthesizeAssembly(configDir, outdir))));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
  return 0;
});
