/**
 * The basic-sense smoke scenario of DESIGN.md against a deployed platform: open version
 * endpoints, IoT Agent provisioning, a QuantumLeap subscription, UltraLight measures reaching
 * Orion and QuantumLeap, and tenant isolation. Steps run in order; the first failure stops the run.
 */
import { Caller, FiwareClient, Reply } from './fiware-client';

export interface SmokeOptions {
  /** The platform's ingress, e.g. `https://iiot.example.com`. */
  readonly endpoint: string;
  /** The tenant (`fiware-service`) the token belongs to. */
  readonly tenant: string;
  readonly token: string;
  /** Makes ids unique per run so reruns do not collide. @default Date.now() in base 36 */
  readonly runId?: string;
  /** How long to wait for measures to show up in Orion and QuantumLeap. @default 60 s */
  readonly settleTimeoutMs?: number;
  /** @default 2 s */
  readonly pollIntervalMs?: number;
  /** Where each step's PASS / FAIL line goes. @default console.log */
  readonly report?: (line: string) => void;
}

export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** Raised by a step with what was expected and what came back. */
class StepFailure extends Error {}

const OPEN_PATHS = ['/orion/version', '/quantumleap/version', '/iota-north/iot/about'];
const MEASURES = { t: 21, h: 40 };

/** Runs the scenario; the results end at the first failed step. */
export async function runSmoke(options: SmokeOptions): Promise<StepResult[]> {
  const client = new FiwareClient(options.endpoint);
  const report = options.report ?? console.log;
  const run = options.runId ?? Date.now().toString(36);
  const apikey = `smoke${run}`;
  const device = `smoke-${run}`;
  const entityType = 'SmokeSensor';
  const entity = `urn:ngsi-ld:${entityType}:${device}`;
  const me: Caller = { tenant: options.tenant, token: options.token, servicePath: '/smoke' };
  let subscription = '';

  const steps: [string, () => Promise<void>][] = [
    ...OPEN_PATHS.map((path): [string, () => Promise<void>] => [`open without a token: GET ${path}`, async () => expectStatus(await client.call('GET', path, {}), 200)]),
    [
      'provision IoT Agent service group',
      async () =>
        expectStatus(
          await client.call('POST', '/iota-north/iot/services', me, {
            services: [{ apikey, cbroker: 'http://orion:1026', entity_type: entityType, resource: '/iot/d' }],
          }),
          201,
        ),
    ],
    [
      'provision device',
      async () =>
        expectStatus(
          await client.call('POST', '/iota-north/iot/devices', me, {
            devices: [
              {
                device_id: device,
                entity_name: entity,
                entity_type: entityType,
                attributes: [
                  { object_id: 't', name: 'temperature', type: 'Number' },
                  { object_id: 'h', name: 'humidity', type: 'Number' },
                ],
              },
            ],
          }),
          201,
        ),
    ],
    [
      'subscribe QuantumLeap to the entity type',
      async () => {
        const reply = await client.call('POST', '/orion/v2/subscriptions', me, {
          description: `smoke ${run}`,
          subject: { entities: [{ idPattern: '.*', type: entityType }] },
          notification: { http: { url: 'http://quantumleap:8668/v2/notify' }, metadata: ['dateCreated', 'dateModified'] },
        });
        expectStatus(reply, 201);
        subscription = reply.headers.get('location')?.split('/').pop() ?? '';
        if (!subscription) throw new StepFailure('no Location header with the subscription id');
      },
    ],
    [
      'read the subscription back',
      async () => {
        const reply = await client.call('GET', `/orion/v2/subscriptions/${subscription}`, me);
        expectStatus(reply, 200);
        if (!reply.text.includes('quantumleap:8668/v2/notify')) throw new StepFailure(`subscription does not notify QuantumLeap: ${reply.text}`);
      },
    ],
    [
      'send UltraLight measures',
      async () => {
        const body = Object.entries(MEASURES).map(([k, v]) => `${k}|${v}`).join('|');
        const reply = await client.call('POST', `/iota-south/iot/d?k=${apikey}&i=${device}`, me, body, 'text/plain');
        if (reply.status !== 200 && reply.status !== 204) throw new StepFailure(`expected 200 or 204, got ${reply.status}: ${reply.text}`);
      },
    ],
    [
      'Orion entity shows the measures',
      () =>
        settle(options, async () => {
          const reply = await client.call('GET', `/orion/v2/entities/${entity}?options=keyValues`, me);
          expectStatus(reply, 200);
          const values = JSON.parse(reply.text);
          if (values.temperature !== MEASURES.t || values.humidity !== MEASURES.h) throw new StepFailure(`entity is ${reply.text}`);
        }),
    ],
    [
      'QuantumLeap series shows the measures',
      () =>
        settle(options, async () => {
          const reply = await client.call('GET', `/quantumleap/v2/entities/${entity}/attrs/temperature?lastN=1`, me);
          expectStatus(reply, 200);
          if (!(JSON.parse(reply.text).values ?? []).includes(MEASURES.t)) throw new StepFailure(`series is ${reply.text}`);
        }),
    ],
    ['denied with this token for another tenant', async () => expectDenied(await client.call('GET', '/orion/v2/entities', { ...me, tenant: `${options.tenant}_other` }))],
    ['denied without a token', async () => expectDenied(await client.call('GET', '/orion/v2/entities', { ...me, token: undefined }))],
  ];

  const results: StepResult[] = [];
  for (const [step, check] of steps) {
    try {
      await check();
      results.push({ step, ok: true });
      report(`PASS ${step}`);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      results.push({ step, ok: false, detail });
      report(`FAIL ${step}: ${detail}`);
      break;
    }
  }
  return results;
}

function expectStatus(reply: Reply, status: number): void {
  if (reply.status !== status) throw new StepFailure(`expected ${status}, got ${reply.status}: ${reply.text.slice(0, 300)}`);
}

function expectDenied(reply: Reply): void {
  if (reply.status !== 401 && reply.status !== 403) throw new StepFailure(`expected 401 or 403, got ${reply.status}`);
}

/** Retries `check` until it passes or the settle timeout ends (data flows asynchronously). */
async function settle(options: SmokeOptions, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + (options.settleTimeoutMs ?? 60_000);
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 2_000));
    }
  }
}
