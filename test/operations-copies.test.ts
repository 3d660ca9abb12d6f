import { CRATE_USER_SECRETS } from '../k8s/fiware/fiware-chart';
/**
 * Application-consistent copies of the FIWARE stores, checked by behaviour: the rendered CronJobs'
 * shell runs against stub `mongodump`, `aws` and `curl` (CrateDB's HTTP SQL endpoint) that log every
 * call, in the order Kubernetes runs the pod's containers; the jobs' Pod Identity roles are evaluated
 * with iam-simulate over the synthesized policies (what each may write, and what it may not).
 * CrateDB's statements are checked against the parameters CrateDB 4.6.7 (IMAGES.crate) documents.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { IMAGES } from '../k8s/images';
import { STORE_COPY_ACCOUNTS, STORE_COPY_PREFIXES, storeCopiesBucketName } from '../lib/store-copies-address';
import { runCopyPod } from './fixtures/copy-pod';
import { demoAssembly } from './demo-assembly';
import { KubeJson, synthDemoCharts } from './fixtures/demo-charts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const charts = synthDemoCharts();
const { model } = charts;
const fiware = charts.objects('fiware');
const BUCKET = storeCopiesBucketName(model.platform.name, model.platform.environment);
const cronJob = (name: string) => fiware.find((o) => o.kind === 'CronJob' && o.metadata.name === name)!;
const scripts = fiware.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'store-copy-scripts')!.data as Record<string, string>;
const runPod = (job: KubeJson, scenario: Parameters<typeof runCopyPod>[2] = {}) => runCopyPod(job.spec.jobTemplate.spec.template.spec, scripts, scenario);

/**
 * CrateDB 4.6.7's documented parameters (crate/crate tag 4.6.7, docs/sql/statements/create-repository.rst
 * `fs` section and create-snapshot.rst); and its `fs` repositories must live under `path.repo`
 * (docs/config/node.rst, path.repo).
 */
const CRATE_FACTS = { fsRepositoryParameters: ['location', 'compress', 'chunk_size', 'readonly'], createSnapshotParameters: ['wait_for_completion', 'ignore_unavailable'] };

