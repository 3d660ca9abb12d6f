/**
 * A Declarative Jenkinsfile read as Declarative Pipeline reads it: from its Groovy AST
 * (jenkinsfile-ast.groovy), not executed. The model keeps what the checks and the runner need:
 * stages (nested and matrix), their agents, `when`, `options`, `input`, steps and `post`.
 */
import { runGroovyProgram } from './groovy-run';

export type AstNode =
  | { kind: 'call'; call: string; on: AstNode | null; args: AstNode[]; named: Record<string, AstNode>; body: AstNode[] | null }
  | { kind: 'const'; value: string | number | boolean | null }
  | { kind: 'gstring'; strings: string[]; values: AstNode[] }
  | { kind: 'var'; name: string }
  | { kind: 'list'; items: AstNode[] }
  | { kind: 'map'; entries: Record<string, AstNode> }
  | { kind: 'closure'; body: AstNode[] }
  | { kind: 'declare'; name: string; value: AstNode }
  | { kind: 'assign'; name: string; value: AstNode }
  | { kind: 'binary'; op: string; left: AstNode; right: AstNode }
  | { kind: 'property'; on: AstNode; name: string }
  | { kind: 'if'; text: string; then: AstNode[]; else: AstNode[] }
  | { kind: 'statement' | 'expr'; text: string };
export type CallNode = Extract<AstNode, { kind: 'call' }>;

/** `agent none`, `agent any`, or `agent { label ... }` (the label as an unevaluated node). */
export type Agent = { readonly type: 'none' | 'any' } | { readonly type: 'label'; readonly label: AstNode };

export interface Stage {
  readonly name: string;
  /** Its own agent directive, if any. */
  readonly agent?: Agent;
  readonly when: readonly AstNode[];
  readonly options: readonly AstNode[];
  /** The `input` directive's fields (message, ok, submitter, ...). */
  readonly input?: Readonly<Record<string, AstNode>>;
  readonly environment: readonly { name: string; value: AstNode }[];
  readonly steps: readonly AstNode[];
  /** post conditions (always, success, failure, ...) and their steps. */
  readonly post: Readonly<Record<string, readonly AstNode[]>>;
  readonly stages: readonly Stage[];
  readonly matrix?: Matrix;
}

export interface Matrix {
  readonly axes: Readonly<Record<string, readonly string[]>>;
  readonly agent?: Agent;
  readonly post: Readonly<Record<string, readonly AstNode[]>>;
  readonly stages: readonly Stage[];
}

export interface Pipeline {
  readonly agent?: Agent;
  readonly options: readonly AstNode[];
  readonly parameters: readonly AstNode[];
  readonly environment: readonly { name: string; value: AstNode }[];
  readonly stages: readonly Stage[];
}

const calls = (nodes: readonly AstNode[] | null | undefined): CallNode[] => (nodes ?? []).filter((n): n is CallNode => n.kind === 'call');
const section = (nodes: readonly AstNode[] | null, name: string): CallNode | undefined => calls(nodes).find((c) => c.call === name);

export function constant(node: AstNode | undefined): string {
  if (node?.kind !== 'const' || typeof node.value !== 'string') throw new Error(`expected a string literal, got ${JSON.stringify(node)}`);
  return node.value;
}

function agentOf(nodes: readonly AstNode[] | null): Agent | undefined {
  const agent = section(nodes, 'agent');
  if (!agent) return undefined;
  const [arg] = agent.args;
  if (arg?.kind === 'var' && (arg.name === 'none' || arg.name === 'any')) return { type: arg.name };
  const label = section(agent.body, 'label');
  if (label) return { type: 'label', label: label.args[0] };
  throw new Error(`unsupported agent ${JSON.stringify(agent)}`);
}

function postOf(nodes: readonly AstNode[] | null): Record<string, AstNode[]> {
  return Object.fromEntries(calls(section(nodes, 'post')?.body).map((c) => [c.call, c.body ?? []]));
}

function environmentOf(nodes: readonly AstNode[] | null) {
  return (section(nodes, 'environment')?.body ?? []).map((n) => {
    if (n.kind !== 'assign') throw new Error(`environment holds assignments only: ${JSON.stringify(n)}`);
    return { name: n.name, value: n.value };
  });
}

