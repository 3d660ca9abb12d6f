import { preflightProblems } from '../lib/preflight';

const target = { account: '111111111111', region: 'eu-central-1' };

describe('preflight', () => {
  test('passes when account and region match', () => {
    expect(preflightProblems('config/platform.yaml', target, { account: '111111111111', region: 'eu-central-1', arn: 'arn:x' })).toEqual([]);
  });

  test('refuses another account, naming both and the config field', () => {
    const [problem] = preflightProblems('config/platform.yaml', target, { account: '222222222222', region: 'eu-central-1', arn: 'arn:aws:iam::222222222222:user/op' });
    expect(problem).toMatch(/account 222222222222 \(arn:aws:iam::222222222222:user\/op\), but config\/platform\.yaml environment\.account is 111111111111/);
  });

  test('refuses another or a missing region', () => {
    expect(preflightProblems('p.yaml', target, { account: '111111111111', region: 'us-east-1' })).toEqual([
      expect.stringMatching(/region in use is us-east-1, but p\.yaml environment\.region is eu-central-1: set AWS_REGION=eu-central-1/),
    ]);
    expect(preflightProblems('p.yaml', target, { account: '111111111111' })[0]).toMatch(/\(none set\)/);
  });
});
