/** The upstream facts the k8s tests rely on were read at the versions the charts and the cluster stack pin. */
import { IMAGES } from '../../k8s/images';
import { ISTIO_VERSION } from '../../lib/stacks/cluster-stack';
import * as facts from './upstream-facts';

test.each([
  ['CrateDB', IMAGES.crate, `crate:${facts.CRATE_4_6_HBA.version}`],
  ['QuantumLeap', IMAGES.quantumLeap, `orchestracities/quantumleap:${facts.QUANTUMLEAP_1_0_CRATE_ENV.version}`],
  ['QuantumLeap (tenant headers)', IMAGES.quantumLeap, `orchestracities/quantumleap:${facts.QUANTUMLEAP_1_0_TENANT_HEADERS.version}`],
  ['Orion', IMAGES.orion, `fiware/orion:${facts.ORION_3_10_CUSTOM_NOTIFICATION.version}`],
  ['OPA-Envoy', IMAGES.opa, `openpolicyagent/opa:${facts.OPA_ENVOY_0_68_BODY.version}-envoy`],
  ['IoT Agent UL', IMAGES.iotAgentUl, `fiware/iotagent-ul:${facts.IOTAGENT_UL_2_4_TRANSPORT_SWITCHES.version}`],
  ['Istio', ISTIO_VERSION, facts.ISTIO_1_29_SIDECAR_RESOURCES.istioVersion],
])('%s: pinned %s, facts read at %s', (_name, pinned, read) => {
  expect(pinned).toBe(read);
});
