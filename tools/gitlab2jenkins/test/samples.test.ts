import { expectCommitted, GOLDEN, samples, translateSample } from './samples';

// Golden fixtures pin one mapping each, compared with their committed Jenkinsfile and
// warnings.txt (UPDATE_GOLDEN=1 regenerates them).
describe.each([['golden', GOLDEN]])('%s', (_, root) => {
  test.each(samples(root).map((s) => [s.name, s] as const))('%s', (_name, s) => {
    expectCommitted(s, translateSample(s));
  });
});
