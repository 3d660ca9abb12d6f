import { join } from 'node:path';
import { translateFile } from './tools/gitlab2jenkins/src/index';
import { CORPUS, samples } from './tools/gitlab2jenkins/test/samples';
let ok = 0, clean = 0; const errs: string[] = []; const times: [number, string][] = [];
for (const s of samples(CORPUS)) {
  const t0 = process.hrtime.bigint();
  try { const t = translateFile(join(s.dir, '.gitlab-ci.yml'), { repoRoot: s.dir }); ok++; if (!t.warnings.length) clean++; }
  catch (e) { errs.push(`${s.name}: ${(e as Error).message}`); }
  times.push([Number(process.hrtime.bigint() - t0) / 1e6, s.name]);
}
console.log(ok, clean, samples(CORPUS).length); console.log(errs.join('\n'));
console.log(times.sort((a, b) => b[0] - a[0]).slice(0, 5));
