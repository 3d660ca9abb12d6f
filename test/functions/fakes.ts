/**
 * The edge handlers' test bed: the jest worker's moto_server, reset (DynamoDB, IoT, IoT data), that the real
 * adapters talk to, a Greengrass v2 fake beside it (moto has only v1; fake-greengrass.ts), the demo
 * fleets, and request builders.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateJobCommand, DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { BuildStatsNames } from '../../lib/functions/build-stats';
import { FactoryTestRecord } from '../../lib/functions/factory-test-record';
import { awsDeviceRegistry, DeviceRegistry } from '../../lib/functions/device-registry';
import { FleetDirectory } from '../../lib/functions/fleet-directory';
import { HttpRequest } from '../../lib/functions/http';
import { dynamoDbTestRecordStore, TestRecordStore } from '../../lib/functions/test-record-store';
import { MotoServer } from '../../tools/ops/src/moto-server';
import { workerMotoServer } from '../fixtures/worker-moto';
import { AWS_CREDENTIALS_BINDING } from '../ci/upstream-facts';
import { FakeGreengrass, startFakeGreengrass } from './fake-greengrass';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-central-1';

export interface EdgeBed {
  readonly moto: MotoServer;
  /** Greengrass v2 (core devices, client device associations, deployments); it knows the things moto has. */
  readonly greengrass: FakeGreengrass;
  /** Client configuration of Greengrass v2 clients. */
  readonly greengrassConfig: EdgeBed['clientConfig'];
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** A fresh, empty table and the real store on it. */
  newStore(): Promise<TestRecordStore>;
  /** The real registry on moto and the Greengrass fake. */
  registry(): DeviceRegistry;
  stop(): Promise<void>;
}

let tables = 0;

/** Starts moto and the Greengrass fake for one test file (call in beforeAll; stop in afterAll). */
export async function startEdgeBed(): Promise<EdgeBed> {
  const moto = await workerMotoServer(ACCOUNT);
  const clientConfig = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const iot = new IoTClient(clientConfig);
  const greengrass = await startFakeGreengrass({
    account: ACCOUNT,
    region: REGION,
    thingExists: (thingName) => iot.send(new DescribeThingCommand({ thingName })).then(() => true, () => false),
    createJob: async (jobId, targetArn) => void (await iot.send(new CreateJobCommand({ jobId, targets: [targetArn], document: '{"greengrass":"deployment"}' }))),
  });
  const greengrassConfig = { ...clientConfig, endpoint: greengrass.endpoint };
  return {
    moto,
    greengrass,
    greengrassConfig,
    clientConfig,
    stop: async () => {
      await greengrass.stop();
      await moto.stop();
    },
    async newStore() {
      const tableName = `records-${process.pid}-${++tables}`;
      // The key schema of FactoryTestRecords' table.
      await new DynamoDBClient(clientConfig).send(
        new CreateTableCommand({
          TableName: tableName,
          KeySchema: [{ AttributeName: 'serial', KeyType: 'HASH' }, { AttributeName: 'run', KeyType: 'RANGE' }],
          AttributeDefinitions: [{ AttributeName: 'serial', AttributeType: 'S' }, { AttributeName: 'run', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      return dynamoDbTestRecordStore(tableName, clientConfig);
    },
    registry: () => awsDeviceRegistry(clientConfig, greengrassConfig),
  };
}

export const FLEETS: FleetDirectory = {
  acme: {
    provisioningTemplate: 'demo_acme',
    devicePolicy: 'acme-device-policy',
    sensorPolicy: 'acme-sensor-policy',
    generations: {
      'press-gw-v1': { kind: 'gateway', group: 'acme_press-gw-v1', requiredTests: { 'supply-voltage': '2.1' } },
      'press-gw-v2': { kind: 'gateway', group: 'acme_press-gw-v2_stable', requiredTests: { 'supply-voltage': '2.1', 'rf-power': '1.0' } },
      'press-sensor-v1': { kind: 'sensor', group: 'acme_press-sensor-v1', requiredTests: { 'supply-voltage': '2.1' } },
    },
  },
  bravo: {
    provisioningTemplate: 'demo_bravo',
    devicePolicy: 'bravo-device-policy',
    sensorPolicy: 'bravo-sensor-policy',
    generations: { 'cold-logger-v1': { kind: 'gateway', group: 'bravo_cold-logger-v1', requiredTests: { 'supply-voltage': '2.1' } } },
  },
};

export function record(overrides: Partial<FactoryTestRecord> = {}): FactoryTestRecord {
  return {
    serial: 'SN-0001',
    pilot: 'acme',
    generation: 'press-gw-v1',
    testId: 'supply-voltage',
    specVersion: '2.1',
    result: 'pass',
    value: 24.1,
    unit: 'V',
    range: { min: 23.5, max: 24.5 },
    station: 'eol-3',
    testedAt: '2026-03-01T08:15:00Z',
    ...overrides,
  };
}

/** Records received one second apart, in the order given (the verdict orders by receiving time). */
export async function addRecords(store: TestRecordStore, ...records: FactoryTestRecord[]): Promise<void> {
  let second = 0;
  for (const r of records) await store.add(r, new Date(Date.UTC(2026, 2, 2, 0, 0, second++)).toISOString());
}

export const OPERATOR = 'arn:aws:sts::111111111111:assumed-role/operators/alice';

/** A function URL request (payload format 2.0) as Lambda hands it over, signed by `signer` (AWS_IAM auth). */
export function request(method: string, rawPath: string, body?: unknown, signer: string = OPERATOR): HttpRequest {
  return {
    rawPath,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { http: { method }, authorizer: { iam: { userArn: signer } } },
  };
}

/** The session of an owner's build reporter, as the controller's aws-credentials binding assumes it. */
export const reporterSession = (platform: string, owner: string) =>
  `arn:aws:sts::${ACCOUNT}:assumed-role/${BuildStatsNames.reporterRole(platform, owner)}/${AWS_CREDENTIALS_BINDING.roleSessionName}`;
