/**
 * Which targets Prometheus scrapes for a pod, from a rendered scrape config (Prometheus docs:
 * configuration, <kubernetes_sd_config> role `pod`, <relabel_config>):
 * - role `pod` discovers one target per declared container port, `__address__` `<pod IP>:<port>`,
 *   with `__meta_kubernetes_pod_annotation_<name>` (name sanitised to [a-zA-Z0-9_]) and
 *   `__meta_kubernetes_pod_container_port_name` labels;
 * - relabelling: source label values joined by `;` are matched against the fully anchored `regex`
 *   (default `(.*)`); `keep` drops targets that do not match, `replace` writes `replacement`
 *   (default `$1`, groups expanded) to `target_label` when it matches;
 * - targets of one job whose final labels are identical are scraped once; labels starting with
 *   `__` are dropped after relabelling, except `__address__`, `__metrics_path__` and `__scheme__`
 *   which select what is scraped.
 */
interface Relabel {
  readonly source_labels?: readonly string[];
  readonly regex?: string;
  readonly action?: string;
  readonly target_label?: string;
  readonly replacement?: string;
}
export interface ScrapeJob {
  readonly job_name: string;
  readonly metrics_path?: string;
  readonly kubernetes_sd_configs?: readonly { readonly role: string }[];
  readonly relabel_configs?: readonly Relabel[];
}
export interface DiscoveredPod {
  readonly ip: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly name: string; readonly containerPort: number }[];
}

const sanitise = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** `job address path` of every distinct scrape of this pod. */
export function scrapesOf(jobs: readonly ScrapeJob[], pod: DiscoveredPod): string[] {
  const scrapes = new Set<string>();
  for (const job of jobs.filter((j) => j.kubernetes_sd_configs?.some((c) => c.role === 'pod'))) {
    for (const port of pod.ports) {
      let labels: Record<string, string> | undefined = {
        __address__: `${pod.ip}:${port.containerPort}`,
        __metrics_path__: job.metrics_path ?? '/metrics',
        __meta_kubernetes_pod_container_port_name: port.name,
        ...Object.fromEntries(Object.entries(pod.annotations).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${sanitise(k)}`, v])),
      };
      for (const r of job.relabel_configs ?? []) {
        if (!labels) break;
        const value = (r.source_labels ?? []).map((l) => labels![l] ?? '').join(';');
        const match = new RegExp(`^(?:${r.regex ?? '(.*)'})$`).exec(value);
        const action = r.action ?? 'replace';
        if (action === 'keep') labels = match ? labels : undefined;
        else if (action === 'replace') {
          if (match) labels[r.target_label!] = (r.replacement ?? '$1').replace(/\$(\d+)/g, (_, i) => match[Number(i)] ?? '');
        } else throw new Error(`relabel action ${action} is not evaluated`);
      }
      if (labels) scrapes.add(`${job.job_name} ${labels.__address__} ${labels.__metrics_path__}`);
    }
  }
  return [...scrapes];
}
