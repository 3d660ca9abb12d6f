/**
 * A local Greengrass v2 control plane (moto has only Greengrass v1), for the calls the edge
 * handlers make, over the REST-JSON wire format the AWS SDK speaks: the routes, status codes,
 * field names and limits of the Greengrass v2 API Reference (API version 2020-11-30,
 * https://docs.aws.amazon.com/greengrass/v2/APIReference/), as modelled in
 * @aws-sdk/client-greengrassv2 (`[_h]: [method, path, status]` of each operation):
 * - ListCoreDevices                           GET    /greengrass/v2/coreDevices (maxResults 1-100, nextToken)
 * - DeleteCoreDevice                          DELETE /greengrass/v2/coreDevices/{name} -> 204; unknown -> 404 ResourceNotFoundException
 * - BatchAssociateClientDeviceWithCoreDevice  POST   /greengrass/v2/coreDevices/{name}/associateClientDevices {entries: 1-100 [{thingName}]} -> {errorEntries}
 * - BatchDisassociateClientDeviceFromCoreDevice POST /greengrass/v2/coreDevices/{name}/disassociateClientDevices
 * - ListClientDevicesAssociatedWithCoreDevice GET    /greengrass/v2/coreDevices/{name}/associatedClientDevices (maxResults 1-100)
 * - ListDeployments                           GET    /greengrass/v2/deployments (targetArn, historyFilter ALL | LATEST_ONLY = default)
 * - GetDeployment                             GET    /greengrass/v2/deployments/{id}
 * - CreateDeployment                          POST   /greengrass/v2/deployments -> 201 {deploymentId, iotJobId, iotJobArn}; the
 *   target's earlier deployments become INACTIVE and not latest (a new deployment to a target revises it).
 * Errors carry `x-amzn-errortype`, as the service's do. Client device entries name things that must
 * exist in AWS IoT (`thingExists`); an unknown one is an error entry, not a failed call. A deployment
 * is an IoT job on its target (`createJob` makes it where the IoT jobs live, e.g. moto).
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface FakeDeployment {
  deploymentId: string;
  deploymentName?: string;
  targetArn: string;
  revisionId: string;
  deploymentStatus: 'ACTIVE' | 'COMPLETED' | 'CANCELED' | 'FAILED' | 'INACTIVE';
  isLatestForTarget: boolean;
  iotJobId: string;
  iotJobArn: string;
  creationTimestamp: number;
  components?: Record<string, unknown>;
  deploymentPolicies?: unknown;
  iotJobConfiguration?: unknown;
  tags?: Record<string, string>;
}

export interface FakeGreengrass {
  readonly endpoint: string;
  /** Core devices by thing name, each with its associated client devices. */
  readonly coreDevices: Map<string, Map<string, number>>;
  readonly deployments: FakeDeployment[];
  /** Every call, as `<METHOD> <path>` (without the query). */
  readonly calls: string[];
  /** The next calls matching `route` fail with a 500 InternalServerException (`times` of them). */
  failNext(route: RegExp, times?: number): void;
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

export interface FakeGreengrassOptions {
  readonly account: string;
  readonly region: string;
  readonly thingExists?: (thing: string) => Promise<boolean>;
  readonly createJob?: (jobId: string, targetArn: string) => Promise<void>;
}

