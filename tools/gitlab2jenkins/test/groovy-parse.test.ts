import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groovyParse, groovyTest } from './groovy/parse-check';
import { CORPUS, GOLDEN, samples, translateSample } from './samples';

// One JVM for everything: every generated Jenkinsfile plus a broken file proving the check is live.
groovyTest()('every generated Jenkinsfile parses as Groovy; a broken one does not', () => {
  const out = mkdtempSync(join(tmpdir(), 'g2j-groovy-'));
  const generated = [...samples(GOLDEN), ...samples(CORPUS)].map((s, i) => {
    const path = join(out, `${i}-${s.name}.Jenkinsfile`);
    writeFileSync(path, translateSample(s).jenkinsfile);
    return path;
  });
  const broken = join(out, 'broken.Jenkinsfile');
  writeFileSync(broken, "pipeline {\n    stages {\n        stage('x') { steps { sh 'it\\'s' } }\n}\n");
  const failures = groovyParse([...generated, broken]);
  expect(failures.get(broken)).toMatch(/line \d+, column \d+/);
  expect([...failures].filter(([file]) => file !== broken)).toEqual([]);
  expect(generated.length).toBeGreaterThan(0);
});
