/**
 * Runs a Declarative Jenkinsfile model (jenkinsfile-model.ts) the way Jenkins would, with the
 * commands its shell calls replaced by the logging fakes in ./stubs: stages in order (skipped
 * after a failure or when `when` is false), matrix cells each on their own agent, a fresh
 * workspace per agent (checked out for multibranch jobs), stash/unstash across agents,
 * credentials bindings, and every `sh` run with `sh -eu` so a variable read before it is set fails.
 * What it cannot know (Jenkins' own bookkeeping) it records: inputs asked, jobs triggered.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Agent, AstNode, CallNode, constant, Pipeline, Stage } from './jenkinsfile-model';
import { AWS_CREDENTIALS_BINDING, CATCH_ERROR } from './upstream-facts';

const STUBS = path.join(__dirname, 'stubs');

export interface RunOptions {
  /** What Jenkins sets for the build (BRANCH_NAME, TAG_NAME, BUILD_NUMBER, global node properties, ...). */
  readonly jenkinsEnv: Readonly<Record<string, string>>;
  /** Build parameters. */
  readonly params?: Readonly<Record<string, string>>;
  /** Files of the component's repository, checked out into every workspace of a multibranch build. */
  readonly repository: Readonly<Record<string, string>>;
  /** Multibranch jobs check out the built revision on every agent (Declarative's default checkout). */
  readonly multibranch: boolean;
  /** Settings the fakes read (STUB_*). */
  readonly stubs?: Readonly<Record<string, string>>;
  /** What the registry holds before the run (`<ref> <identity>` lines, as RunResult.registry). @default - nothing */
  readonly registry?: readonly string[];
  /** Credentials whose binding fails, as when the controller cannot assume their role. @default none */
  readonly failingCredentials?: readonly string[];
  /** Whether the approver approves an input step. @default true */
  readonly approve?: boolean;
}

export interface StageRecord {
  readonly path: string;
  readonly status: 'success' | 'failed' | 'skipped';
  readonly reason?: string;
  readonly label?: string;
}

export interface RunResult {
  readonly result: 'SUCCESS' | 'UNSTABLE' | 'FAILURE' | 'ABORTED';
  /** Every fake's call, in order (`aws[<access key>] ...`, `docker ...`, `helm ...`), and checkouts. */
  readonly calls: readonly string[];
  readonly stages: readonly StageRecord[];
  /** What was pushed to the fake registry, with the identity that pushed it. */
  readonly registry: readonly string[];
  readonly triggered: readonly { job: string; parameters: Record<string, string> }[];
  readonly inputs: readonly Record<string, string>[];
  readonly stderr: string;
}

class StepFailed extends Error {}

interface Node {
  readonly workspace: string;
  readonly state: string;
  readonly label: string;
}

interface Scope {
  readonly env: Record<string, string>;
  readonly node?: Node;
  readonly locals: Record<string, string>;
}

/** An Ant-style include pattern (`**`, `*`) as a regular expression over workspace-relative paths. */
function antPattern(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

function filesBelow(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesBelow(path.join(dir, e.name), rel) : [rel];
  });
}

