/** Hand-written stacks for the ops tools' unit tests. */
import { AssemblyStack, CfnResource } from '../src/assembly-stacks';

/** A resource owned by construct path `path`. */
export function resource(type: string, path: string, properties: Record<string, unknown> = {}): CfnResource {
  return { Type: type, Properties: properties, Metadata: { 'aws:cdk:path': path } };
}

/** A stack from logical id -> resource, with optional outputs. */
export function stack(
  id: string,
  resources: Record<string, CfnResource>,
  extra: Partial<Pick<AssemblyStack, 'pilot' | 'dependencies'>> & { outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }> } = {},
): AssemblyStack {
  return {
    id,
    pilot: extra.pilot,
    region: 'eu-central-1',
    dependencies: extra.dependencies ?? [],
    template: { Resources: resources, Outputs: extra.outputs },
  };
}
