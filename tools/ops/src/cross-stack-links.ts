/** Cross-stack references of the synthesized app: who reads which other stack's outputs. */
import { AssemblyStack, CfnTemplate } from './assembly-stacks';
import { topLevelId } from './main-constructs';

/** One stack's construct reading an output of another stack's construct. */
export interface CrossStackLink {
  readonly fromStack: string;
  /** Top-level construct id behind the output, if the output points at a resource. */
  readonly fromConstruct?: string;
  readonly toStack: string;
  /** Top-level construct id whose resource holds the reference. */
  readonly toConstruct?: string;
}

/**
 * Every `Fn::GetStackOutput` (CDK's weak references) and `Fn::ImportValue` (strong references)
 * in resource properties, deduplicated and sorted. Imports of exports no stack of the app makes
 * are skipped: they are not links between the app's stacks.
 */
export function crossStackLinks(stacks: readonly AssemblyStack[]): CrossStackLink[] {
  const byId = new Map(stacks.map((s) => [s.id, s]));
  const exporters = new Map<string, { stack: string; output: string }>();
  for (const s of stacks) {
    for (const [output, { Export }] of Object.entries(s.template.Outputs ?? {})) {
      if (typeof Export?.Name === 'string') exporters.set(Export.Name, { stack: s.id, output });
    }
  }
  const links = new Map<string, CrossStackLink>();
  for (const consumer of stacks) {
    for (const resource of Object.values(consumer.template.Resources ?? {})) {
      for (const ref of references(resource.Properties)) {
        const source = 'exportName' in ref ? exporters.get(ref.exportName) : ref;
        const producer = source && byId.get(source.stack);
        if (!source || !producer) continue;
        const link: CrossStackLink = {
          fromStack: producer.id,
          fromConstruct: outputOwner(producer.template, source.output),
          toStack: consumer.id,
          toConstruct: topLevelId(resource),
        };
        links.set(JSON.stringify(link), link);
      }
    }
  }
  return [...links.keys()].sort().map((k) => links.get(k)!);
}

type Reference = { stack: string; output: string } | { exportName: string };

function* references(value: unknown): Generator<Reference> {
  if (Array.isArray(value)) {
    for (const v of value) yield* references(v);
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const weak = obj['Fn::GetStackOutput'] as { StackName?: unknown; OutputName?: unknown } | undefined;
    if (weak && typeof weak.StackName === 'string' && typeof weak.OutputName === 'string') {
      yield { stack: weak.StackName, output: weak.OutputName };
    } else if (typeof obj['Fn::ImportValue'] === 'string') {
      yield { exportName: obj['Fn::ImportValue'] };
    } else {
      for (const v of Object.values(obj)) yield* references(v);
    }
  }
}

/** The top-level construct of the resource an output's `Ref` / `Fn::GetAtt` points at. */
function outputOwner(template: CfnTemplate, output: string): string | undefined {
  const value = template.Outputs?.[output]?.Value as Record<string, unknown> | undefined;
  const logicalId = typeof value?.Ref === 'string' ? value.Ref : Array.isArray(value?.['Fn::GetAtt']) ? String(value['Fn::GetAtt'][0]) : undefined;
  const resource = logicalId ? template.Resources?.[logicalId] : undefined;
  return resource && topLevelId(resource);
}
