import { CORPUS, expectCommitted, GOLDEN, samples, translateSample } from './samples';

// Golden fixtures pin one mapping each; the corpus pins whole pipelines. Both are compared with
// their committed Jenkinsfile and warnings.txt (UPDATE_GOLDEN=1 regenerates them).
describe.each([
  ['golden', GOLDEN],
  ['corpus', CORPUS],
])('%s', (_, root) => {
  test.each(samples(root).map((s) => [s.name, s] as const))('%s', (_name, s) => {
    expectCommitted(s, translateSample(s));
  });
});

test('the corpus has at least 25 pipelines', () => {
  expect(samples(CORPUS).length).toBeGreaterThanOrEqual(25);
});