describe('MongoDB dump', () => {
  const job = cronJob(STORE_COPY_ACCOUNTS.mongo);

  test('dumps every database into one archive, then uploads it under mongo/ with its time in the key', () => {
    const { results, calls } = runPod(job);
    expect(results.map((r) => [r.name, r.status])).toEqual([['dump', 0], ['upload', 0]]);
    const [dump, upload] = calls;
    expect(dump).toEqual(['mongodump', '--uri=mongodb://mongo.fiware.svc.cluster.local:27017', expect.stringMatching(/^--archive=.*\/mongo\.archive\.gz$/), '--gzip']);
    expect(upload.slice(0, 3)).toEqual(['aws', 's3', 'cp']);
    expect(upload[3]).toBe(dump[2].slice('--archive='.length));
    expect(upload[4]).toMatch(new RegExp(`^s3://${BUCKET}/${STORE_COPY_PREFIXES.mongo}\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\\.archive\\.gz$`));
    expect(calls).toHaveLength(2);
  });

  test('a failed dump fails the pod and uploads nothing', () => {
    const { results, calls } = runPod(job, { mongodumpFails: true });
    expect(results).toEqual([expect.objectContaining({ name: 'dump', status: 1 })]);
    expect(calls.filter((c) => c[0] === 'aws')).toEqual([]);
  });

  test('the dump runs before the upload, with the network (native sidecar), in the images pinned for it', () => {
    const spec = job.spec.jobTemplate.spec.template;
    expect(spec.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
    expect(spec.spec.initContainers.map((c: Json) => c.image)).toEqual([IMAGES.mongo]);
    expect(spec.spec.containers.map((c: Json) => c.image)).toEqual([IMAGES.awsCli]);
    expect(spec.spec.serviceAccountName).toBe(STORE_COPY_ACCOUNTS.mongo);
  });
});

describe('CrateDB snapshot', () => {
  const job = cronJob(STORE_COPY_ACCOUNTS.crate);

  test('creates the fs repository once, snapshots every table and waits, checks success, drops expired snapshots, then syncs blobs before indexes', () => {
    const before = Date.now();
    const { results, calls, statements, volumes, crateLogins } = runPod(job, { listedSnapshots: ['copy_20250101014500', 'copy_20250102014500'] });
    expect(results).toEqual([{ name: 'snapshot', status: 0, stderr: '' }]);
    // Every statement carries the backup login from its Secret (CrateDB refuses anonymous HTTP).
    expect(new Set(crateLogins)).toEqual(new Set([`crate_backup:secret:${CRATE_USER_SECRETS.backup}/password`]));
    expect(crateLogins).toHaveLength(statements.length);
    const snapshotPath = [...volumes.values()].find((v) => statements.some((s) => s.includes(v)))!;
    expect(statements).toEqual([
      "SELECT name FROM sys.repositories WHERE name = 'copies'",
      `CREATE REPOSITORY copies TYPE fs WITH (location = '${snapshotPath}', compress = true)`,
      expect.stringMatching(/^CREATE SNAPSHOT copies\.copy_\d{14} ALL WITH \(wait_for_completion = true\)$/),
      expect.stringMatching(/^SELECT state FROM sys\.snapshots WHERE repository = 'copies' AND name = 'copy_\d{14}'$/),
      expect.stringMatching(/^SELECT name FROM sys\.snapshots WHERE repository = 'copies' AND started < \d+$/),
      'DROP SNAPSHOT copies.copy_20250101014500',
      'DROP SNAPSHOT copies.copy_20250102014500',
    ]);
    // The cutoff is the configured retention before now, in epoch milliseconds.
    const cutoff = Number(statements[4].split('< ')[1]);
    const retention = model.platform.operations.backups.retentionDays * 86_400_000;
    expect(Math.abs(before - retention - cutoff)).toBeLessThan(60_000);
    const syncs = calls.filter((c) => c[0] === 'aws');
    const target = `s3://${BUCKET}/${STORE_COPY_PREFIXES.crate}`;
    expect(syncs).toEqual([
      ['aws', 's3', 'sync', snapshotPath, target, '--exclude', 'index-*', '--exclude', 'index.latest', '--only-show-errors'],
      ['aws', 's3', 'sync', snapshotPath, target, '--delete', '--only-show-errors'],
    ]);
    // Every statement reaches CrateDB's SQL endpoint by POST.
    for (const c of calls.filter((x) => x[0] === 'curl')) expect(c).toEqual(expect.arrayContaining(['-X', 'POST', 'http://crate.fiware.svc.cluster.local:4200/_sql']));
  });

  test('an existing repository is reused', () => {
    const { results, statements } = runPod(job, { repositories: ['copies'] });
    expect(results[0].status).toBe(0);
    expect(statements.filter((s) => s.startsWith('CREATE REPOSITORY'))).toEqual([]);
  });

  test('a snapshot that did not succeed fails the job: nothing dropped, nothing copied', () => {
    for (const scenario of [{ snapshotState: 'PARTIAL' }, { failingStatement: 'CREATE SNAPSHOT' }]) {
      const { results, calls, statements } = runPod(job, { ...scenario, listedSnapshots: ['copy_20250101014500'] });
      expect(results[0].status).not.toBe(0);
      expect(statements.filter((s) => s.startsWith('DROP'))).toEqual([]);
      expect(calls.filter((c) => c[0] === 'aws')).toEqual([]);
    }
  });

  test("statements use only CrateDB 4.6.7's documented parameters, and CrateDB allows the repository's path", () => {
    const { statements } = runPod(job);
    const params = (stmt: string) => [...stmt.matchAll(/(\w+) = /g)].map((m) => m[1]);
    expect(CRATE_FACTS.fsRepositoryParameters).toEqual(expect.arrayContaining(params(statements.find((s) => s.startsWith('CREATE REPOSITORY'))!)));
    expect(CRATE_FACTS.createSnapshotParameters).toEqual(expect.arrayContaining(params(statements.find((s) => s.startsWith('CREATE SNAPSHOT'))!)));
    const crate = fiware.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'crate')!;
    const container = crate.spec.template.spec.containers[0];
    const snapshotPath = (job.spec.jobTemplate.spec.template.spec.containers[0].env as Json[]).find((e) => e.name === 'SNAPSHOT_PATH')!.value;
    expect(container.args).toContain(`-Cpath.repo=${snapshotPath}`);
    // CrateDB mounts the claim the job reads, at the same path; the job runs on CrateDB's node (ReadWriteOnce).
    const claim = (job.spec.jobTemplate.spec.template.spec.volumes as Json[]).find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim.claimName;
    const crateVolume = (crate.spec.template.spec.volumes as Json[]).find((v) => v.persistentVolumeClaim?.claimName === claim)!;
    expect(container.volumeMounts).toContainEqual(expect.objectContaining({ name: crateVolume.name, mountPath: snapshotPath }));
    expect(job.spec.jobTemplate.spec.template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toEqual({
      labelSelector: { matchLabels: { app: 'crate' } },
      topologyKey: 'kubernetes.io/hostname',
    });
  });
});

test('the copy jobs may call only their store, and only they may', () => {
  const policies = fiware.filter((o) => o.kind === 'AuthorizationPolicy');
  const callers = (app: string) => (policies.find((p) => p.metadata.name === `${app}-callers`)!.spec.rules as Json[]).flatMap((r) => r.from[0].source.principals as string[]);
  expect(callers('mongo')).toContain(`cluster.local/ns/fiware/sa/${STORE_COPY_ACCOUNTS.mongo}`);
  expect(callers('crate')).toContain(`cluster.local/ns/fiware/sa/${STORE_COPY_ACCOUNTS.crate}`);
  expect(callers('mongo')).not.toContain(`cluster.local/ns/fiware/sa/${STORE_COPY_ACCOUNTS.crate}`);
  expect(callers('orion')).not.toContain(`cluster.local/ns/fiware/sa/${STORE_COPY_ACCOUNTS.mongo}`);
});

describe('Pod Identity roles and the bucket', () => {
  const cluster = demoAssembly().templates.get('Platform-Cluster')!.toJSON() as Json;
  const resources = cluster.Resources as Json;
  const ACCOUNT = model.platform.environment.account;
  const REGION = model.platform.environment.region;
  const [bucketId, bucket] = (Object.entries(resources) as [string, Json][]).find(([, r]) => r.Type === 'AWS::S3::Bucket' && r.Properties.BucketName === BUCKET)!;
  const keyId = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
  const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

  function resolve(doc: unknown): Json {
    return JSON.parse(
      JSON.stringify(doc, (_k, v) => {
        if (v && typeof v === 'object' && 'Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : part(p as Json))).join(v['Fn::Join'][0]);
        if (v && typeof v === 'object' && ('Ref' in v || 'Fn::GetAtt' in v)) return part(v);
        return v;
      }),
    );
  }
  function part(p: Json): string {
    if (p.Ref === 'AWS::Partition') return 'aws';
    if (p.Ref === 'AWS::Region') return REGION;
    if (p.Ref === 'AWS::AccountId') return ACCOUNT;
    const [id, attr] = p['Fn::GetAtt'] ?? [p.Ref, 'Ref'];
    if (id === bucketId) return attr === 'Arn' ? `arn:aws:s3:::${BUCKET}` : BUCKET;
    if (id === keyId) return KEY_ARN;
    return `unresolved-${id}`;
  }
  function rolePolicy(serviceAccount: string): Json {
    const association = [...demoAssembly().templates.values()]
      .flatMap((t) => Object.values(t.findResources('AWS::EKS::PodIdentityAssociation')) as Json[])
      .find((r) => r.Properties.ServiceAccount === serviceAccount)!;
    // A pilot stack's association names the role through the cluster stack's output.
    const output = association.Properties.RoleArn['Fn::GetStackOutput'];
    const roleId = (output ? cluster.Outputs[output.OutputName].Value : association.Properties.RoleArn)['Fn::GetAtt'][0];
    const policy = Object.values(resources).find((r: Json) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((x) => x.Ref === roleId)) as Json;
    return resolve(policy.Properties.PolicyDocument);
  }
  async function decide(policy: Json, action: string, resource: string, context: Record<string, string | string[]> = {}) {
    const outcome = await runSimulation(
      {
        identityPolicies: [{ name: 'job', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        // KMS needs the key policy to allow as well (the key's default statement delegates to IAM).
        resourcePolicy: resource === KEY_ARN ? resolve(resources[keyId].Properties.KeyPolicy) : undefined,
        request: { principal: `arn:aws:iam::${ACCOUNT}:role/job`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
      },
      { simulationMode: 'Strict' },
    );
    if (outcome.resultType === 'error') throw new Error(JSON.stringify(outcome.errors));
    return outcome.overallResult;
  }
  const object = (key: string, bucketName = BUCKET) => `arn:aws:s3:::${bucketName}/${key}`;
  const viaS3 = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` };

  test('the MongoDB dump job may add dumps under mongo/, and nothing else', async () => {
    const policy = rolePolicy(STORE_COPY_ACCOUNTS.mongo);
    expect(await decide(policy, 's3:PutObject', object('mongo/2026-12-02T01-15-00Z.archive.gz'))).toBe('Allowed');
    expect(await decide(policy, 's3:PutObject', object('crate/index-5'))).not.toBe('Allowed');
    expect(await decide(policy, 's3:PutObject', object('mongo/x', 'another-bucket'))).not.toBe('Allowed');
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:PutBucketPolicy', 's3:PutLifecycleConfiguration']) {
      expect({ action, result: await decide(policy, action, action.includes('Bucket') || action.includes('Lifecycle') ? `arn:aws:s3:::${BUCKET}` : object('mongo/x')) }).not.toEqual({ action, result: 'Allowed' });
    }
    expect(await decide(policy, 'kms:GenerateDataKey', KEY_ARN, viaS3)).toBe('Allowed');
    expect(await decide(policy, 'kms:GenerateDataKey', KEY_ARN)).not.toBe('Allowed');
  });

  test('the CrateDB snapshot job may sync under crate/ (put, delete = a delete marker), never remove a version or touch mongo/', async () => {
    const policy = rolePolicy(STORE_COPY_ACCOUNTS.crate);
    for (const action of ['s3:PutObject', 's3:DeleteObject']) expect(await decide(policy, action, object('crate/indices/abc/0/__1'))).toBe('Allowed');
    expect(await decide(policy, 's3:ListBucket', `arn:aws:s3:::${BUCKET}`, { 's3:prefix': 'crate/' })).toBe('Allowed');
    expect(await decide(policy, 's3:ListBucket', `arn:aws:s3:::${BUCKET}`, { 's3:prefix': 'mongo/' })).not.toBe('Allowed');
    expect(await decide(policy, 's3:DeleteObjectVersion', object('crate/index-5'))).not.toBe('Allowed');
    expect(await decide(policy, 's3:PutObject', object('mongo/forged.archive.gz'))).not.toBe('Allowed');
    expect(await decide(policy, 's3:DeleteObject', object('mongo/2026-12-02T01-15-00Z.archive.gz'))).not.toBe('Allowed');
    expect(await decide(policy, 's3:PutObject', object('crate/x', 'another-bucket'))).not.toBe('Allowed');
  });

  test('a restore reads both prefixes and writes nothing', async () => {
    const policy = rolePolicy(STORE_COPY_ACCOUNTS.restore);
    expect(await decide(policy, 's3:GetObject', object('mongo/x.archive.gz'))).toBe('Allowed');
    expect(await decide(policy, 's3:GetObject', object('crate/index.latest'))).toBe('Allowed');
    expect(await decide(policy, 'kms:Decrypt', KEY_ARN, viaS3)).toBe('Allowed');
    for (const action of ['s3:PutObject', 's3:DeleteObject']) expect(await decide(policy, action, object('mongo/x'))).not.toBe('Allowed');
    expect(await decide(policy, 's3:GetObject', object('mongo/x', 'another-bucket'))).not.toBe('Allowed');
  });

  test("each role is bound to its job's ServiceAccount where the job runs; restores only in staging namespaces", () => {
    // The restores' associations are in the pilots' Pilot-<pilot>-Namespaces stacks.
    const associations = [...demoAssembly().templates.values()]
      .flatMap((t) => Object.values(t.findResources('AWS::EKS::PodIdentityAssociation')) as Json[])
      .map((r) => `${r.Properties.Namespace}/${r.Properties.ServiceAccount}`);
    for (const name of [STORE_COPY_ACCOUNTS.mongo, STORE_COPY_ACCOUNTS.crate]) {
      expect(cronJob(name).spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(name);
      expect(fiware).toContainEqual(expect.objectContaining({ kind: 'ServiceAccount', metadata: expect.objectContaining({ name }) }));
      expect(associations).toContain(`fiware/${name}`);
    }
    const restores = associations.filter((a) => a.endsWith(`/${STORE_COPY_ACCOUNTS.restore}`));
    expect(restores.length).toBeGreaterThan(0);
    expect(restores.every((a) => /^pilot-[a-z0-9-]+-staging\//.test(a))).toBe(true);
    const restoring = Object.values(demoAssembly().templates.get('Pilot-acme-Namespaces')!.findResources('AWS::EKS::PodIdentityAssociation')) as Json[];
    expect(restoring.map((r) => `${r.Properties.Namespace}/${r.Properties.ServiceAccount}`)).toEqual([`pilot-acme-staging/${STORE_COPY_ACCOUNTS.restore}`]);
  });

  test('the bucket is retained, versioned, KMS-encrypted, logged, and keeps copies as long as config says', () => {
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    const days = model.platform.operations.backups.retentionDays;
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Json[];
    expect(rules.find((r) => r.Prefix === STORE_COPY_PREFIXES.mongo)).toEqual(expect.objectContaining({ ExpirationInDays: days, Status: 'Enabled' }));
    // CrateDB's blobs are shared between snapshots: never expired by age, only once CrateDB deleted them.
    const crate = rules.find((r) => r.Prefix === STORE_COPY_PREFIXES.crate)!;
    expect(crate.ExpirationInDays).toBeUndefined();
    expect(crate.NoncurrentVersionExpiration.NoncurrentDays).toBe(days);
    expect((cronJob(STORE_COPY_ACCOUNTS.crate).spec.jobTemplate.spec.template.spec.containers[0].env as Json[]).find((e) => e.name === 'RETENTION_DAYS')!.value).toBe(String(days));
  });
});
