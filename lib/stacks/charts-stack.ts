import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Chart } from 'cdk8s';
import { Construct, IDependable } from 'constructs';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface ChartsStackProps extends PlatformStackProps {
  /**
   * The cluster the charts are applied to. Its kubectl provider (handler, role, API access) applies
   * them: this stack has no provider of its own, only references to the cluster stack's.
   */
  readonly cluster: eks.Cluster;
  /** cdk8s charts, in apply order. */
  readonly charts: readonly Chart[];
  /** What creates the kinds and namespaces the charts use (Helm releases, earlier chart sets). */
  readonly after: readonly IDependable[];
}

/**
 * Applies a set of cdk8s charts to the platform cluster: as few manifests (custom resources, kubectl
 * applies) as the request size allows, one after the other in chart order, so that a namespace comes
 * before what lives in it. The platform's shared services and every pilot's namespaces each have such
 * a stack, so that no template grows with the pilot count.
 */
export class ChartsStack extends PlatformStack {
  /** The last manifest: depend on it to come after every object of this stack. */
  public readonly applied: IDependable;
  /** The charts it applies, in apply order (the validation gates check their objects' schemas). */
  public readonly charts: readonly Chart[];

  constructor(scope: Construct, id: string, props: ChartsStackProps) {
    super(scope, id, props);
    this.charts = props.charts;
    let previous: readonly IDependable[] = props.after;
    manifestBatches(props.charts.map((chart) => chart.toJson()), MANIFEST_BUDGET_BYTES).forEach((objects, i) => {
      const manifest = new eks.KubernetesManifest(this, i === 0 ? 'Charts' : `Charts${i + 1}`, { cluster: props.cluster, manifest: objects });
      for (const dependency of previous) manifest.node.addDependency(dependency);
      previous = [manifest];
    });
    if (previous === props.after) throw new Error(`${id}: no objects to apply`);
    this.applied = previous[0];
  }
}

/** Largest manifest one custom resource carries: its request travels through Lambda's payload limit. */
export const MANIFEST_BUDGET_BYTES = 200 * 1024;

/**
 * Charts' objects grouped into batches of at most `budget` bytes of JSON, in order: charts whole where
 * they fit, a chart larger than the budget split between its objects.
 */
export function manifestBatches(charts: readonly Record<string, unknown>[][], budget: number): Record<string, unknown>[][] {
  const batches: Record<string, unknown>[][] = [];
  let size = Infinity;
  const add = (objects: readonly Record<string, unknown>[], bytes: number) => {
    if (size + bytes > budget) {
      batches.push([]);
      size = 0;
    }
    batches[batches.length - 1].push(...objects);
    size += bytes;
  };
  for (const objects of charts) {
    const chartSize = JSON.stringify(objects).length;
    if (chartSize <= budget) add(objects, chartSize);
    else for (const o of objects) add([o], JSON.stringify(o).length);
  }
  return batches;
}
