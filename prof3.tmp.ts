import { join } from 'node:path';
import { translateFile } from './tools/gitlab2jenkins/src/index';
const d = process.argv[2];
const t = translateFile(join(d, '.gitlab-ci.yml'), { repoRoot: d });
const lines = t.jenkinsfile.split('\n');
const longest = [...lines].sort((a, b) => b.length - a.length).slice(0, 3).map((l) => l.length + ': ' + l.slice(0, 300));
console.log(longest.join('\n'));
const stages = lines.filter((l) => /^\s*stage\('/.test(l)).length; console.log('stages', stages);
