/**
 * Webhook relay: the only public way to make Jenkins (internal) look at a repository. A GitHub
 * push is accepted only with a valid X-Hub-Signature-256 (HMAC-SHA256 of the body with the shared
 * secret), a GitLab push only with the matching X-Gitlab-Token. Then, and only for a repository the
 * platform config knows, Jenkins' git notifyCommit is called, which makes the component's
 * multibranch job scan (it cannot run arbitrary builds). Anything else triggers nothing.
 *
 * Each delivery is accepted once: its id (GitHub `X-GitHub-Delivery`, GitLab `X-Gitlab-Event-UUID`)
 * is claimed in a shared store before Jenkins is called, so a captured request sent again within
 * the replay window is refused by every instance of the function. A delivery whose Jenkins call
 * fails gives its claim back, so the Git host's own redelivery can still succeed.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { repositoryKey } from '../git-repository';

export interface RelayDependencies {
  /** The shared webhook secret (Secrets Manager). */
  readonly secret: () => Promise<string>;
  /** Records a delivery id unless it was seen within the replay window; resolves false when it was. */
  readonly claimDelivery: (deliveryKey: string) => Promise<boolean>;
  /** Forgets a claimed delivery id (its Jenkins call failed, so a redelivery must pass). */
  readonly releaseDelivery: (deliveryKey: string) => Promise<void>;
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

/** Header carrying the unique id of one delivery (the same id on a redelivery of it). */
export const DELIVERY_HEADER: Readonly<Record<Provider, string>> = { github: 'x-github-delivery', gitlab: 'x-gitlab-event-uuid' };
/** GUIDs as both hosts send them (GitHub: a UUID; GitLab: a UUID). */
const DELIVERY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createRelay(deps: RelayDependencies) {
  const known = new Map(deps.repositories.map((url) => [repositoryKey(url), url]));
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.requestContext.http.method !== 'POST') return reply(405, 'only POST');
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const provider: Provider | undefined = headers['x-github-event'] ? 'github' : headers['x-gitlab-event'] ? 'gitlab' : undefined;
    if (!provider) return reply(400, 'not a GitHub or GitLab webhook');
    const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    let secret: string;
    try {
      secret = await deps.secret();
    } catch (e) {
      console.error(`webhook secret unreadable: ${(e as Error).message}`);
      return reply(503, 'webhook secret unavailable, try again');
    }
    if (!verified(provider, headers, body, secret)) return reply(401, 'bad or missing signature');

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

    const deliveryId = headers[DELIVERY_HEADER[provider]];
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) return reply(400, `missing or malformed ${DELIVERY_HEADER[provider]}`);
    // GitLab gives the hooks one request fires the same event UUID (a push of a branch and a tag
    // sends a Push Hook and a Tag Push Hook): the event kind keeps them apart, a replay keeps both.
    const deliveryKey = `${provider}:${deliveryId.toLowerCase()}:${kind}`;
    let fresh: boolean;
    try {
      fresh = await deps.claimDelivery(deliveryKey);
    } catch (e) {
      console.error(`delivery ${deliveryKey} not claimed: ${(e as Error).message}`);
      return reply(503, 'delivery store unavailable, try again');
    }
    if (!fresh) return reply(409, `delivery ${deliveryId} was received already`);
    try {
      await deps.notifyJenkins(match);
    } catch (e) {
      console.error(`Jenkins not notified for ${match}: ${(e as Error).message}`);
      // Best effort: if this fails too, the claim expires and the periodic branch scan catches up.
      await deps.releaseDelivery(deliveryKey).catch((r: Error) => console.error(`delivery ${deliveryKey} not released: ${r.message}`));
      return reply(502, 'Jenkins did not accept the notification, redeliver later');
    }
    return reply(202, `scan requested for ${match}`);
  };
}
