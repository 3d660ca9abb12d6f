import { runSmoke, SmokeOptions } from '../src/smoke-scenario';
import { FakePlatformOptions, startFakePlatform } from './fake-platform';

const TOKENS = { 'token-acme': 'acme', 'token-bravo': 'bravo' };

async function smokeAgainst(platform: FakePlatformOptions, options: Partial<SmokeOptions> = {}) {
  const fake = await startFakePlatform(platform);
  const lines: string[] = [];
  try {
    const results = await runSmoke({ endpoint: fake.url, tenant: 'acme', token: 'token-acme', runId: 'test', settleTimeoutMs: 300, pollIntervalMs: 20, report: (l) => lines.push(l), ...options });
    return { results, lines };
  } finally {
    await fake.close();
  }
}

test('a platform that behaves passes every step, each reported', async () => {
  const { results, lines } = await smokeAgainst({ tokens: TOKENS });
  expect(results.filter((r) => !r.ok)).toEqual([]);
  expect(results).toHaveLength(12);
  expect(lines[0]).toBe('PASS open without a token: GET /orion/version');
  expect(lines).toContain('PASS QuantumLeap series shows the measures');
  expect(lines.at(-1)).toBe('PASS denied without a token');
});

test('a platform that lets a token into another tenant fails that step', async () => {
  const { results, lines } = await smokeAgainst({ tokens: TOKENS, faults: { allowAnyTenant: true } });
  expect(results.at(-1)).toMatchObject({ step: 'denied with this token for another tenant', ok: false });
  expect(lines.at(-1)).toMatch(/^FAIL denied with this token for another tenant: expected 401 or 403, got 200/);
});

test('the run stops at the first failing step', async () => {
  const { results } = await smokeAgainst({ tokens: TOKENS, faults: { quantumLeapDropsNotifications: true } });
  expect(results.at(-1)).toMatchObject({ step: 'QuantumLeap series shows the measures', ok: false });
  expect(results.map((r) => r.step)).not.toContain('denied without a token');
});

test('a wrong token fails at the first tenant step', async () => {
  const { results } = await smokeAgainst({ tokens: TOKENS }, { token: 'token-bravo' });
  expect(results.at(-1)).toMatchObject({ step: 'provision IoT Agent service group', ok: false });
  expect(results.at(-1)?.detail).toMatch(/expected 201, got 403/);
});
