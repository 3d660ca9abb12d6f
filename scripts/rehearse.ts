/**
 * `npm run rehearse [-- --config <dir>]`: a deploy rehearsal against a local moto_server.
 * Synthesizes the app twice (the config, and the config with one change), starts moto on a free
 * port, bootstraps, then runs the CDK CLI through a stack's life: create every stack moto can
 * serve (dependencies first), update them with the changed config, delete them (dependents first).
 * Stacks moto cannot create are stubbed: the outputs and SSM parameters others read from them get
 * stand-ins, so their dependents are rehearsed too. What moto cannot do is reported per stack, not
 * hidden. See docs/runbook.md, "Deploy rehearsal".
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { parseFlags, runCommand } from '../lib/command-line';
import { assemblyStacks, AssemblyStack, CfnTemplate, synthesizeAssembly } from '../tools/ops/src/assembly-stacks';
import { motoServedTypes, startMotoServer } from '../tools/ops/src/moto-server';
import { writeChangedConfig } from '../tools/ops/src/rehearsal-change';
import {
  ExpectedResource, expectedResources, KeyType, motoTemplate, readParameters, RehearsalPlan, rehearsalPlan, resolveStackOutputs, retainedResources, stubbedOutputs, stubbedParameters,
} from '../tools/ops/src/rehearsal-plan';

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

type AwsJson = (args: string[]) => any;
type Aws = (args: string[]) => { status: number | null };

/**
 * Types moto 5.2's CloudFormation does not delete with their stack (or deletes leaving their network
 * interfaces), so that the VPC then cannot be deleted. The rehearsal deletes them through the EC2
 * API itself, before their stack, and says so.
 */
const MOTO_LEAVES_BEHIND: readonly { readonly type: string; readonly what: string; readonly remove: (ids: string[], awsJson: AwsJson, aws: Aws) => void }[] = [
  {
    type: 'AWS::EC2::VPCEndpoint',
    what: 'endpoints and their network interfaces',
    remove: (ids, awsJson, aws) => {
      const interfaces = awsJson(['ec2', 'describe-vpc-endpoints', '--vpc-endpoint-ids', ...ids]).VpcEndpoints.flatMap((e: any) => e.NetworkInterfaceIds ?? []);
      awsJson(['ec2', 'delete-vpc-endpoints', '--vpc-endpoint-ids', ...ids]);
      // An interface moto did release answers NotFound, which is fine: the VPC check after the delete is what counts.
      for (const eni of interfaces) aws(['ec2', 'delete-network-interface', '--network-interface-id', eni]);
    },
  },
  {
    type: 'AWS::EC2::NatGateway',
    what: 'NAT gateways and their network interfaces',
    remove: (ids, awsJson, aws) => {
      const interfaces = awsJson(['ec2', 'describe-nat-gateways', '--nat-gateway-ids', ...ids]).NatGateways.flatMap((g: any) => (g.NatGatewayAddresses ?? []).map((a: any) => a.NetworkInterfaceId));
      for (const id of ids) awsJson(['ec2', 'delete-nat-gateway', '--nat-gateway-id', id]);
      for (const eni of interfaces) aws(['ec2', 'delete-network-interface', '--network-interface-id', eni]);
    },
  },
  {
    type: 'AWS::EC2::RouteTable',
    what: 'route tables (associations and routes with them)',
    remove: (ids, awsJson) => {
      for (const table of awsJson(['ec2', 'describe-route-tables', '--route-table-ids', ...ids]).RouteTables) {
        for (const a of table.Associations ?? []) if (!a.Main) awsJson(['ec2', 'disassociate-route-table', '--association-id', a.RouteTableAssociationId]);
        awsJson(['ec2', 'delete-route-table', '--route-table-id', table.RouteTableId]);
      }
    },
  },
];

