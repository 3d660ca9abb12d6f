/**
 * The lists that grow with the platform reach the CI and edge functions through files in their bundles, not
 * the 4 KB environment: for each function the synthesized code asset is opened as Lambda would
 * (task root = the unpacked asset, the environment from the template) and read by the handler's
 * own loader; a function without its file fails, naming the variable.
 */
import { App, Aws, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PlatformFunction } from '../../lib/constructs/platform-function';
import { bundledJson } from '../../lib/functions/bundled-file';
import { fleetDirectoryFromEnv } from '../../lib/functions/fleet-directory';
import { awsRelayDependencies, RelayEnvironment } from '../../lib/functions/webhook-relay-handler';
import { loadConfig } from '../../lib/config/load-config';
import { hasCiJob } from '../../lib/lifecycle/maturity';
import { demoAssembly } from '../demo-assembly';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { inTaskRoot } from './bundle-file';

const { outdir, templates } = demoAssembly();
const functions = Object.values(templates.get('Platform-Ci')!.findResources('AWS::Lambda::Function')) as { Properties: any }[];
const fn = (variable: string, description: RegExp) => functions.find((f) => f.Properties.Environment?.Variables?.[variable] && description.test(f.Properties.Description))!;
const asLambda = <T>(f: { Properties: any }, read: (env: Record<string, string>) => T): T => inTaskRoot(outdir, f, read);

const model = loadConfig(DEMO_CONFIG);
const owners = [
  { name: 'platform', components: model.platform.components, developers: model.platform.developers },
  ...model.pilots.map((p) => ({ name: p.name, components: p.components, developers: p.developers })),
];
const ciComponents = owners.flatMap((o) => o.components.filter((c) => hasCiJob(c, o)).map((c) => ({ key: `${o.name}/${c.name}`, c })));

test('the webhook relay reads the repositories of every CI component from its bundle', () => {
  const relay = fn('REPOSITORIES_FILE', /webhooks/i);
  expect(relay.Properties.Environment.Variables.REPOSITORIES).toBeUndefined();
  const { repositories } = asLambda(relay, (env) => awsRelayDependencies(env as RelayEnvironment));
  expect(repositories).toEqual(ciComponents.map(({ c }) => c.repository));
  expect(repositories.length).toBeGreaterThan(2);
});

test('the build statistics ingest and status board read the component list from their bundles', () => {
  const ingest = fn('COMPONENTS_FILE', /Stores build records/);
  const board = fn('COMPONENTS_FILE', /status board/);
  expect(asLambda(ingest, (env) => bundledJson<Record<string, string>>('COMPONENTS_FILE', env.COMPONENTS_FILE))).toEqual(
    Object.fromEntries(ciComponents.map(({ key, c }) => [key, c.repository])),
  );
  expect(asLambda(board, (env) => bundledJson<{ key: string }[]>('COMPONENTS_FILE', env.COMPONENTS_FILE)).map((c) => c.key)).toEqual(ciComponents.map(({ key }) => key));
});

test('every edge function reads the same fleet directory, every edge pilot\'s, from its bundle', () => {
  const edge = Object.entries(templates.get('Platform-Edge')!.findResources('AWS::Lambda::Function')).filter(([, f]) => f.Properties.Environment?.Variables?.FLEETS_FILE);
  // Test record ingest and query, provisioning hook, retirement, sensor association.
  expect(edge.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ProvisioningHook', 'RetirementFunction', 'SensorAssociationFunction', 'TestRecordsIngest', 'TestRecordsQuery']);
  const directories = edge.map(([, f]) => inTaskRoot(outdir, f, fleetDirectoryFromEnv));
  expect(Object.keys(directories[0]).sort()).toEqual(model.pilots.filter((p) => p.edge).map((p) => p.name).sort());
  for (const d of directories) expect(d).toEqual(directories[0]);
  for (const [, f] of edge) expect(f.Properties.Environment.Variables.FLEETS).toBeUndefined();
});

test('a function whose file variable is missing fails, naming it', () => {
  expect(() => bundledJson('COMPONENTS_FILE', undefined)).toThrow(/COMPONENTS_FILE is not set/);
});

test('a bundle file cannot carry a deploy-time value: synth refuses it instead of shipping the unresolved token', () => {
  const stack = new Stack(new App(), 'S');
  const logKey = new kms.Key(stack, 'Key');
  const fn = (content: string) => () => new PlatformFunction(stack, `F${content.length}`, { module: 'device-retirement', description: 'd', logKey, files: { 'fleets.json': content } });
  expect(fn(stack.toJsonString({ policy: Aws.ACCOUNT_ID }))).toThrow(/bundle file fleets\.json: holds a deploy-time value/);
  expect(fn(JSON.stringify({ policy: 'demo_acme_device-policy' }))).not.toThrow();
});
