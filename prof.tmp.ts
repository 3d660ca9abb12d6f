import { join } from 'node:path';
import { translateFile } from './tools/gitlab2jenkins/src/index';
const d = 'tools/gitlab2jenkins/test/corpus/real-omnibus-gitlab';
for (let i = 0; i < 3; i++) { const t0 = Date.now(); translateFile(join(d, '.gitlab-ci.yml'), { repoRoot: d }); console.log(Date.now() - t0); }
