import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSLATOR_MEMORY_MB, TRANSLATOR_TIMEOUT } from '../../../lib/constructs/translator-service';

// AWS's fact (CPU in proportion to memory, one vCPU at 1,769 MB) and the worst CPU time measured
// for a 1 MiB upload (npm run bench:gitlab2jenkins), both kept in lambda-facts.json with sources.
const FACTS = JSON.parse(readFileSync(join(__dirname, 'lambda-facts.json'), 'utf8')) as { megabytesPerVcpu: number; worstCpuSeconds: { value: number } };

test('the translator Lambda gets through the worst 1 MiB upload measured in half its timeout', () => {
  const vcpus = Math.min(1, TRANSLATOR_MEMORY_MB / FACTS.megabytesPerVcpu);
  expect(FACTS.worstCpuSeconds.value / vcpus).toBeLessThanOrEqual(TRANSLATOR_TIMEOUT.toSeconds() / 2);
  // At the former 512 MB it would not have: the fact separates the two.
  expect(FACTS.worstCpuSeconds.value / (512 / FACTS.megabytesPerVcpu)).toBeGreaterThan(TRANSLATOR_TIMEOUT.toSeconds() / 2);
});
