import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addHardenedContainer, HardenedContainerProps } from './hardened-container';

/** The platform's default StorageClass (EBS gp3), created by the cluster stack. */
export const DEFAULT_STORAGE_CLASS = 'gp3';

export interface PersistentStorage {
  /** Where the volume is mounted. */
  readonly mountPath: string;
  /** Size of the volume each replica claims. */
  readonly size: Size;
  /** @default DEFAULT_STORAGE_CLASS */
  readonly storageClassName?: string;
}

export interface ConfigMount {
  /** Where the ConfigMap's files appear in the container, read-only. */
  readonly path: string;
  /** The files. */
  readonly configMap: kplus.IConfigMap;
}

/** Where a service's pods are, as a NetworkPolicy names them: for allowing traffic to them. */
export interface ServiceEndpoint {
  /** The pods' namespace. */
  readonly namespace: string;
  /** Labels that select the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The pods' listening ports. */
  readonly ports: readonly number[];
}

/** A workload as the mesh authenticates it: its pods, and its mTLS identity. */
export interface MeshPeer {
  /** The pods' namespace. */
  readonly namespace: string;
  /** Labels that select the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The SPIFFE principal Istio gives its ServiceAccount: `cluster.local/ns/<ns>/sa/<sa>`. */
  readonly principal: string;
}

/** Istio's principal for a ServiceAccount (the mesh's default trust domain, `cluster.local`). */
export const meshPrincipal = (namespace: string, serviceAccount: string) => `cluster.local/ns/${namespace}/sa/${serviceAccount}`;

/** The mesh peer of a platform service named `name` in `namespace` (its ServiceAccount is named after it). */
export const platformPeer = (namespace: string, name: string): MeshPeer => ({ namespace, podLabels: { app: name }, principal: meshPrincipal(namespace, name) });

export interface PlatformServiceProps {
  /** Name of the workload and its Service, and the pods' `app` label (Kiali and dashboards group by it). */
  readonly name: string;
  /** The one container of the pod. */
  readonly container: Omit<HardenedContainerProps, 'name'>;
  /**
   * A persistent volume per replica: makes the workload a StatefulSet with a volume claim template.
   * @default none: a Deployment
   */
  readonly storage?: PersistentStorage;
  /** @default none */
  readonly configMounts?: readonly ConfigMount[];
  /**
   * Node labels the pods require (a contract with the cluster's node groups).
   * @default any node
   */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /**
   * Identity of the pods, with its API token mounted (for workloads that call the Kubernetes API).
   * @default a ServiceAccount of its own, named after the workload, without an API token: the mesh
   * identity (its principal) that AuthorizationPolicies name
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** @default 1 */
  readonly replicas?: number;
  /**
   * Whether Istio injects its sidecar. Off only for what must talk plaintext to the mesh's own ports
   * (metric scrapers, the tracing collector Envoy reports to).
   * @default true
   */
  readonly meshSidecar?: boolean;
}

/** One service of the platform: a hardened single-container workload and the ClusterIP Service in front of it. */
export class PlatformService extends Construct {
  public readonly workload: kplus.Deployment | kplus.StatefulSet;
  public readonly service: kplus.Service;
  public readonly container: kplus.Container;
  /** The Service's in-cluster DNS name. */
  public readonly host: string;
  /** This service's pods and ports, for NetworkPolicies elsewhere. */
  public readonly endpoint: ServiceEndpoint;
  /** This service's pods and mesh identity, for AuthorizationPolicies elsewhere. */
  public readonly peer: MeshPeer;

  constructor(scope: Construct, id: string, props: PlatformServiceProps) {
    super(scope, id);
    const { name, storage } = props;
    const namespace = Chart.of(this).namespace;
    if (!namespace) throw new Error(`${this.node.path}: a platform service needs its chart's namespace`);
    this.host = `${name}.${namespace}.svc.cluster.local`;

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name, labels: { app: name } },
      ports: props.container.ports.map((p) => ({ name: p.name, port: p.number, targetPort: p.number })),
    });
    // Its own identity, so that policies can name it; no API token, the mesh needs none.
    const serviceAccount = props.serviceAccount ?? new kplus.ServiceAccount(this, 'Account', { metadata: { name }, automountToken: false });
    const podProps = {
      metadata: { name, labels: { app: name } },
      replicas: props.replicas ?? 1,
      serviceAccount,
      automountServiceAccountToken: props.serviceAccount !== undefined,
      securityContext: {
        user: props.container.user,
        group: props.container.group ?? props.container.user,
        fsGroup: props.container.group ?? props.container.user,
        ensureNonRoot: true,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
    };
    // A StatefulSet's serviceName must be a headless Service (it gives each pod its DNS name); clients
    // keep using the ClusterIP Service.
    const governing = storage
      ? new kplus.Service(this, 'Headless', {
          metadata: { name: `${name}-headless`, labels: { app: name } },
          clusterIP: 'None',
          ports: props.container.ports.map((p) => ({ name: p.name, port: p.number, targetPort: p.number })),
        })
      : undefined;
    this.workload = governing
      ? new kplus.StatefulSet(this, 'Workload', { ...podProps, service: governing })
      : new kplus.Deployment(this, 'Workload', podProps);
    this.service.select(this.workload);
    governing?.select(this.workload);
    this.workload.podMetadata.addLabel('app', name);
    this.workload.podMetadata.addLabel('version', props.container.image.split(':').pop()!);
    if (props.meshSidecar === false) this.workload.podMetadata.addLabel('sidecar.istio.io/inject', 'false');

    this.container = addHardenedContainer(this.workload, { name, ...props.container });
    (props.configMounts ?? []).forEach((mount, i) =>
      this.container.mount(mount.path, kplus.Volume.fromConfigMap(this, `Config${i}`, mount.configMap), { readOnly: true }),
    );
    for (const [key, value] of Object.entries(props.nodeLabels ?? {})) {
      this.workload.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(key, value)));
    }
    if (storage) this.addClaimTemplate(storage);
    this.endpoint = { namespace, podLabels: { app: name }, ports: props.container.ports.map((p) => p.number) };
    this.peer = { namespace, podLabels: { app: name }, principal: meshPrincipal(namespace, serviceAccount.name) };
  }

  /** The Service port with this name. */
  public port(name: string): number {
    const port = this.service.ports.find((p) => p.name === name);
    if (!port) throw new Error(`${this.node.path}: no port named ${name}`);
    return port.port;
  }

  /** `http://<host>:<port>` of a named port. */
  public url(portName: string): string {
    return `http://${this.host}:${this.port(portName)}`;
  }

  // cdk8s-plus StatefulSets have no claim templates yet: add the template and its mount to the rendered object.
  private addClaimTemplate(storage: PersistentStorage) {
    const object = ApiObject.of(this.workload);
    object.addJsonPatch(
      JsonPatch.add('/spec/volumeClaimTemplates', [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: storage.storageClassName ?? DEFAULT_STORAGE_CLASS,
            // cdk8s-plus maps the patched object through its typed serializer, which reads quantities as Quantity objects.
            resources: { requests: { storage: kplus.k8s.Quantity.fromString(`${storage.size.toGibibytes()}Gi`) } },
          },
        },
      ]),
    );
    const mount = { name: 'data', mountPath: storage.mountPath };
    // JSON patch `add` on an existing list replaces it: append when the container already mounts something.
    object.addJsonPatch(
      this.container.mounts.length > 0
        ? JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', mount)
        : JsonPatch.add('/spec/template/spec/containers/0/volumeMounts', [mount]),
    );
  }
}
