import { readFileSync, readdirSync } from 'node:fs';
import { parseAllDocuments, LineCounter } from 'yaml';
import { parseYamlFile } from './tools/gitlab2jenkins/src/parse-yaml';
import { Diagnostics } from './tools/gitlab2jenkins/src/diagnostics';
import { referenceTag } from './tools/gitlab2jenkins/src/reference-tag';
const d = 'tools/gitlab2jenkins/test/corpus/real-omnibus-gitlab/';
const files = ['.gitlab-ci.yml', ...readdirSync(d + 'gitlab-ci-config').map((f) => 'gitlab-ci-config/' + f)];
for (let r = 0; r < 3; r++) {
  for (const f of files) {
    const text = readFileSync(d + f, 'utf8');
    const t0 = process.hrtime.bigint();
    parseAllDocuments(text, { lineCounter: new LineCounter(), merge: true, customTags: [referenceTag], uniqueKeys: false });
    const t1 = process.hrtime.bigint();
    parseYamlFile(text, f, new Diagnostics());
    const t2 = process.hrtime.bigint();
    if (r === 2) console.log(f, text.length, Number(t1 - t0) / 1e6, Number(t2 - t1) / 1e6);
  }
}
