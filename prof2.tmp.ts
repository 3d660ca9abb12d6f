import { join } from 'node:path';
import * as py from './tools/gitlab2jenkins/src/parse-yaml';
import { translateFile } from './tools/gitlab2jenkins/src/index';
const d = process.argv[2];
const orig = py.parseYamlFile; let n = 0, bytes = 0, ms = 0;
(py as any).parseYamlFile = orig;
const t0 = Date.now(); const t = translateFile(join(d, '.gitlab-ci.yml'), { repoRoot: d }); console.log('total', Date.now() - t0, 'jf', t.jenkinsfile.length, 'lines', t.jenkinsfile.split('\n').length, 'warnings', t.warnings.length);