export async function startFakeGreengrass(options: FakeGreengrassOptions): Promise<FakeGreengrass> {
  const coreDevices = new Map<string, Map<string, number>>();
  const deployments: FakeDeployment[] = [];
  const calls: string[] = [];
  const failures: { route: RegExp; times: number }[] = [];
  let ids = 0;
  const thingExists = options.thingExists ?? (async () => true);

  const page = <T>(items: T[], query: URLSearchParams) => {
    const max = Number(query.get('maxResults') ?? 50);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new ApiError(400, 'ValidationException', 'maxResults must be 1-100');
    const start = Number(query.get('nextToken') ?? 0);
    const next = start + max < items.length ? String(start + max) : undefined;
    return { items: items.slice(start, start + max), nextToken: next };
  };
  const coreDevice = (name: string) => {
    const found = coreDevices.get(decodeURIComponent(name));
    if (!found) throw new ApiError(404, 'ResourceNotFoundException', `core device ${name} not found`);
    return found;
  };
  const entries = (body: any): string[] => {
    const list = body?.entries;
    if (!Array.isArray(list) || list.length < 1 || list.length > 100) throw new ApiError(400, 'ValidationException', 'entries: 1-100 items');
    return list.map((e: { thingName?: string }) => e.thingName ?? '');
  };

  async function route(method: string, path: string, query: URLSearchParams, body: any): Promise<[number, unknown]> {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/greengrass/v2/coreDevices') {
      const { items, nextToken } = page([...coreDevices.keys()].sort(), query);
      return [200, { coreDevices: items.map((coreDeviceThingName) => ({ coreDeviceThingName, status: 'HEALTHY', lastStatusUpdateTimestamp: 1767225600 })), nextToken }];
    }
    if ((m = path.match(/^\/greengrass\/v2\/coreDevices\/([^/]+)$/)) && method === 'DELETE') {
      coreDevice(m[1]);
      coreDevices.delete(decodeURIComponent(m[1]));
      return [204, undefined];
    }
    if ((m = path.match(/^\/greengrass\/v2\/coreDevices\/([^/]+)\/associatedClientDevices$/)) && method === 'GET') {
      const associated = coreDevice(m[1]);
      const { items, nextToken } = page([...associated.entries()].sort(([a], [b]) => a.localeCompare(b)), query);
      return [200, { associatedClientDevices: items.map(([thingName, associationTimestamp]) => ({ thingName, associationTimestamp })), nextToken }];
    }
    if ((m = path.match(/^\/greengrass\/v2\/coreDevices\/([^/]+)\/(associate|disassociate)ClientDevices$/)) && method === 'POST') {
      const associated = coreDevice(m[1]);
      const errorEntries: { thingName: string; code: string; message: string }[] = [];
      for (const thingName of entries(body)) {
        if (m[2] === 'associate') {
          if (await thingExists(thingName)) associated.set(thingName, 1767225600 + ++ids);
          else errorEntries.push({ thingName, code: 'ResourceNotFoundException', message: `thing ${thingName} not found` });
        } else associated.delete(thingName);
      }
      return [200, { errorEntries }];
    }
    if (method === 'GET' && path === '/greengrass/v2/deployments') {
      const target = query.get('targetArn');
      const latestOnly = (query.get('historyFilter') ?? 'LATEST_ONLY') === 'LATEST_ONLY';
      const matching = deployments.filter((d) => (!target || d.targetArn === target) && (!latestOnly || d.isLatestForTarget));
      const { items, nextToken } = page([...matching].reverse(), query);
      return [200, { deployments: items.map(({ components, deploymentPolicies, iotJobConfiguration, iotJobId, iotJobArn, tags, ...summary }) => summary), nextToken }];
    }
    if ((m = path.match(/^\/greengrass\/v2\/deployments\/([^/]+)$/)) && method === 'GET') {
      const found = deployments.find((d) => d.deploymentId === m![1]);
      if (!found) throw new ApiError(404, 'ResourceNotFoundException', `deployment ${m[1]} not found`);
      return [200, found];
    }
    if (method === 'POST' && path === '/greengrass/v2/deployments') {
      if (typeof body?.targetArn !== 'string' || !/^arn:[^:]+:iot:[^:]+:\d{12}:(thing|thinggroup)\/.+/.test(body.targetArn)) {
        throw new ApiError(400, 'ValidationException', 'targetArn must be a thing or thing group ARN');
      }
      const earlier = deployments.filter((d) => d.targetArn === body.targetArn);
      for (const d of earlier) {
        d.isLatestForTarget = false;
        if (d.deploymentStatus === 'ACTIVE') d.deploymentStatus = 'INACTIVE';
      }
      const deploymentId = `d-${++ids}`;
      const iotJobId = `job-${deploymentId}`;
      await options.createJob?.(iotJobId, body.targetArn);
      deployments.push({
        deploymentId,
        deploymentName: body.deploymentName,
        targetArn: body.targetArn,
        revisionId: String(earlier.length + 1),
        deploymentStatus: 'ACTIVE',
        isLatestForTarget: true,
        iotJobId,
        iotJobArn: `arn:aws:iot:${options.region}:${options.account}:job/${iotJobId}`,
        creationTimestamp: 1767225600 + ids,
        components: body.components,
        deploymentPolicies: body.deploymentPolicies,
        iotJobConfiguration: body.iotJobConfiguration,
        tags: body.tags,
      });
      return [201, { deploymentId, iotJobId, iotJobArn: deployments.at(-1)!.iotJobArn }];
    }
    throw new ApiError(404, 'UnknownOperationException', `${method} ${path} is not an operation of this fake`);
  }

  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const key = `${req.method} ${url.pathname}`;
      calls.push(key);
      try {
        const failure = failures.find((f) => f.times > 0 && f.route.test(key));
        if (failure) {
          failure.times--;
          throw new ApiError(500, 'InternalServerException', 'injected failure');
        }
        const [status, payload] = await route(req.method ?? 'GET', url.pathname, url.searchParams, text ? JSON.parse(text) : undefined);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      } catch (e) {
        const error = e instanceof ApiError ? e : new ApiError(500, 'InternalServerException', String(e));
        res.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.type });
        res.end(JSON.stringify({ message: error.message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    coreDevices,
    deployments,
    calls,
    failNext: (route, times = 1) => void failures.push({ route, times }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
