import * as http from 'http';
import { AddressInfo } from 'net';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../lib/config/load-config';
import { concurrencyProblems, firmwareArtefacts, firmwareProblems, preflightProblems, reservedConcurrency } from '../lib/preflight';
import { MotoServer } from '../tools/ops/src/moto-server';
import { workerMotoServer } from './fixtures/worker-moto';
import { demoAssembly } from './demo-assembly';
import { DEMO_CONFIG } from './fixtures/demo-paths';

const target = { account: '111111111111', region: 'eu-central-1' };

describe('preflight', () => {
  test('passes when account and region match', () => {
    expect(preflightProblems('config/platform.yaml', target, { account: '111111111111', region: 'eu-central-1', arn: 'arn:x' })).toEqual([]);
  });

  test('refuses another account, naming both and the config field', () => {
    const [problem] = preflightProblems('config/platform.yaml', target, { account: '222222222222', region: 'eu-central-1', arn: 'arn:aws:iam::222222222222:user/op' });
    expect(problem).toMatch(/account 222222222222 \(arn:aws:iam::222222222222:user\/op\), but config\/platform\.yaml environment\.account is 111111111111/);
  });

  test('refuses another or a missing region', () => {
    expect(preflightProblems('p.yaml', target, { account: '111111111111', region: 'us-east-1' })).toEqual([
      expect.stringMatching(/region in use is us-east-1, but p\.yaml environment\.region is eu-central-1: set AWS_REGION=eu-central-1/),
    ]);
    expect(preflightProblems('p.yaml', target, { account: '111111111111' })[0]).toMatch(/\(none set\)/);
  });
});

