/**
 * A stand-in for a deployed platform's ingress on 127.0.0.1: open version endpoints, the tenant
 * policy (token's tenant must equal `fiware-service`), and just enough of the IoT Agent, Orion
 * and QuantumLeap for the smoke scenario. `faults` break one part to test failing steps.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface FakePlatformOptions {
  /** Bearer token -> tenant. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Parts that misbehave. */
  readonly faults?: { readonly allowAnyTenant?: boolean; readonly quantumLeapDropsNotifications?: boolean };
}

export interface FakePlatform {
  readonly url: string;
  close(): Promise<void>;
}

const OPEN = new Set(['/orion/version', '/quantumleap/version', '/iota-north/iot/about']);

export async function startFakePlatform(options: FakePlatformOptions): Promise<FakePlatform> {
  const services = new Map<string, { tenant: string; entityType: string }>();
  const devices = new Map<string, { entity: string; attributes: Record<string, string> }>();
  const entities = new Map<string, Record<string, unknown>>();
  const series = new Map<string, number[]>();
  const subscriptions = new Map<string, unknown>();

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      if (OPEN.has(url.pathname)) return send(200, { version: 'fake' });
      const tenant = String(req.headers['fiware-service'] ?? '');
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const tokenTenant = token === undefined ? undefined : options.tokens[token];
      if (!tokenTenant || (!options.faults?.allowAnyTenant && tokenTenant !== tenant)) return send(403, { error: 'denied' });
      const key = (id: string) => `${tenant}/${id}`;

      if (req.method === 'POST' && url.pathname === '/iota-north/iot/services') {
        for (const s of JSON.parse(body).services) services.set(s.apikey, { tenant, entityType: s.entity_type });
        return send(201);
      }
      if (req.method === 'POST' && url.pathname === '/iota-north/iot/devices') {
        for (const d of JSON.parse(body).devices) {
          devices.set(key(d.device_id), { entity: d.entity_name, attributes: Object.fromEntries(d.attributes.map((a: any) => [a.object_id, a.name])) });
        }
        return send(201);
      }
      if (req.method === 'POST' && url.pathname === '/orion/v2/subscriptions') {
        const id = `sub${subscriptions.size + 1}`;
        subscriptions.set(key(id), JSON.parse(body));
        return send(201, undefined, { location: `/v2/subscriptions/${id}` });
      }
      const sub = /^\/orion\/v2\/subscriptions\/(.+)$/.exec(url.pathname);
      if (req.method === 'GET' && sub) return subscriptions.has(key(sub[1])) ? send(200, subscriptions.get(key(sub[1]))) : send(404);
      if (req.method === 'POST' && url.pathname === '/iota-south/iot/d') {
        const service = services.get(url.searchParams.get('k') ?? '');
        const device = devices.get(key(url.searchParams.get('i') ?? ''));
        if (!service || service.tenant !== tenant || !device) return send(404);
        const parts = body.split('|');
        const attrs = entities.get(key(device.entity)) ?? {};
        for (let i = 0; i + 1 < parts.length; i += 2) {
          const name = device.attributes[parts[i]];
          attrs[name] = Number(parts[i + 1]);
          if (!options.faults?.quantumLeapDropsNotifications) series.set(key(`${device.entity}/${name}`), [...(series.get(key(`${device.entity}/${name}`)) ?? []), Number(parts[i + 1])]);
        }
        entities.set(key(device.entity), attrs);
        return send(200);
      }
      const entity = /^\/orion\/v2\/entities\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && entity) return entities.has(key(entity[1])) ? send(200, entities.get(key(entity[1]))) : send(404);
      if (req.method === 'GET' && url.pathname === '/orion/v2/entities') return send(200, []);
      const attr = /^\/quantumleap\/v2\/entities\/([^/]+)\/attrs\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && attr) {
        const values = series.get(key(`${attr[1]}/${attr[2]}`));
        return values ? send(200, { attrName: attr[2], values }) : send(404);
      }
      return send(404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
