import { createHmac } from 'crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { repositoryKey } from '../../lib/git-repository';
import { createRelay } from '../../lib/functions/webhook-relay';

const SECRET = 'k5rT-webhook-secret';
const REPO = 'git@github.com:acme-industries/line-monitor.git';

/** `jenkinsFails`: notifyCommit fails that many times before it succeeds. */
function setup(options: { jenkinsFails?: number; secret?: () => Promise<string>; claimFails?: boolean } = {}) {
  const notified: string[] = [];
  const claimed = new Set<string>();
  let failures = options.jenkinsFails ?? 0;
  const relay = createRelay({
    secret: options.secret ?? (async () => SECRET),
    claimDelivery: async (key) => {
      if (options.claimFails) throw new Error('ProvisionedThroughputExceededException');
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
    releaseDelivery: async (key) => {
      claimed.delete(key);
    },
    notifyJenkins: async (url) => {
      if (failures-- > 0) throw new Error('Jenkins answered 503');
      notified.push(url);
    },
    repositories: [REPO, 'https://gitlab.com/bravo-foods/quality-model.git'],
  });
  return { relay, notified, claimed };
}

let deliveries = 0;
/** A fresh delivery id, as GitHub and GitLab send them. */
const deliveryId = () => `72d3162e-cc78-11e3-81ab-${String(++deliveries).padStart(12, '0')}`;

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
  // Refusals are logged on purpose; keep the test output to the results.
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('a GitHub push with a valid signature asks Jenkins to scan the configured repository', async () => {
    const { relay, notified } = setup();
    const res = await relay(event({ 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(githubPush), 'X-GitHub-Delivery': deliveryId() }, githubPush));
    expect(res.statusCode).toBe(202);
    expect(notified).toEqual([REPO]);
  });

  test('base64-encoded bodies are verified on the decoded bytes', async () => {
    const { relay, notified } = setup();
    const res = await relay(event({ 'x-github-event': 'push', 'x-hub-signature-256': sign(githubPush), 'x-github-delivery': deliveryId() }, githubPush, { base64: true }));
    expect(res.statusCode).toBe(202);
    expect(notified).toHaveLength(1);
  });

  test.each([
    ['a signature made with another secret', { 'x-hub-signature-256': sign(githubPush, 'guess') }],
    ['a signature of another body', { 'x-hub-signature-256': sign(`${githubPush} `) }],
    ['a malformed signature', { 'x-hub-signature-256': 'sha256=zz' }],
    ['no signature', {}],
  ])('%s is rejected with 401, triggers nothing and claims no delivery id', async (_what, signature) => {
    const { relay, notified, claimed } = setup();
    const res = await relay(event({ 'x-github-event': 'push', 'x-github-delivery': deliveryId(), ...signature }, githubPush));
    expect(res.statusCode).toBe(401);
    expect(notified).toEqual([]);
    expect(claimed.size).toBe(0);
  });

  test('GitLab: the right token triggers, a wrong or empty one does not', async () => {
    const body = JSON.stringify({ project: { git_ssh_url: 'git@gitlab.com:bravo-foods/quality-model.git' } });
    const { relay, notified } = setup();
    expect((await relay(event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' }, body))).statusCode).toBe(401);
    expect((await relay(event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': '' }, body))).statusCode).toBe(401);
    expect((await relay(event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET, 'x-gitlab-event-uuid': deliveryId() }, body))).statusCode).toBe(202);
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

  describe('replayed deliveries', () => {
    const push = (id: string) => event({ 'x-github-event': 'push', 'x-hub-signature-256': sign(githubPush), 'x-github-delivery': id }, githubPush);

    test('the same GitHub delivery id a second time is refused with 409 and triggers nothing more', async () => {
      const { relay, notified } = setup();
      const id = deliveryId();
      expect((await relay(push(id))).statusCode).toBe(202);
      expect((await relay(push(id))).statusCode).toBe(409);
      expect((await relay(push(id.toUpperCase()))).statusCode).toBe(409);
      expect(notified).toEqual([REPO]);
    });

    test('the same GitLab event UUID a second time is refused', async () => {
      const body = JSON.stringify({ project: { git_http_url: 'https://gitlab.com/bravo-foods/quality-model.git' } });
      const { relay, notified } = setup();
      const gitlab = (id: string) => event({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET, 'x-gitlab-event-uuid': id }, body);
      const id = deliveryId();
      expect((await relay(gitlab(id))).statusCode).toBe(202);
      expect((await relay(gitlab(id))).statusCode).toBe(409);
      expect(notified).toHaveLength(1);
    });

    test('GitLab: the Push Hook and Tag Push Hook of one push share an event UUID, and both pass once', async () => {
      const body = JSON.stringify({ project: { git_http_url: 'https://gitlab.com/bravo-foods/quality-model.git' } });
      const { relay, notified } = setup();
      const id = deliveryId();
      const hook = (kind: string) => event({ 'x-gitlab-event': kind, 'x-gitlab-token': SECRET, 'x-gitlab-event-uuid': id }, body);
      expect((await relay(hook('Push Hook'))).statusCode).toBe(202);
      expect((await relay(hook('Tag Push Hook'))).statusCode).toBe(202);
      expect((await relay(hook('Tag Push Hook'))).statusCode).toBe(409);
      expect(notified).toHaveLength(2);
    });

    test.each([
      ['no delivery id', undefined],
      ['an empty one', ''],
      ['one that is no GUID', '../../etc'],
    ])('a signed push with %s is a 400', async (_what, id) => {
      const { relay, notified } = setup();
      const headers: Record<string, string> = { 'x-github-event': 'push', 'x-hub-signature-256': sign(githubPush) };
      if (id !== undefined) headers['x-github-delivery'] = id;
      expect((await relay(event(headers, githubPush))).statusCode).toBe(400);
      expect(notified).toEqual([]);
    });

    test('Jenkins failing midway: 502, the claim is given back, and the redelivery scans', async () => {
      const { relay, notified, claimed } = setup({ jenkinsFails: 1 });
      const id = deliveryId();
      expect((await relay(push(id))).statusCode).toBe(502);
      expect(claimed.size).toBe(0);
      expect((await relay(push(id))).statusCode).toBe(202);
      expect(notified).toEqual([REPO]);
    });

    test('an unavailable delivery store refuses (503) instead of notifying unchecked', async () => {
      const { relay, notified } = setup({ claimFails: true });
      expect((await relay(push(deliveryId()))).statusCode).toBe(503);
      expect(notified).toEqual([]);
    });

    test('an unreadable secret is a 503, not a crash, and nothing is claimed', async () => {
      const { relay, notified, claimed } = setup({ secret: async () => Promise.reject(new Error('ThrottlingException')) });
      expect((await relay(push(deliveryId()))).statusCode).toBe(503);
      expect(notified).toEqual([]);
      expect(claimed.size).toBe(0);
    });
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
