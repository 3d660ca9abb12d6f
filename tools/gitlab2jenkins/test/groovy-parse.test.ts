import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groovyInstalled, groovyParse, groovyTest } from './groovy/parse-check';
import { committedSample, CORPUS, GOLDEN, samples } from './samples';

// One JVM for everything: every generated Jenkinsfile (as committed: samples.test.ts proves it is
// what the translator generates) plus a broken file proving the check is live.
groovyTest()('every generated Jenkinsfile parses as Groovy; a broken one does not', () => {
  const out = mkdtempSync(join(tmpdir(), 'g2j-groovy-'));
  const generated = [...samples(GOLDEN), ...samples(CORPUS)].flatMap((s) => [join(s.dir, 'Jenkinsfile'), ...Object.keys(committedSample(s).children).map((f) => join(s.dir, f))]);
  const broken = join(out, 'broken.Jenkinsfile');
  writeFileSync(broken, "pipeline {\n    stages {\n        stage('x') { steps { sh 'it\\'s' } }\n}\n");
  const failures = groovyParse([...generated, broken]);
  expect(failures.get(broken)).toMatch(/line \d+, column \d+/);
  expect([...failures].filter(([file]) => file !== broken)).toEqual([]);
  expect(generated.length).toBeGreaterThan(0);
});

describe('without groovy', () => {
  const saved = { PATH: process.env.PATH, CI: process.env.CI };
  beforeEach(() => {
    process.env.PATH = '/nonexistent';
  });
  afterEach(() => {
    Object.assign(process.env, saved);
    if (saved.CI === undefined) delete process.env.CI;
  });

  test('CI=true runs the check, which fails loudly', () => {
    process.env.CI = 'true';
    expect(groovyInstalled()).toBe(false);
    expect(groovyTest()).toBe(test);
    expect(() => groovyParse(['Jenkinsfile'])).toThrow('groovy is not installed but CI=true requires the Groovy parse check');
  });

  test('locally the check is skipped with a notice', () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(groovyTest()).toBe(test.skip);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SKIPPED'));
    warn.mockRestore();
  });
});
