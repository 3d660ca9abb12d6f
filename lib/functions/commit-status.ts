/**
 * A build cell's result as a commit status on the component's Git host, so that component
 * developers see it next to their commit without a Jenkins account. One status per architecture
 * (context `iiot-ci/<architecture>`), so an arm64 failure is visible even when amd64 passed.
 *
 * GitHub: `POST {api}/repos/{owner}/{repo}/statuses/{sha}`, JSON `state` (error | failure | pending |
 * success), `description`, `context`; bearer token; 201 Created (docs.github.com, REST, commit statuses).
 * GitLab: `POST {api}/projects/:id/statuses/:sha`, `:id` the URL-encoded project path, `state`
 * (pending | running | success | failed | canceled | skipped), `ref`, `name`, `description`;
 * `PRIVATE-TOKEN` header; 201 Created (docs.gitlab.com, API, commits, "Set the pipeline status of a commit").
 */
import type { BuildRecord } from './build-stats';

export interface GitHostApi {
  readonly host: string;
  readonly api: 'github' | 'gitlab';
  /** Base URL without a trailing slash. */
  readonly apiUrl: string;
}

export interface StatusRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const GITHUB_STATE: Record<BuildRecord['result'], string> = { SUCCESS: 'success', UNSTABLE: 'failure', FAILURE: 'failure', ABORTED: 'error' };
const GITLAB_STATE: Record<BuildRecord['result'], string> = { SUCCESS: 'success', UNSTABLE: 'failed', FAILURE: 'failed', ABORTED: 'canceled' };
const WORDS: Record<BuildRecord['result'], string> = { SUCCESS: 'passed', UNSTABLE: 'tests failed', FAILURE: 'failed', ABORTED: 'aborted' };

/** The status context of one architecture cell. */
export const statusContext = (architecture: string) => `iiot-ci/${architecture}`;

function describe(record: BuildRecord): string {
  const minutes = Math.floor(record.durationSeconds / 60);
  const seconds = Math.round(record.durationSeconds % 60);
  // GitHub refuses descriptions over 140 characters.
  return `${record.architecture} build #${record.buildNumber} ${WORDS[record.result]} in ${minutes}m ${seconds}s`.slice(0, 140);
}

/** The HTTP request that sets the cell's status on `project` (`group/repo`) of `host`. */
export function statusRequest(host: GitHostApi, project: string, record: BuildRecord, token: string): StatusRequest {
  if (host.api === 'github') {
    const [owner, repo] = project.split('/');
    return {
      url: `${host.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/statuses/${record.commit}`,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
        'user-agent': 'iiot-platform-ci',
      },
      body: JSON.stringify({ state: GITHUB_STATE[record.result], description: describe(record), context: statusContext(record.architecture) }),
    };
  }
  return {
    url: `${host.apiUrl}/projects/${encodeURIComponent(project)}/statuses/${record.commit}`,
    headers: { 'private-token': token, 'content-type': 'application/json', 'user-agent': 'iiot-platform-ci' },
    body: JSON.stringify({ state: GITLAB_STATE[record.result], ref: record.ref, name: statusContext(record.architecture), description: describe(record) }),
  };
}

/** Sends the request; anything but 2xx is an error naming the host's answer. */
export async function sendStatus(request: StatusRequest, timeoutMs = 5000): Promise<void> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${new URL(request.url).host} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