/** One synthesis as the rehearsal sees it. */
interface Rehearsed {
  readonly stacks: readonly AssemblyStack[];
  readonly plan: RehearsalPlan;
  readonly stubs: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** What happened to one stack in each phase, for the closing table. */
interface StackReport {
  create?: string;
  update?: string;
  delete?: string;
  readonly notes: Set<string>;
}

async function main(): Promise<number> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const configDir = parseFlags(process.argv.slice(2), ['config']).config ?? 'config';

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-rehearse-'));
  const initialDir = path.join(work, 'initial');
  const changedConfig = path.join(work, 'config');
  const changedDir = path.join(work, 'changed');
  const initial = synthesizeAssembly(configDir, initialDir);
  const change = writeChangedConfig(configDir, changedConfig);
  const changed = synthesizeAssembly(changedConfig, changedDir);
  const { account, region } = initial.stacks[0].environment;
  console.log(`synthesized ${initial.stacks.length} stacks, and ${changed.stacks.length} after the change (${change.description}) (${elapsed()})`);

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
  const cdk = (app: string, ...args: string[]) => run(path.join(ROOT, 'node_modules/.bin/cdk'), [...args, '--app', app, '--no-notices', '--ci']);
  const aws = (args: string[]) => run('aws', [...args, '--output', 'json']);
  const awsJson = (args: string[]) => {
    const r = aws(args);
    if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed: ${r.stderr}`);
    // Some calls (delete-route-table, disassociate-route-table) answer nothing.
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  };
  const cliError = (r: ReturnType<typeof run>) =>
    r.signal ? `no answer within ${DEPLOY_TIMEOUT_MS / 1000} s` : r.stderr.split('\n').filter((l) => /❌|Error|failed/i.test(l)).join(' | ');

  /** For a VPC that cannot be deleted: what is still in it. */
  const vpcLeftovers = (error: string): string => {
    const vpc = error.match(/vpc-[0-9a-f]+/)?.[0];
    if (!vpc) return '';
    const filter = ['--filters', `Name=vpc-id,Values=${vpc}`];
    const tables = awsJson(['ec2', 'describe-route-tables', ...filter]).RouteTables.filter((t: any) => !t.Associations?.some((a: any) => a.Main)).map((t: any) => t.RouteTableId);
    const enis = awsJson(['ec2', 'describe-network-interfaces', ...filter]).NetworkInterfaces.map((n: any) => `${n.NetworkInterfaceId} (${n.InterfaceType ?? ''} ${n.Description ?? ''} ${n.Groups?.map((g: any) => g.GroupName).join('+') ?? ''})`);
    const groups = awsJson(['ec2', 'describe-security-groups', ...filter]).SecurityGroups.filter((g: any) => g.GroupName !== 'default').map((g: any) => g.GroupName);
    const subnets = awsJson(['ec2', 'describe-subnets', ...filter]).Subnets.map((x: any) => x.SubnetId);
    return ` (still in ${vpc}: network interfaces ${enis.join(', ') || 'none'}; security groups ${groups.join(', ') || 'none'}; subnets ${subnets.join(', ') || 'none'}; route tables ${tables.join(', ') || 'none'})`;
  };
  const reports = new Map<string, StackReport>();
  const report = (id: string) => reports.get(id) ?? reports.set(id, { notes: new Set() }).get(id)!;
  const failures: string[] = [];
  /** The template each stack was last deployed with (after the rehearsal's rewrites). */
  const deployed = new Map<string, CfnTemplate>();
  const outputs = new Map<string, Record<string, string>>();
  const deployedOutput = (stack: string, output: string) => outputs.get(stack)?.[output];
  const certificates = new Map<string, string>();
  const served = motoServedTypes();

  /** Rewrites the stack's template for moto, deploys it, and checks its key resources. Returns false on failure. */
  const deploy = (phase: 'create' | 'update', assembly: cxapi.CloudAssembly, { stacks, plan, stubs }: Rehearsed, id: string): boolean => {
    const stack = stacks.find((s) => s.id === id)!;
    const { template: resolvedTemplate, resolved } = resolveStackOutputs(stack.template, deployedOutput, stubs);
    const { template: motoReady, removed } = motoTemplate(resolvedTemplate, served);
    // Certificates the config names exist in the operator's account, not in moto: moto's own stand in.
    let text = JSON.stringify(motoReady);
    for (const arn of new Set(text.match(/arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+/g) ?? [])) {
      if (!certificates.has(arn)) certificates.set(arn, awsJson(['acm', 'request-certificate', '--domain-name', 'rehearsal.example.com']).CertificateArn);
      text = text.split(arn).join(certificates.get(arn)!);
      report(id).notes.add(`certificate ${arn} (from config) stood in by a moto certificate`);
    }
    const template = JSON.parse(text) as CfnTemplate;
    const r = report(id);
    for (const c of removed) r.notes.add(`for moto: ${c.logicalId} (${c.type}) ${c.reason.startsWith('property') || c.reason.startsWith('moto') ? '' : 'cut: '}${c.reason}`);
    for (const o of resolved.filter((x) => x.stub)) r.notes.add(`stubbed input ${o.stack}/${o.output} = ${o.value}`);
    if (phase === 'update' && JSON.stringify(deployed.get(id)) === JSON.stringify(template)) {
      r.update = 'unchanged';
      return true;
    }
    const file = path.join(assembly.directory, assembly.getStackArtifact(id).templateFile);
    fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
    // SSM parameters the template reads that no deployed stack has written (e.g. an image the
    // image pipeline publishes at run time) get a stand-in, like stubbed outputs.
    for (const name of readParameters(template)) {
      if (aws(['ssm', 'get-parameter', '--name', name]).status === 0) continue;
      const known = plan.stubbed.flatMap((s) => stubbedParameters(stacks.find((x) => x.id === s.stack)!)).find((p) => p.name === name);
      awsJson(['ssm', 'put-parameter', '--name', name, '--type', 'String', '--value', known?.value ?? `rehearsal-stub-${path.basename(name)}`]);
      r.notes.add(`stubbed SSM parameter ${name}${known ? ` (the value ${known.value} its stack would write)` : ' (written at run time, not by a stack)'}`);
    }
    // moto cannot update with a parameter's previous value (KeyError in its _resolve_update_parameters), so defaults are sent again.
    const result = cdk(assembly.directory, 'deploy', id, '--exclusively', '--method=direct', '--require-approval', 'never', '--no-previous-parameters');
    if (result.status !== 0) {
      failures.push(`${phase} ${id}: ${cliError(result)}`);
      r[phase] = 'FAILED';
      return false;
    }
    const description = awsJson(['cloudformation', 'describe-stacks', '--stack-name', id]).Stacks[0];
    outputs.set(id, Object.fromEntries((description.Outputs ?? []).map((o: any) => [o.OutputKey, o.OutputValue])));
    const created = new Map<string, string>(
      awsJson(['cloudformation', 'describe-stack-resources', '--stack-name', id]).StackResources.map((s: any) => [s.LogicalResourceId, s.PhysicalResourceId]),
    );
    const notCreated = new Map<string, number>();
    for (const [logicalId, res] of Object.entries(template.Resources ?? {})) if (!created.has(logicalId)) notCreated.set(res.Type, (notCreated.get(res.Type) ?? 0) + 1);
    for (const [type, n] of notCreated) r.notes.add(`moto did not create ${type} x${n} (accepted, unsupported)`);
    const changedCount = phase === 'update' ? ` (${Object.keys(template.Resources ?? {}).filter((k) => JSON.stringify(template.Resources![k]) !== JSON.stringify(deployed.get(id)?.Resources?.[k])).length} added or changed)` : '';
    r[phase] = `${description.StackStatus}, ${created.size} resources${changedCount}`;
    console.log(`ok     ${phase} ${id}: ${r[phase]} (${elapsed()})`);
    deployed.set(id, template);
    for (const e of expectedResources(id, template)) {
      const physical = created.get(e.logicalId);
      if (physical === undefined) failures.push(`${id}/${e.logicalId} (${e.type}) was not created`);
      else if (e.name !== undefined && e.name !== physical) failures.push(`${id}/${e.logicalId}: named ${physical}, template says ${e.name}`);
    }
    return true;
  };

  /** Fails each key resource whose presence in its service's listing is not `present`. */
  const checkPresence = (label: string, resources: readonly ExpectedResource[], present: boolean, problem: string) => {
    for (const [type, listing] of Object.entries(LISTINGS) as [KeyType, (typeof LISTINGS)[KeyType]][]) {
      const wanted = resources.filter((e) => e.type === type);
      if (wanted.length === 0) continue;
      const existing = new Set(listing.ids(awsJson(listing.command)));
      const wrong = wanted.filter((e) => existing.has(e.name!) !== present);
      for (const m of wrong) failures.push(`${label}: ${m.stack}/${m.logicalId} (${type} ${m.name}) ${problem}`);
      console.log(`${wrong.length ? 'FAIL' : 'ok'}     ${label}, ${type}: ${wanted.length - wrong.length}/${wanted.length} ${present ? 'there' : 'gone'}`);
    }
  };

  /** The key resources of every deployed template, with physical ids, checked against the service listings. */
  const checkListings = (phase: string): ExpectedResource[] => {
    const expected = [...deployed].flatMap(([id, template]) => {
      const created = new Map<string, string>(
        awsJson(['cloudformation', 'describe-stack-resources', '--stack-name', id]).StackResources.map((s: any) => [s.LogicalResourceId, s.PhysicalResourceId]),
      );
      return expectedResources(id, template).flatMap((e) => (created.has(e.logicalId) ? [{ ...e, name: created.get(e.logicalId)! }] : []));
    });
    checkPresence(`after ${phase}`, expected, true, 'is not in its service listing');
    return expected;
  };

  /** The stacks of one synthesis, the rehearsal's plan for them, and the stand-ins for the stubbed ones. */
  const rehearsed = (assembly: cxapi.CloudAssembly): Rehearsed => {
    const stacks = assemblyStacks(assembly);
    const plan = rehearsalPlan(stacks);
    return { stacks, plan, stubs: new Map(plan.stubbed.map((s) => [s.stack, stubbedOutputs(stacks.find((x) => x.id === s.stack)!, account)])) };
  };

  const before = rehearsed(initial);
  const after = rehearsed(changed);
  const changedPlan = after.plan;
  for (const s of changedPlan.stubbed) report(s.stack).create = report(s.stack).update = report(s.stack).delete = `stubbed: ${s.reason}`;

  try {
    const boot = cdk(initialDir, 'bootstrap', `aws://${account}/${region}`);
    if (boot.status !== 0) throw new Error(`cdk bootstrap failed:\n${boot.stderr}`);
    console.log(`ok     bootstrap (${elapsed()})`);

    const createdAll = before.plan.deploy.every((id) => deploy('create', initial, before, id));
    if (createdAll) checkListings('create');

    if (createdAll) {
      const updatedAll = changedPlan.deploy.every((id) => deploy(deployed.has(id) ? 'update' : 'create', changed, after, id));
      if (updatedAll) {
        const expected = checkListings('update');
        if (!expected.some((e) => e.name?.includes(change.component))) failures.push(`after update: no key resource of the added component ${change.component} exists`);
      }
    }

    // Dependents first; what the templates retain must outlive its stack.
    const retained = [...deployed].flatMap(([id, template]) => retainedResources(id, template));
    const lastDeployed = checkListings('last deploy');
    const kept = lastDeployed.filter((e) => retained.some((r) => r.stack === e.stack && r.logicalId === e.logicalId));
    for (const id of [...deployed.keys()].reverse()) {
      const resources = awsJson(['cloudformation', 'describe-stack-resources', '--stack-name', id]).StackResources as any[];
      for (const left of MOTO_LEAVES_BEHIND) {
        const ids = resources.filter((x) => x.ResourceType === left.type).map((x) => x.PhysicalResourceId);
        if (ids.length === 0) continue;
        left.remove(ids, awsJson, aws);
        report(id).notes.add(`${left.type} x${ids.length}: ${left.what} deleted by the rehearsal before the stack (moto's CloudFormation leaves them, and the VPC could not be deleted)`);
      }
      const result = cdk(changedDir, 'destroy', id, '--exclusively', '--force');
      const gone = aws(['cloudformation', 'describe-stacks', '--stack-name', id]);
      const status = gone.status === 0 ? JSON.parse(gone.stdout).Stacks[0]?.StackStatus : 'gone';
      if (result.status !== 0 || (status !== 'gone' && status !== 'DELETE_COMPLETE')) {
        failures.push(`delete ${id}: ${result.status !== 0 ? cliError(result) : `stack is ${status}`}${vpcLeftovers(cliError(result))}`);
        report(id).delete = 'FAILED';
      } else {
        report(id).delete = `deleted, ${kept.filter((k) => k.stack === id).length} retained`;
        console.log(`ok     delete ${id} (${elapsed()})`);
      }
    }
    checkPresence('after delete, retained', kept, true, 'is gone although its template retains it');
    checkPresence('after delete', lastDeployed.filter((e) => !kept.includes(e)), false, 'is still there, and nothing retains it');
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    await moto.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }

  console.log('\nper stack: create | update | delete');
  for (const s of after.stacks) {
    const r = report(s.id);
    console.log(`${s.id}: ${r.create ?? 'not reached'} | ${r.update ?? (r.create ? 'created by the update' : 'not reached')} | ${r.delete ?? 'not reached'}`);
    for (const n of r.notes) console.log(`    ${n}`);
  }
  for (const f of failures) console.log(`FAIL   ${f}`);
  console.log(
    `rehearsal ${failures.length ? 'failed' : 'passed'}: ${changedPlan.deploy.length} stacks created, updated and deleted, ${changedPlan.stubbed.length} stubbed, ${elapsed()}`,
  );
  return failures.length ? 1 : 0;
}

runCommand('rehearse', 'usage: npm run rehearse [-- --config <dir>]', main);
