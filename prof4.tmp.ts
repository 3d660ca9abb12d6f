import { join } from 'node:path';
import { Diagnostics } from './tools/gitlab2jenkins/src/diagnostics';
import { loadWithIncludes } from './tools/gitlab2jenkins/src/includes';
import { repoOnDisk } from './tools/gitlab2jenkins/src/repo-on-disk';
import { readFileSync } from 'node:fs';
const d = process.argv[2];
const repo = repoOnDisk(d); let reads = 0;
const counted = { read: (p: string) => { reads++; return repo.read(p); }, glob: repo.glob };
for (let i = 0; i < 3; i++) { const t0 = Date.now(); loadWithIncludes('.gitlab-ci.yml', readFileSync(join(d, '.gitlab-ci.yml'), 'utf8'), counted, new Diagnostics()); console.log('load ms', Date.now() - t0, 'reads', reads); reads = 0; }
