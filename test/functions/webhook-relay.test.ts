import { createHmac } from 'crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createRelay, repositoryKey } from '../../lib/functions/webhook-relay';

const SECRET = 'k5rT-webhook-secret';
const REPO = 'git@github.com:acme-industries/line-monitor.git';

function setup() {
  const notified: string[] = [];
  const relay = createRelay({
    secret: async () => SECRET,
    notifyJenkins: async (url) => {
      notified.push(url);
    },
    repositories: [REPO, 'https://gitlab.com/bravo-foods/quality-model.git'],
  });
  return { relay, notified };
}

function event(headers: Record<string, string>, body: string, options: { method?: string; base64?: boolean } = {}): APIGatewayProxyEventV2 {
  return {
    requestContext: { http: { method: options.method ?? 'POST', path: '/webhook' } },
    headers,
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  } as unknown as APIGatewayProxyEventV2;
}

const githubPush = JSON.stringify({ ref: 'refs/heads/main', repository: { ssh_url: 'git@github.com:acme-industries/line-monitor.git', clone_url: 'https://github.com/acme-industries/line-monitor.git' } });
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook relay', () => {
  test('a GitHub push with a valid signature asks Jenkins to scan the configured repository', async () => {
    const { relay, notified } = setup();
    const res = await relay(event({ 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(githubPush) }, githubPush));
    expect(res.statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
  });

  test('base64-encoded bodies are verified on the decoded bytes', async () => {
    const { relay, notified } = setup();
    const res = await relay(event({ 'x-github-event': 'push', 'x-hub-signature-256': sign(githubPush) }, githubPush, { base64: true }));
    expect(res.statusCode).toBe(202);
    expect(notified).toHaveLength(1);
  });

  test.each([
    ['a signature made with another secret', { 'x-hub-signature-256': sign(githubPush, 'guess') }],
    ['a signature of another body', { 'x-hub-signature-256': sign(`${githubPush} `) }],
    ['a malformed signature', { 'x-hub-signature-256': 'sha256=zz' }],
    ['no signature', {}],
  ])('%s is rejected with 401 and triggers nothing', async (_what, signature) => {
    const { relay, notified } = setup();
    const res = await relay(event({ 'x-github-event': 'push', ...signature }, githubPush));
    expect(res.statusCode).toBe(401);
    expect(notified).toEqual([]);
  });

  test('GitLab: the right token triggers, a wrong or empty one does not', async () => {
    const body = JSON.stringify({ project: { git_ssh_url: 'git@gitlab.com:bravo-foods/quality-model.git' } });
    const { relay, notified } = setup();
    expect((await relay(event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' }, body))).statusCode).toBe(401);
    expect((await relay(event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': '' }, body))).statusCode).toBe(401);
    expect((await relay(event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, body))).statusCode).toBe(202);
    expect(notified).toEqual(['https://gitlab.com/bravo-foods/quality-model.git']);
  });

  test('a signed push of a repository the platform does not know triggers nothing', async () => {
    const body = JSON.stringify({ repository: { ssh_url: 'git@github.com:someone/else.git' } });
    const { relay, notified } = setup();
    expect((await relay(event({ 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }, body))).statusCode).toBe(404);
    expect(notified).toEqual([]);
  });

  test('ping, other events, other methods and unsigned non-webhooks trigger nothing', async () => {
    const { relay, notified } = setup();
    const ping = JSON.stringify({ zen: 'hi' });
    expect((await relay(event({ 'x-github-event': 'ping', 'x-hub-signature-256': sign(ping) }, ping))).statusCode).toBe(200);
    expect((await relay(event({ 'x-github-event': 'issues', 'x-hub-signature-256': sign(githubPush) }, githubPush))).statusCode).toBe(202);
    expect((await relay(event({ 'x-github-event': 'push' }, githubPush, { method: 'GET' }))).statusCode).toBe(405);
    expect((await relay(event({}, githubPush))).statusCode).toBe(400);
    expect(notified).toEqual([]);
  });

  test('a signed body that is not JSON is a 400', async () => {
    const { relay, notified } = setup();
    expect((await relay(event({ 'x-github-event': 'push', 'x-hub-signature-256': sign('{') }, '{'))).statusCode).toBe(400);
    expect(notified).toEqual([]);
  });

  test.each([
    ['git@github.com:Acme/X.git', 'github.com/acme/x'],
    ['https://github.com/acme/x', 'github.com/acme/x'],
    ['ssh://git@gitlab.example.com:2222/group/sub/x.git', 'gitlab.example.com/group/sub/x'],
    ['https://gitlab.com/bravo-foods/quality-model.git/', 'gitlab.com/bravo-foods/quality-model'],
  ])('repository key of %s is %s', (url, key) => {
    expect(repositoryKey(url)).toBe(key);
  });
});