export function runPipeline(pipeline: Pipeline, options: RunOptions): RunResult {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-run-'));
  const log = path.join(root, 'calls.log');
  const registryState = path.join(root, 'registry-state');
  fs.mkdirSync(registryState);
  fs.writeFileSync(path.join(registryState, 'registry'), (options.registry ?? []).map((l) => `${l}\n`).join(''));
  fs.writeFileSync(log, '');
  const stashes = new Map<string, string>();
  const stages: StageRecord[] = [];
  const triggered: { job: string; parameters: Record<string, string> }[] = [];
  const inputs: Record<string, string>[] = [];
  let stderr = '';
  let result: RunResult['result'] = 'SUCCESS';
  let nodes = 0;
  const params = options.params ?? {};
  // A function, so TypeScript does not narrow `result` across the calls that change it.
  const currentResult = () => result;
  const record = (line: string) => fs.appendFileSync(log, `${line}\n`);
  const worse = (r: RunResult['result']) => {
    const order = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'ABORTED'];
    if (order.indexOf(r) > order.indexOf(result)) result = r;
  };

  const value = (n: AstNode | undefined, scope: Scope): string => {
    if (!n) throw new Error('missing value');
    switch (n.kind) {
      case 'const':
        return String(n.value);
      case 'gstring':
        return n.strings.map((s, i) => s + (i < n.values.length ? value(n.values[i], scope) : '')).join('');
      case 'var':
        if (n.name in scope.locals) return scope.locals[n.name];
        if (n.name in scope.env) return scope.env[n.name];
        throw new Error(`unknown variable ${n.name} (groovy.lang.MissingPropertyException)`);
      case 'property': {
        const on = n.on.kind === 'var' ? n.on.name : undefined;
        if (on === 'params') return params[n.name] ?? '';
        if (on === 'env') return scope.env[n.name] ?? '';
        if (on === 'currentBuild' && n.name === 'currentResult') return result;
        if (on === 'currentBuild' && n.name === 'duration') return '0';
        throw new Error(`unsupported property ${JSON.stringify(n)}`);
      }
      case 'binary': {
        const [l, r] = [value(n.left, scope), value(n.right, scope)];
        if (n.op === '/') return String(Number(l) / Number(r));
        if (n.op === '==') return String(l === r);
        if (n.op === '!=') return String(l !== r);
        if (n.op === '==~') return String(new RegExp(`^(?:${r})$`).test(l));
        if (n.op === '&&') return String(l === 'true' && r === 'true');
        if (n.op === '||') return String(l === 'true' || r === 'true');
        throw new Error(`unsupported operator ${n.op}`);
      }
      case 'call':
        if (n.on && ['trim', 'intValue', 'toString'].includes(n.call)) return value(n.on, scope).trim();
        return step(n, scope) ?? '';
      default:
        throw new Error(`unsupported expression ${JSON.stringify(n)}`);
    }
  };
  const named = (c: CallNode, key: string, scope: Scope) => (c.named[key] ? value(c.named[key], scope) : undefined);

  const shell = (script: string, scope: Scope, returnStdout: boolean): string => {
    if (!scope.node) throw new StepFailed("Attempted to execute a step that requires a node context while 'agent none' was specified");
    const file = path.join(scope.node.workspace, `.jenkins-script-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, script, { mode: 0o755 });
    // As the sh step does: a script with a shebang runs as written, any other under `sh -xe` (here -eu: unset variables fail).
    const [command, args] = script.startsWith('#!') ? [file, []] : ['sh', ['-eu', file]];
    const run = spawnSync(command, args, { cwd: scope.node.workspace, env: scope.env, encoding: 'utf8' });
    fs.rmSync(file);
    stderr += run.stderr;
    if (run.status !== 0) throw new StepFailed(`script returned exit code ${run.status}: ${run.stderr.trim().split('\n').pop()}`);
    return returnStdout ? run.stdout : '';
  };

  const checkoutInto = (node: Node, revision: string, scope: Scope) => {
    for (const [file, text] of Object.entries(options.repository)) {
      fs.mkdirSync(path.dirname(path.join(node.workspace, file)), { recursive: true });
      fs.writeFileSync(path.join(node.workspace, file), text);
    }
    record(`checkout ${revision}`);
    scope.env.STUB_GIT_HEAD = options.stubs?.STUB_GIT_HEAD ?? revision;
  };

  function step(c: CallNode, scope: Scope): string | undefined {
    const needsNode = () => {
      if (!scope.node) throw new StepFailed(`${c.call}: Attempted to execute a step that requires a node context while 'agent none' was specified`);
      return scope.node;
    };
    switch (c.call) {
      case 'sh': {
        const script = c.args[0] ? value(c.args[0], scope) : named(c, 'script', scope)!;
        return shell(script, scope, named(c, 'returnStdout', scope) === 'true');
      }
      case 'echo':
        return record(`echo ${value(c.args[0], scope)}`), undefined;
      case 'error':
        throw new StepFailed(value(c.args[0], scope));
      case 'script':
        return run(c.body ?? [], scope), undefined;
      case 'withEnv': {
        const list = c.args[0];
        if (list?.kind !== 'list') throw new Error('withEnv takes a list');
        const env = { ...scope.env };
        for (const item of list.items) {
          const [k, ...v] = value(item, scope).split('=');
          env[k] = v.join('=');
        }
        return run(c.body ?? [], { ...scope, env }), undefined;
      }
      case 'withCredentials': {
        const list = c.args[0];
        if (list?.kind !== 'list') throw new Error('withCredentials takes a list of bindings');
        const env = { ...scope.env };
        for (const binding of list.items) {
          if (binding.kind !== 'call' || binding.call !== AWS_CREDENTIALS_BINDING.symbol) throw new Error(`unknown credentials binding ${JSON.stringify(binding)}`);
          for (const key of Object.keys(binding.named)) {
            if (!(AWS_CREDENTIALS_BINDING.parameters as readonly string[]).includes(key)) throw new Error(`the aws binding has no parameter ${key}`);
          }
          const id = constant(binding.named.credentialsId);
          if (options.failingCredentials?.includes(id)) throw new StepFailed(`Unable to assume the role of credentials ${id}`);
          env[binding.named.accessKeyVariable ? constant(binding.named.accessKeyVariable) : 'AWS_ACCESS_KEY_ID'] = `key-of-${id}`;
          env[binding.named.secretKeyVariable ? constant(binding.named.secretKeyVariable) : 'AWS_SECRET_ACCESS_KEY'] = `secret-of-${id}`;
          // The controller assumed a role: the binding adds the session token.
          env[AWS_CREDENTIALS_BINDING.sessionTokenVariable] = `token-of-${id}`;
        }
        return run(c.body ?? [], { ...scope, env }), undefined;
      }
      case 'catchError': {
        for (const key of Object.keys(c.named)) if (!(CATCH_ERROR.parameters as readonly string[]).includes(key)) throw new Error(`catchError has no parameter ${key}`);
        try {
          run(c.body ?? [], scope);
        } catch (e) {
          if (!(e instanceof StepFailed)) throw e;
          record(`catchError caught: ${e.message}`);
          const to = c.named.buildResult ? value(c.named.buildResult, scope) : CATCH_ERROR.defaultResult;
          if (to !== 'SUCCESS') worse(to as RunResult['result']);
        }
        return undefined;
      }
      case 'stash': {
        const node = needsNode();
        const name = named(c, 'name', scope)!;
        const includes = antPattern(named(c, 'includes', scope) ?? '**');
        const files = filesBelow(node.workspace).filter((f) => includes.test(f));
        if (files.length === 0) throw new StepFailed(`No files included in stash ‘${name}’`);
        const dir = fs.mkdtempSync(path.join(root, 'stash-'));
        for (const f of files) {
          fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
          fs.copyFileSync(path.join(node.workspace, f), path.join(dir, f));
        }
        stashes.set(name, dir);
        return record(`stash ${name}: ${files.join(' ')}`), undefined;
      }
      case 'unstash': {
        const node = needsNode();
        const name = c.args[0] ? value(c.args[0], scope) : named(c, 'name', scope)!;
        const dir = stashes.get(name);
        if (!dir) throw new StepFailed(`No such saved stash ‘${name}’`);
        fs.cpSync(dir, node.workspace, { recursive: true });
        return record(`unstash ${name}`), undefined;
      }
      case 'writeFile': {
        const node = needsNode();
        fs.writeFileSync(path.join(node.workspace, named(c, 'file', scope)!), named(c, 'text', scope)!);
        return undefined;
      }
      case 'junit': {
        const node = needsNode();
        const pattern = antPattern(named(c, 'testResults', scope)!);
        const reports = filesBelow(node.workspace).filter((f) => pattern.test(f));
        // The junit step marks the build unstable when a report lists failures; it does not fail it.
        if (reports.some((f) => /<failure|<error/.test(fs.readFileSync(path.join(node.workspace, f), 'utf8')))) worse('UNSTABLE');
        return record(`junit ${reports.join(' ')}`), undefined;
      }
      case 'checkout': {
        const node = needsNode();
        // checkout([$class: 'GitSCM', ...]): the map literal is the call's named arguments.
        if (c.named.$class?.kind !== 'const' || c.named.$class.value !== 'GitSCM') throw new Error('checkout takes a GitSCM map');
        const branches = c.named.branches;
        if (branches?.kind !== 'list' || branches.items[0]?.kind !== 'map') throw new Error('checkout: branches must be [[name: ...]]');
        checkoutInto(node, value(branches.items[0].entries.name, scope), scope);
        return undefined;
      }
      case 'build': {
        const parameters: Record<string, string> = {};
        const list = c.named.parameters;
        for (const p of list?.kind === 'list' ? list.items : []) {
          if (p.kind !== 'call' || p.call !== 'string') throw new Error('only string parameters are modelled');
          parameters[named(p, 'name', scope)!] = named(p, 'value', scope)!;
        }
        triggered.push({ job: named(c, 'job', scope)!, parameters });
        return undefined;
      }
      default:
        throw new Error(`step ${c.call} is not modelled by the runner`);
    }
  }

  function run(statements: readonly AstNode[], scope: Scope): void {
    for (const s of statements) {
      if (s.kind === 'call') step(s, scope);
      else if (s.kind === 'declare' || s.kind === 'assign') scope.locals[s.name] = value(s.value, scope);
      else throw new Error(`unsupported statement ${JSON.stringify(s)}`);
    }
  }

  const condition = (n: AstNode, scope: Scope): boolean => {
    if (n.kind !== 'call') throw new Error(`unsupported when ${JSON.stringify(n)}`);
    const matches = (glob: string, text: string | undefined) => text !== undefined && antPattern(glob).test(text);
    switch (n.call) {
      case 'beforeAgent':
      case 'beforeInput':
        return true;
      case 'branch':
        return matches(value(n.args[0], scope), scope.env.BRANCH_NAME);
      case 'tag': {
        const pattern = named(n, 'pattern', scope)!;
        const tag = scope.env.TAG_NAME;
        if (tag === undefined) return false;
        return named(n, 'comparator', scope) === 'REGEXP' ? new RegExp(`^(?:${pattern})$`).test(tag) : matches(pattern, tag);
      }
      case 'anyOf':
        return (n.body ?? []).some((c) => condition(c, scope));
      case 'allOf':
        return (n.body ?? []).every((c) => condition(c, scope));
      case 'not':
        return !condition((n.body ?? [])[0], scope);
      case 'expression': {
        const body = n.body ?? [];
        return value(body[body.length - 1], scope) === 'true';
      }
      default:
        throw new Error(`when condition ${n.call} is not modelled`);
    }
  };

  const allocate = (agent: Agent | undefined, scope: Scope): Node | undefined => {
    if (!agent || agent.type === 'none') return undefined;
    const label = agent.type === 'label' ? value(agent.label, scope) : 'any';
    const workspace = path.join(root, `node-${++nodes}-${label}`);
    const state = `${workspace}.state`;
    fs.mkdirSync(workspace);
    fs.mkdirSync(state);
    return { workspace, state, label };
  };
  const nodeScope = (scope: Scope, node: Node): Scope => {
    const env = { ...scope.env, WORKSPACE: node.workspace, HOME: node.workspace, NODE_NAME: node.label, STUB_AGENT_STATE: node.state };
    const inner = { ...scope, env, node };
    if (options.multibranch) {
      // Declarative's default checkout of the built revision, with the variables it sets.
      checkoutInto(node, options.jenkinsEnv.GIT_COMMIT, inner);
    }
    return inner;
  };

  const runPost = (post: Readonly<Record<string, readonly AstNode[]>>, failed: boolean, scope: Scope) => {
    for (const [conditionName, body] of Object.entries(post)) {
      if (conditionName === 'always' || (conditionName === 'failure' && failed) || (conditionName === 'success' && !failed)) {
        try {
          run(body, scope);
        } catch (e) {
          if (!(e instanceof StepFailed)) throw e;
          worse('FAILURE');
        }
      }
    }
  };

  /** Runs stages in order; returns false once one failed. */
  const runStages = (list: readonly Stage[], scope: Scope, prefix: string): void => {
    for (const stage of list) {
      const at = `${prefix}${stage.name}`;
      if (currentResult() === 'FAILURE' || currentResult() === 'ABORTED') {
        stages.push({ path: at, status: 'skipped', reason: 'earlier failure' });
        continue;
      }
      const stageEnv = { ...scope.env };
      for (const e of stage.environment) stageEnv[e.name] = value(e.value, { ...scope, env: stageEnv });
      let inner: Scope = { ...scope, env: stageEnv, locals: { ...scope.locals } };
      if (!stage.when.every((w) => condition(w, inner))) {
        stages.push({ path: at, status: 'skipped', reason: 'when' });
        continue;
      }
      if (stage.input) {
        inputs.push(Object.fromEntries(Object.entries(stage.input).map(([k, v]) => [k, value(v, inner)])));
        if (options.approve === false) {
          worse('ABORTED');
          stages.push({ path: at, status: 'failed', reason: 'not approved' });
          continue;
        }
      }
      if (stage.matrix) {
        const [[axis, values]] = Object.entries(stage.matrix.axes);
        for (const v of values) {
          const cellEnv = { ...inner.env, [axis]: v };
          let cell: Scope = { ...inner, env: cellEnv };
          const node = allocate(stage.matrix.agent ?? stage.agent, cell);
          if (node) cell = nodeScope(cell, node);
          const before: RunResult['result'] = result;
          result = 'SUCCESS';
          runStages(stage.matrix.stages, cell, `${at} (${v}) / `);
          runPost(stage.matrix.post, currentResult() === 'FAILURE', cell);
          const cellResult = currentResult();
          result = before;
          worse(cellResult);
        }
        stages.push({ path: at, status: currentResult() === 'FAILURE' ? 'failed' : 'success' });
        continue;
      }
      if (stage.agent) {
        const node = allocate(stage.agent, inner);
        if (node) inner = nodeScope(inner, node);
      }
      let failed = false;
      try {
        run(stage.steps, inner);
        runStages(stage.stages, inner, `${at} / `);
      } catch (e) {
        if (!(e instanceof StepFailed)) throw e;
        failed = true;
        worse('FAILURE');
        stages.push({ path: at, status: 'failed', reason: e.message, label: inner.node?.label });
      }
      runPost(stage.post, failed, inner);
      if (!failed) stages.push({ path: at, status: 'success', label: inner.node?.label });
    }
  };

  const baseEnv: Record<string, string> = {
    PATH: `${STUBS}:/usr/bin:/bin`,
    STUB_CONTAINER_PATH: `${STUBS}:/usr/bin:/bin`,
    STUB_LOG: log,
    STUB_STATE: registryState,
    ...options.jenkinsEnv,
    ...(options.stubs ?? {}),
  };
  const scope: Scope = { env: baseEnv, locals: {} };
  for (const e of pipeline.environment) baseEnv[e.name] = value(e.value, scope);
  const top = allocate(pipeline.agent, scope);
  runStages(pipeline.stages, top ? nodeScope(scope, top) : scope, '');

  const registryFile = path.join(registryState, 'registry');
  const out: RunResult = {
    result,
    calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
    stages,
    registry: fs.existsSync(registryFile) ? fs.readFileSync(registryFile, 'utf8').split('\n').filter(Boolean) : [],
    triggered,
    inputs,
    stderr,
  };
  fs.rmSync(root, { recursive: true, force: true });
  return out;
}
