/**
 * Webhook relay: the only public way to make Jenkins (internal) look at a repository. A GitHub
 * push is accepted only with a valid X-Hub-Signature-256 (HMAC-SHA256 of the body with the shared
 * secret), a GitLab push only with the matching X-Gitlab-Token. Then, and only for a repository the
 * platform config knows, Jenkins' git notifyCommit is called, which makes the component's
 * multibranch job scan (it cannot run arbitrary builds). Anything else triggers nothing.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface RelayDependencies {
  /** The shared webhook secret (Secrets Manager). */
  readonly secret: () => Promise<string>;
  /** Asks Jenkins to scan the jobs built from `repositoryUrl`. */
  readonly notifyJenkins: (repositoryUrl: string) => Promise<void>;
  /** Configured repository URLs, exactly as jobs use them. */
  readonly repositories: readonly string[];
}

type Provider = 'github' | 'gitlab';

const reply = (statusCode: number, message: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

/** `git@github.com:Acme/x.git`, `https://github.com/acme/x` and `ssh://git@github.com/acme/x.git` all become `github.com/acme/x`. */
export function repositoryKey(url: string): string {
  const withoutScheme = url.replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '');
  return withoutScheme.replace(/:(?!\d+\/)/, '/').replace(/:\d+\//, '/').replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
}

function constantTimeEqual(a: string, b: string): boolean {
  // Hash both sides so lengths match and nothing leaks through timing.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** True when the request carries a valid proof of the shared secret for its provider. */
export function verified(provider: Provider, headers: Record<string, string | undefined>, body: string, secret: string): boolean {
  if (provider === 'github') {
    const signature = headers['x-hub-signature-256'];
    if (!signature) return false;
    const expected = `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
    return constantTimeEqual(signature, expected);
  }
  const token = headers['x-gitlab-token'];
  return token !== undefined && token.length > 0 && constantTimeEqual(token, secret);
}

/** The repository URLs a push event names (GitHub and GitLab shapes). */
export function repositoriesIn(provider: Provider, payload: unknown): string[] {
  const p = payload as Record<string, Record<string, unknown> | undefined>;
  const source = provider === 'github' ? p.repository : p.project;
  const keys = provider === 'github' ? ['ssh_url', 'clone_url', 'git_url', 'html_url'] : ['git_ssh_url', 'git_http_url', 'web_url'];
  return keys.map((k) => source?.[k]).filter((v): v is string => typeof v === 'string');
}

export function createRelay(deps: RelayDependencies) {
  const known = new Map(deps.repositories.map((url) => [repositoryKey(url), url]));
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.requestContext.http.method !== 'POST') return reply(405, 'only POST');
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const provider: Provider | undefined = headers['x-github-event'] ? 'github' : headers['x-gitlab-event'] ? 'gitlab' : undefined;
    if (!provider) return reply(400, 'not a GitHub or GitLab webhook');
    const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    if (!verified(provider, headers, body, await deps.secret())) return reply(401, 'bad or missing signature');

    const kind = provider === 'github' ? headers['x-github-event'] : headers['x-gitlab-event'];
    if (provider === 'github' && kind === 'ping') return reply(200, 'pong');
    if (!(provider === 'github' ? kind === 'push' || kind === 'create' : kind === 'Push Hook' || kind === 'Tag Push Hook')) {
      return reply(202, `ignored event ${kind}`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return reply(400, 'body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return reply(400, 'body is not a JSON object');
    const match = repositoriesIn(provider, payload)
      .map((url) => known.get(repositoryKey(url)))
      .find((url): url is string => url !== undefined);
    if (!match) return reply(404, 'repository is not a platform component');
    await deps.notifyJenkins(match);
    return reply(202, `scan requested for ${match}`);
  };
}
