/**
 * A local HTTP server answering the commit status APIs the way their documentation describes:
 * GitHub `POST /repos/{owner}/{repo}/statuses/{sha}` (bearer token, JSON `state` one of error |
 * failure | pending | success, `description`, `context`; 201; 401 "Bad credentials"; 422 on a bad
 * state or a description over 140 characters), GitLab `POST /api/v4/projects/:id/statuses/:sha` (`:id`
 * the URL-encoded path, `PRIVATE-TOKEN`, `state` one of pending | running | success | failed |
 * canceled | skipped, `ref`, `name`, `description`; 201; 401 "401 Unauthorized"; 400 on a bad state).
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface ReceivedStatus {
  readonly api: 'github' | 'gitlab';
  readonly project: string;
  readonly sha: string;
  readonly body: Record<string, unknown>;
}

export interface FakeGitHost {
  readonly url: string;
  readonly statuses: ReceivedStatus[];
  /** Answer every request with this status code (a host outage), until set back to undefined. */
  outage?: number;
  close(): Promise<void>;
}

const GITHUB_STATES = ['error', 'failure', 'pending', 'success'];
const GITLAB_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];

export async function startFakeGitHost(tokens: { github: string; gitlab: string }): Promise<FakeGitHost> {
  const statuses: ReceivedStatus[] = [];
  const host: { -readonly [K in keyof FakeGitHost]?: FakeGitHost[K] } & { statuses: ReceivedStatus[] } = { statuses };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const answer = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (host.outage) return answer(host.outage, { message: 'unavailable' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw);
      } catch {
        return answer(400, { message: 'Problems parsing JSON' });
      }
      const github = req.url?.match(/^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/);
      if (req.method === 'POST' && github) {
        if (req.headers.authorization !== `Bearer ${tokens.github}`) return answer(401, { message: 'Bad credentials' });
        if (!req.headers['user-agent']) return answer(403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' });
        if (!GITHUB_STATES.includes(String(body.state)) || String(body.description ?? '').length > 140) return answer(422, { message: 'Validation Failed' });
        statuses.push({ api: 'github', project: `${decodeURIComponent(github[1])}/${decodeURIComponent(github[2])}`, sha: github[3], body });
        return answer(201, { state: body.state, context: body.context ?? 'default' });
      }
      const gitlab = req.url?.match(/^\/api\/v4\/projects\/([^/]+)\/statuses\/([0-9a-f]{40})$/);
      if (req.method === 'POST' && gitlab) {
        if (req.headers['private-token'] !== tokens.gitlab) return answer(401, { message: '401 Unauthorized' });
        if (!GITLAB_STATES.includes(String(body.state))) return answer(400, { error: 'state does not have a valid value' });
        statuses.push({ api: 'gitlab', project: decodeURIComponent(gitlab[1]), sha: gitlab[2], body });
        return answer(201, { status: body.state, name: body.name ?? 'default', ref: body.ref });
      }
      return answer(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  host.close = () => new Promise((resolve) => server.close(() => resolve()));
  return host as FakeGitHost;
}
