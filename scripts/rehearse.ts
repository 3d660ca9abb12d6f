/**
 * `npm run rehearse [-- --config <dir>]`: a deploy rehearsal against a local moto_server.
 * Synthesizes the app, starts moto on a free port, bootstraps, deploys with the CDK CLI (in
 * dependency order) every stack that does not need a live EKS control plane, checks that the key
 * resources exist through the AWS CLI, then stops moto. What moto cannot do is reported, not
 * hidden: stacks skipped, custom resources removed, resource types moto does not create.
 * See docs/runbook.md, "Deploy rehearsal".
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseFlags, runCommand } from '../lib/command-line';
import { assemblyStacks, synthesizeAssembly } from '../tools/ops/src/assembly-stacks';
import { startMotoServer } from '../tools/ops/src/moto-server';
import { ExpectedResource, expectedResources, KeyType, motoTemplate, rehearsalPlan } from '../tools/ops/src/rehearsal-plan';

const ROOT = path.join(__dirname, '..');
const DEPLOY_TIMEOUT_MS = 5 * 60_000;

/** Lists each key type's physical ids in the (moto) account. */
const LISTINGS: Readonly<Record<KeyType, { readonly command: string[]; readonly ids: (out: any) => string[] }>> = {
  'AWS::EC2::VPC': { command: ['ec2', 'describe-vpcs'], ids: (o) => o.Vpcs.map((v: any) => v.VpcId) },
  'AWS::EC2::Subnet': { command: ['ec2', 'describe-subnets'], ids: (o) => o.Subnets.map((s: any) => s.SubnetId) },
  'AWS::ECR::Repository': { command: ['ecr', 'describe-repositories'], ids: (o) => o.repositories.map((r: any) => r.repositoryName) },
  'AWS::S3::Bucket': { command: ['s3api', 'list-buckets'], ids: (o) => o.Buckets.map((b: any) => b.Name) },
  'AWS::IAM::Role': { command: ['iam', 'list-roles'], ids: (o) => o.Roles.map((r: any) => r.RoleName) },
};

async function main(): Promise<number> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const configDir = parseFlags(process.argv.slice(2), ['config']).config ?? 'config';

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-rehearse-'));
  const assembly = synthesizeAssembly(configDir, outdir);
  const stacks = assemblyStacks(assembly);
  const { account, region } = assembly.stacks[0].environment;
  const plan = rehearsalPlan(stacks);
  console.log(`synthesized ${stacks.length} stacks (${elapsed()})`);
  for (const s of plan.skipped) console.log(`skip   ${s.stack}: ${s.reason}`);

  const deployed = new Map<string, ReturnType<typeof motoTemplate>['template']>();
  for (const id of plan.deploy) {
    const file = path.join(outdir, assembly.getStackArtifact(id).templateFile);
    const { template, removed } = motoTemplate(JSON.parse(fs.readFileSync(file, 'utf8')));
    for (const r of removed) console.log(`cut    ${id}/${r.logicalId} (${r.type}): ${r.reason}`);
    fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
    deployed.set(id, template);
  }

  const moto = await startMotoServer(account);
  console.log(`moto_server at ${moto.endpoint} (${elapsed()})`);
  // Nothing from the operator's own AWS setup may leak in: this must only ever talk to moto.
  const { AWS_PROFILE: _profile, AWS_SESSION_TOKEN: _session, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    AWS_ENDPOINT_URL: moto.endpoint,
    // The CDK CLI caches the account per access key id (~/.cdk/cache): a key per account keeps it right.
    AWS_ACCESS_KEY_ID: `rehearse-${account}`,
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout: DEPLOY_TIMEOUT_MS });
  const cdk = (...args: string[]) => run(path.join(ROOT, 'node_modules/.bin/cdk'), [...args, '--app', outdir, '--no-notices', '--ci']);
  const awsJson = (args: string[]) => {
    const r = run('aws', [...args, '--output', 'json']);
    if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  const failures: string[] = [];
  try {
    const boot = cdk('bootstrap', `aws://${account}/${region}`);
    if (boot.status !== 0) throw new Error(`cdk bootstrap failed:\n${boot.stderr}`);
    console.log(`ok     bootstrap (${elapsed()})`);

    const expected: ExpectedResource[] = [];
    for (const id of plan.deploy) {
      const r = cdk('deploy', id, '--exclusively', '--method=direct', '--require-approval', 'never');
      if (r.status !== 0) {
        failures.push(`deploy ${id}: ${r.signal ? `no answer within ${DEPLOY_TIMEOUT_MS / 1000} s` : r.stderr.split('\n').filter((l) => /❌|Error|failed/i.test(l)).join(' | ')}`);
        break;
      }
      const created = new Map<string, string>(
        awsJson(['cloudformation', 'describe-stack-resources', '--stack-name', id]).StackResources.map((s: any) => [s.LogicalResourceId, s.PhysicalResourceId]),
      );
      const template = deployed.get(id)!;
      const notCreated = Object.entries(template.Resources ?? {}).filter(([logicalId]) => !created.has(logicalId));
      const byType = new Map<string, number>();
      for (const [, res] of notCreated) byType.set(res.Type, (byType.get(res.Type) ?? 0) + 1);
      console.log(`ok     deploy ${id}: ${created.size} resources (${elapsed()})`);
      if (byType.size > 0) console.log(`       moto did not create (unsupported types): ${[...byType].map(([t, n]) => `${t} x${n}`).join(', ')}`);
      for (const e of expectedResources(id, template)) {
        const physical = created.get(e.logicalId);
        if (physical === undefined) failures.push(`${id}/${e.logicalId} (${e.type}) was not created`);
        else expected.push({ ...e, name: physical });
        if (physical !== undefined && e.name !== undefined && e.name !== physical) failures.push(`${id}/${e.logicalId}: named ${physical}, template says ${e.name}`);
      }
    }

    for (const [type, listing] of Object.entries(LISTINGS) as [KeyType, (typeof LISTINGS)[KeyType]][]) {
      const wanted = expected.filter((e) => e.type === type);
      if (wanted.length === 0) continue;
      const existing = new Set(listing.ids(awsJson(listing.command)));
      const missing = wanted.filter((e) => !existing.has(e.name!));
      for (const m of missing) failures.push(`${m.stack}/${m.logicalId} (${type} ${m.name}) is not in aws ${listing.command.join(' ')}`);
      console.log(`${missing.length ? 'FAIL' : 'ok'}     ${type}: ${wanted.length - missing.length}/${wanted.length} found${type === 'AWS::ECR::Repository' ? ` (${wanted.map((w) => w.name).join(', ')})` : ''}`);
    }
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    await moto.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  for (const f of failures) console.log(`FAIL   ${f}`);
  console.log(`rehearsal ${failures.length ? 'failed' : 'passed'}: ${plan.deploy.length} stacks deployed, ${plan.skipped.length} skipped, ${elapsed()}`);
  return failures.length ? 1 : 0;
}

runCommand('rehearse', 'usage: npm run rehearse [-- --config <dir>]', main);
