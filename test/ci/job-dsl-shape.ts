/** Checks recorded Job DSL calls against what the pinned DSL accepts (test/fixtures/jenkins/job-dsl-folder.json). */
import facts from '../fixtures/jenkins/job-dsl-folder.json';
import { DslCall } from './job-dsl-harness';

const contexts = facts.contexts as unknown as Readonly<Record<string, { readonly methods: Readonly<Record<string, string>> }>>;

function check(calls: readonly DslCall[], methods: Readonly<Record<string, string>>, at: string, problems: string[]): void {
  for (const call of calls) {
    const here = `${at}${call.method}`;
    const kind = methods[call.method];
    if (kind === undefined) problems.push(`${here}: unknown; known: ${Object.keys(methods).join(', ')}`);
    else if (kind === 'scalar') {
      if ((call.body ?? []).length > 0 || call.args.length > 1) problems.push(`${here}: takes one value, no closure`);
    } else if (kind !== 'any') check((call.body ?? []), contexts[kind].methods, `${here} > `, problems);
  }
}

/** Every call of a folder script the pinned Job DSL would not know. */
export function folderDslProblems(calls: readonly DslCall[]): string[] {
  const problems: string[] = [];
  const root = Object.fromEntries(Object.entries(facts.root).map(([name, context]) => [name, context]));
  check(calls, root, '', problems);
  return problems;
}
