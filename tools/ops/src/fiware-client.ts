/** HTTP calls to a deployed platform's ingress, as a tenant (fetch, Node 20). */

/** Who calls: the tenant's `fiware-service` and bearer token, or neither for open paths. */
export interface Caller {
  /** The `fiware-service` header; omitted for open paths. */
  readonly tenant?: string;
  /** Bearer token; omitted to call without one. */
  readonly token?: string;
  /** @default '/' */
  readonly servicePath?: string;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Thin client over the ingress paths of DESIGN.md (`/orion/`, `/iota-north/`, ...). */
export class FiwareClient {
  constructor(private readonly endpoint: string) {}

  public async call(method: string, path: string, caller: Caller, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (caller.tenant !== undefined) {
      headers['fiware-service'] = caller.tenant;
      headers['fiware-servicepath'] = caller.servicePath ?? '/';
    }
    if (caller.token !== undefined) headers.authorization = `Bearer ${caller.token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(new URL(path, this.endpoint), {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }
}
