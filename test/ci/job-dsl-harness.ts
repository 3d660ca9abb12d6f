/**
 * Job DSL scripts run as the Job DSL plugin runs them: as Groovy, against a recording stub of the
 * DSL (job-dsl-recorder.groovy). Every call (folder, multibranchPipelineJob, pipelineJob, ...) is
 * recorded with its arguments and nested closures, so tests read a job's definition, and the
 * inline Jenkinsfile it holds, exactly as Jenkins would receive them.
 */
import { runGroovyProgram } from './groovy-run';

/** One recorded Job DSL call. */
export interface DslCall {
  readonly method: string;
  readonly args: readonly unknown[];
  /** The calls made inside its closure, or null without one. */
  readonly body: readonly DslCall[] | null;
}

/** Runs each script; throws with the script's error if one fails. */
export function runJobDsl(scripts: readonly string[]): DslCall[][] {
  return runGroovyProgram<{ calls?: DslCall[]; error?: string }>('job-dsl-recorder.groovy', scripts).map((result, i) => {
    if (result.error !== undefined || !result.calls) throw new Error(`Job DSL script #${i} failed: ${result.error}\n${scripts[i]}`);
    return result.calls;
  });
}

/** Every call named `method` at any depth, in order. */
export function findCalls(calls: readonly DslCall[], method: string): DslCall[] {
  return calls.flatMap((c) => [...(c.method === method ? [c] : []), ...findCalls(c.body ?? [], method)]);
}

/** The one call named `method` at any depth below `call`; throws unless there is exactly one. */
export function onlyCall(call: DslCall | readonly DslCall[], method: string): DslCall {
  const found = findCalls(Array.isArray(call) ? call : [call as DslCall], method);
  if (found.length !== 1) throw new Error(`expected one ${method}(), found ${found.length}`);
  return found[0];
}

/**
 * A JCasC value as the plugin hands it on: `${NAME}` replaced from the controller's environment
 * (unknown names are an error here), `^${` an escaped, literal `${`.
 */
export function cascResolved(text: string, environment: Readonly<Record<string, string>>): string {
  return text.replace(/\^\$\{|\$\{([^}]*)\}/g, (_match, name: string | undefined) => {
    if (name === undefined) return '${';
    const value = environment[name];
    if (value === undefined) throw new Error(`JCasC would substitute unknown variable \${${name}}`);
    return value;
  });
}

/** The calls named by `path` below `call`, one level per name (e.g. 'properties', 'folderCredentialsProperty'). */
export function childrenNamed(call: DslCall, ...path: string[]): DslCall[] {
  let level: DslCall[] = [call];
  for (const name of path) level = level.flatMap((c) => (c.body ?? []).filter((child) => child.method === name));
  return level;
}

/** The single argument of the one direct child call `name` of `call` (e.g. `id('x')` -> 'x'). */
export function argOf(call: DslCall, name: string): unknown {
  const found = (call.body ?? []).filter((c) => c.method === name);
  if (found.length !== 1) throw new Error(`${call.method} has ${found.length} ${name}() calls`);
  return found[0].args[0];
}
