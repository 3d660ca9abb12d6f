/** docs/architecture.md must match what the synthesized demo platform gives today. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { architectureMarkdown } from '../tools/ops/src/architecture-diagram';
import { assemblyStacks, synthesizeAssembly } from '../tools/ops/src/assembly-stacks';
import { DEMO_CONFIG, REPO_ROOT } from './fixtures/demo-paths';

test('the committed architecture diagram is up to date', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-diagram-test-'));
  const fresh = architectureMarkdown(assemblyStacks(synthesizeAssembly(DEMO_CONFIG, outdir)));
  fs.rmSync(outdir, { recursive: true, force: true });
  const committed = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');
  if (fresh !== committed) throw new Error('docs/architecture.md is stale: run npm run diagram and commit it');
});