describe('preflight: firmware in the prod blobs (against S3 on a local moto_server)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  beforeAll(async () => {
    moto = await workerMotoServer('111111111111');
    s3 = new S3Client({ endpoint: moto.endpoint, region: 'eu-central-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  }, 60_000);
  afterAll(() => moto?.stop());

  const list = async (bucket: string, prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '');
  const artefacts = () => firmwareArtefacts('config', loadConfig(DEMO_CONFIG));
  const put = (bucket: string, key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'image' }));

  test('every generation with firmware names its component\'s key under <version>/<generation>/<architecture>/', () => {
    expect(artefacts().map((a) => `${a.bucket}/${a.key}`)).toEqual([
      'acme-blobs-prod-111111111111-eu-central-1/press-firmware/3.2.0/press-gw-v1/arm64/press-gw.bin',
      // press-gw-v1's rollback template installs its rollbackVersion.
      'acme-blobs-prod-111111111111-eu-central-1/press-firmware/3.1.4/press-gw-v1/arm64/press-gw.bin',
      'acme-blobs-prod-111111111111-eu-central-1/press-firmware/3.2.0/press-sensor-v1/arm64/press-sensor.bin',
      'bravo-blobs-prod-111111111111-eu-central-1/cold-chain/2.0.0/cold-logger-v1/amd64/cold-logger.bin',
      'bravo-blobs-prod-111111111111-eu-central-1/cold-chain/2.0.0/vision-box-v2/amd64/vision-box.bin',
    ]);
  });

  test('reports the generation whose firmware version is missing from the prod blobs, and a missing bucket; passes once published', async () => {
    const acmeBucket = 'acme-blobs-prod-111111111111-eu-central-1';
    const bravoBucket = 'bravo-blobs-prod-111111111111-eu-central-1';
    const config = { CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' as const } };
    await s3.send(new CreateBucketCommand({ Bucket: acmeBucket, ...config }));
    await put(acmeBucket, 'press-firmware/3.2.0/press-gw-v1/arm64/press-gw.bin');
    await put(acmeBucket, 'press-firmware/3.2.0/press-sensor-v1/arm64/press-sensor.bin');
    // Another version, and the same file one directory off, do not count.
    await put(acmeBucket, 'press-firmware/3.1.3/press-gw-v1/arm64/press-gw.bin');
    let problems = await firmwareProblems(artefacts(), list);
    expect(problems).toEqual([
      'config/pilots/acme.yaml edge.generations[0].firmware.rollbackVersion: acme press-gw-v1 rollback firmware press-firmware 3.1.4 is not in the prod blobs ' +
        '(s3://acme-blobs-prod-111111111111-eu-central-1/press-firmware/3.1.4/press-gw-v1/arm64/press-gw.bin): publish it through the component pipeline and promote it, or fix the version',
      expect.stringMatching(/^config\/pilots\/bravo\.yaml edge\.generations\[0\]\.firmware: cannot list s3:\/\/bravo-blobs-prod-111111111111-eu-central-1 \(NoSuchBucket/),
      expect.stringMatching(/^config\/pilots\/bravo\.yaml edge\.generations\[1\]\.firmware: cannot list/),
    ]);
    await put(acmeBucket, 'press-firmware/3.1.4/press-gw-v1/arm64/press-gw.bin');
    await s3.send(new CreateBucketCommand({ Bucket: bravoBucket, ...config }));
    await put(bravoBucket, 'cold-chain/2.0.0/cold-logger-v1/amd64/cold-logger.bin');
    await put(bravoBucket, 'cold-chain/2.0.0/vision-box-v2/amd64/vision-box.bin.sig');
    problems = await firmwareProblems(artefacts(), list);
    expect(problems).toEqual([
      'config/pilots/bravo.yaml edge.generations[1].firmware: bravo vision-box-v2 firmware cold-chain 2.0.0 is not in the prod blobs ' +
        '(s3://bravo-blobs-prod-111111111111-eu-central-1/cold-chain/2.0.0/vision-box-v2/amd64/vision-box.bin): publish it through the component pipeline and promote it, or fix the version',
    ]);
    await put(bravoBucket, 'cold-chain/2.0.0/vision-box-v2/amd64/vision-box.bin');
    expect(await firmwareProblems(artefacts(), list)).toEqual([]);
  });

  test("the next test file that takes this worker's moto finds none of these buckets", async () => {
    const buckets = async (client: S3Client) => ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(await buckets(s3)).toEqual(['acme-blobs-prod-111111111111-eu-central-1', 'bravo-blobs-prod-111111111111-eu-central-1']);
    const next = await workerMotoServer('111111111111');
    expect(next.endpoint).toBe(moto.endpoint);
    expect(await buckets(new S3Client({ endpoint: next.endpoint, region: 'eu-central-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }))).toEqual([]);
  });
});

/**
 * Lambda GetAccountSettings as documented (https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html:
 * GET /2016-08-19/account-settings/, AccountLimit.ConcurrentExecutions and
 * UnreservedConcurrentExecutions), answered by a local server and read by the real SDK client.
 */
describe('preflight: Lambda concurrency quota against the reserved concurrency of the synthesized functions', () => {
  let server: http.Server;
  let endpoint: string;
  let settings = { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 };
  const requests: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.method !== 'GET' || req.url !== '/2016-08-19/account-settings') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ AccountLimit: { ...settings, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800, TotalCodeSize: 80530636800 }, AccountUsage: { FunctionCount: 3, TotalCodeSize: 1000 } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  const account = async () => {
    const lambda = new LambdaClient({ endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const { AccountLimit } = await lambda.send(new GetAccountSettingsCommand({}));
    return { limit: AccountLimit!.ConcurrentExecutions!, unreserved: AccountLimit!.UnreservedConcurrentExecutions! };
  };
  const reserved = reservedConcurrency([...demoAssembly().templates.values()].map((t) => t.toJSON()));

  test('reservations are summed over every function of every template; functions without one count 0', () => {
    expect(reservedConcurrency([{ Resources: { A: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 5 } }, B: { Type: 'AWS::Lambda::Function', Properties: {} } } }, { Resources: { C: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 7 } }, D: { Type: 'AWS::SQS::Queue' } } }])).toBe(12);
    expect(reserved).toBeGreaterThan(10);
  });

  test("a new account's quota of 10 is refused, naming the quota, its code and the value to ask for", async () => {
    settings = { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 };
    const [problem, ...more] = concurrencyProblems('eu-central-1', reserved, await account());
    expect(more).toEqual([]);
    expect(problem).toContain(`reserve ${reserved} concurrent executions and Lambda keeps 100 unreserved, but the Lambda concurrency quota in eu-central-1 is 10`);
    expect(problem).toContain(`"Concurrent executions" (service lambda, code L-B99A9384) to at least ${reserved + 100}`);
    expect(problem).toContain(`--desired-value ${reserved + 100} --region eu-central-1`);
    expect(requests).toContain('GET /2016-08-19/account-settings');
  });

  test('the quota must hold the reservations plus the 100 Lambda keeps unreserved, exactly', async () => {
    settings = { ConcurrentExecutions: reserved + 99, UnreservedConcurrentExecutions: reserved + 99 };
    expect(concurrencyProblems('eu-central-1', reserved, await account())).toHaveLength(1);
    settings = { ConcurrentExecutions: reserved + 100, UnreservedConcurrentExecutions: reserved + 100 };
    expect(concurrencyProblems('eu-central-1', reserved, await account())).toEqual([]);
    settings = { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 - reserved };
    expect(concurrencyProblems('eu-central-1', reserved, await account())).toEqual([]);
  });

  test('what other functions already reserve is named in the refusal', async () => {
    settings = { ConcurrentExecutions: 50, UnreservedConcurrentExecutions: 30 };
    expect(concurrencyProblems('eu-central-1', reserved, await account())[0]).toMatch(/quota in eu-central-1 is 50 \(functions in the account reserve 20 of it\): .* to at least \d+, plus what other functions reserve/);
  });
});
