/**
 * Every container image the charts run, pinned to an explicit upstream version (never `latest`), in
 * one place so an upgrade is a one-line, reviewable change. A test rejects untagged or `latest` images.
 */
export const IMAGES = {
  orion: 'fiware/orion:3.10.1',
  mongo: 'mongo:6.0.14',
  iotAgentUl: 'fiware/iotagent-ul:2.4.0',
  quantumLeap: 'orchestracities/quantumleap:1.0.0',
  /** The CrateDB line QuantumLeap is tested against. */
  crate: 'crate:4.6.7',
  grafana: 'grafana/grafana:10.4.2',
  opa: 'openpolicyagent/opa:0.68.0-envoy',
  keycloak: 'quay.io/keycloak/keycloak:24.0.5',
  postgres: 'postgres:16.4',
  prometheus: 'prom/prometheus:v2.53.2',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0',
  kiali: 'quay.io/kiali/kiali:v1.89.0',
  jaeger: 'jaegertracing/all-in-one:1.60.0',
  /** AWS CLI v2 (EKS Pod Identity credentials, `aws s3`), with curl: the store copy jobs. */
  awsCli: 'amazon/aws-cli:2.17.0',
} as const;