function stagesOf(nodes: readonly AstNode[] | null): Stage[] {
  return calls(section(nodes, 'stages')?.body).map((stage) => {
    if (stage.call !== 'stage') throw new Error(`stages holds stage() only, not ${stage.call}`);
    const body = stage.body;
    const matrix = section(body, 'matrix');
    const input = section(body, 'input');
    return {
      name: constant(stage.args[0]),
      agent: agentOf(body),
      when: section(body, 'when')?.body ?? [],
      options: section(body, 'options')?.body ?? [],
      input: input ? Object.fromEntries(calls(input.body).map((c) => [c.call, c.args[0]])) : undefined,
      environment: environmentOf(body),
      steps: section(body, 'steps')?.body ?? [],
      post: postOf(body),
      stages: stagesOf(body),
      matrix: matrix
        ? {
            axes: Object.fromEntries(
              calls(section(matrix.body, 'axes')?.body).map((axis) => [
                constant(section(axis.body, 'name')?.args[0]),
                (section(axis.body, 'values')?.args ?? []).map((v) => constant(v)),
              ]),
            ),
            agent: agentOf(matrix.body),
            post: postOf(matrix.body),
            stages: stagesOf(matrix.body),
          }
        : undefined,
    };
  });
}

/** Parses Jenkinsfiles (one JVM for all) into their Declarative model; throws on a syntax error. */
export function parseJenkinsfiles(texts: readonly string[]): Pipeline[] {
  return runGroovyProgram<{ statements?: AstNode[]; error?: string }>('jenkinsfile-ast.groovy', texts).map((result, i) => {
    if (!result.statements) throw new Error(`Jenkinsfile #${i} does not parse: ${result.error}`);
    const pipeline = calls(result.statements).find((c) => c.call === 'pipeline');
    if (!pipeline) throw new Error(`Jenkinsfile #${i} has no pipeline {} block`);
    return {
      agent: agentOf(pipeline.body),
      options: section(pipeline.body, 'options')?.body ?? [],
      parameters: section(pipeline.body, 'parameters')?.body ?? [],
      environment: environmentOf(pipeline.body),
      stages: stagesOf(pipeline.body),
    };
  });
}

/** Every call named `name` in `nodes`, at any depth (closures, script blocks, arguments). */
export function callsNamed(nodes: readonly AstNode[], name: string): CallNode[] {
  const found: CallNode[] = [];
  const visit = (n: AstNode | null | undefined): void => {
    if (!n) return;
    switch (n.kind) {
      case 'call':
        if (n.call === name) found.push(n);
        visit(n.on);
        n.args.forEach(visit);
        Object.values(n.named).forEach(visit);
        (n.body ?? []).forEach(visit);
        return;
      case 'declare':
      case 'assign':
        return visit(n.value);
      case 'list':
        return n.items.forEach(visit);
      case 'map':
        return Object.values(n.entries).forEach(visit);
      case 'closure':
        return n.body.forEach(visit);
      case 'binary':
        visit(n.left);
        return visit(n.right);
      case 'if':
        n.then.forEach(visit);
        return n.else.forEach(visit);
      default:
        return;
    }
  };
  nodes.forEach(visit);
  return found;
}

/** Every stage with the agent it runs its steps on: its own, else its matrix's or parent's, else the pipeline's. */
export function stagesWithAgents(pipeline: Pipeline): { stage: Stage; path: string; agent?: Agent }[] {
  const out: { stage: Stage; path: string; agent?: Agent }[] = [];
  const walk = (stages: readonly Stage[], inherited: Agent | undefined, prefix: string) => {
    for (const stage of stages) {
      const agent = stage.agent ?? inherited;
      const path = `${prefix}${stage.name}`;
      out.push({ stage, path, agent });
      walk(stage.stages, agent, `${path} / `);
      if (stage.matrix) walk(stage.matrix.stages, stage.matrix.agent ?? agent, `${path} / `);
    }
  };
  walk(pipeline.stages, pipeline.agent, '');
  return out;
}

/** Steps that need a node (a workspace): sh and the file steps. */
export const NODE_STEPS = ['sh', 'stash', 'unstash', 'writeFile', 'checkout', 'junit'];
