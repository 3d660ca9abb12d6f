import { join } from 'node:path';
import { translateFile } from './tools/gitlab2jenkins/src/index';
const d = process.argv[2] ?? 'tools/gitlab2jenkins/test/corpus/real-omnibus-gitlab';
for (let i = 0; i < 12; i++) { const t0 = Date.now(); translateFile(join(d, '.gitlab-ci.yml'), { repoRoot: d }); if (i > 8) console.log(Date.now() - t0); }
