/**
 * Facts about software that does not run here (Istio, CrateDB, QuantumLeap, Orion, Grafana), read
 * from upstream source at the versions the platform pins, kept as data with where each was read.
 * The tests check the rendered charts against these, never against what the charts happen to emit.
 */

/**
 * The resources Istio's injector gives every sidecar (`istio-proxy`, and `istio-init`, which uses the
 * same template) unless a pod annotation overrides them. Source: istio/istio @ 1.29.0 (2300e245),
 * manifests/charts/istio-control/istio-discovery/values.yaml, `global.proxy.resources`; applied by
 * files/injection-template.yaml (`{{ template "resources" . }}` -> `.Values.global.proxy.resources`).
 * The cluster stack installs that chart without overriding them (lib/constructs/istio-mesh.ts).
 */
export const ISTIO_1_29_SIDECAR_RESOURCES = {
  istioVersion: '1.29.0',
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2000m', memory: '1024Mi' },
} as const;

/**
 * Where an Istio sidecar's inbound traffic comes from, as the application sees it: Envoy binds its
 * inbound upstream connections to 127.0.0.6 (so iptables does not loop them back), whoever the
 * caller was. Source: istio/istio @ 1.29.0, pilot/pkg/networking/core/listener_address.go
 * (`InboundPassthroughBindIpv4 = "127.0.0.6"`) and cluster_builder.go (`UpstreamBindConfig` of the
 * inbound clusters whenever the app is not bound to localhost only). Traffic a process of the pod
 * sends to 127.0.0.1 itself is not captured (the injector's iptables RETURN for 127.0.0.1/32).
 */
export const ISTIO_INBOUND_SOURCE_ADDRESS = '127.0.0.6';

/**
 * CrateDB's host-based authentication, crate/crate @ 4.6.7 (ccf852a2):
 * - settings (server/src/main/java/io/crate/auth/AuthSettings.java): `auth.host_based.enabled`
 *   (default false: every connection trusted), the group `auth.host_based.config.<key>.*` with
 *   fields `user`, `address`, `method`, `protocol`, `ssl`; `auth.trust.http_default_user` (default
 *   `crate`); the header `X-Real-Ip`;
 * - rule order and matching (HostBasedAuthentication.java): entries sorted by the natural (string)
 *   order of their keys; the first whose user (absent: any), address (absent: any; `_local_`:
 *   exactly 127.0.0.1 or ::1; a CIDR; else a host name), protocol (`pg`, `http`, `transport`;
 *   absent: any) and ssl match decides, with its method (default `trust`); no match: refused; a
 *   failed attempt does not try later entries (docs/admin/auth/hba.rst);
 * - HTTP (HttpAuthUpstreamHandler.java): the user and password come from `Authorization: Basic`;
 *   without that header the user is `auth.trust.http_default_user`; the address is `X-Real-Ip`
 *   when the request has it, else the peer's;
 * - methods (docs/admin/auth/methods.rst): `trust` takes the user as given, `password` needs the
 *   user's password; ALTER USER (docs/sql/statements/alter-user.rst): "Passwords cannot be set for
 *   the crate superuser"; CREATE USER fails for an existing user (docs/admin/user-management.rst);
 *   a user without superuser privileges sees only its own entries of sys.jobs_log
 *   (docs/admin/system-information.rst), so statements the superuser runs stay hidden.
 */
export const CRATE_4_6_HBA = {
  version: '4.6.7',
  enabledSetting: 'auth.host_based.enabled',
  entryPrefix: 'auth.host_based.config.',
  entryFields: ['user', 'address', 'method', 'protocol', 'ssl'],
  methods: ['trust', 'password', 'cert'],
  protocols: ['pg', 'http', 'transport'],
  defaultMethod: 'trust',
  httpDefaultUser: 'crate',
  realIpHeader: 'x-real-ip',
  localAddresses: ['127.0.0.1', '::1'],
  superuser: 'crate',
} as const;

/**
 * The environment QuantumLeap reads for its CrateDB connection. Source: orchestracities/
 * ngsi-timeseries-api @ 1.0.0, src/translators/crate.py (`CrateConnectionData.read_env`): CRATE_HOST,
 * CRATE_PORT, CRATE_DB_USER (default `crate`), CRATE_DB_PASS (default empty); it connects over HTTP
 * (crate-python `client.connect(..., username, password)`: HTTP Basic).
 */
/**
 * Where QuantumLeap takes a request's tenant from. Source: orchestracities/ngsi-timeseries-api @ 1.0.0,
 * src/reporter/httputil.py (`fiware_s`: `NGSILD-Tenant`, else `Fiware-Service`; `fiware_sp`:
 * `Fiware-ServicePath`), served by gunicorn ~=20.1 (Pipfile); benoitc/gunicorn @ 20.1.0 (61ccfd6c),
 * gunicorn/http/wsgi.py: `key = 'HTTP_' + hdr_name.replace('-', '_')`, duplicates joined with `,`, so
 * `ngsild_tenant` and `ngsild-tenant` are the same header to QuantumLeap.
 */
export const QUANTUMLEAP_1_0_TENANT_HEADERS = { version: '1.0.0', headers: ['NGSILD-Tenant', 'Fiware-Service', 'Fiware-ServicePath'], underscoreIsDash: true } as const;

export const QUANTUMLEAP_1_0_CRATE_ENV = { version: '1.0.0', host: 'CRATE_HOST', port: 'CRATE_PORT', user: 'CRATE_DB_USER', password: 'CRATE_DB_PASS', protocol: 'http' } as const;

/**
 * Grafana's provisioning files expand `$VAR` / `${VAR}` from its environment in every value, including
 * `secureJsonData` (grafana/grafana pkg/services/provisioning/values/values.go, `StringMapValue`;
 * https://grafana.com/docs/grafana/v10.4/administration/provisioning/#using-environment-variables).
 * The postgres datasource logs in with `user` and `secureJsonData.password` over the PostgreSQL protocol.
 */
export const GRAFANA_PROVISIONING_ENV = /\$\{(\w+)\}|\$(\w+)/g;

/**
 * How Orion builds a custom notification's (`httpCustom`) headers. Source: telefonicaid/fiware-orion @
 * 3.10.1 (9a80e06a): src/lib/ngsiNotify/Notifier.cpp (step 5: header names and values go through macro
 * substitution `${attr}`, then the values are URL-decoded with curl_unescape, names are lower-cased);
 * src/lib/rest/httpRequestSend.cpp (`httpHeaderAdd`: a subscription header of the same name replaces
 * each standard header except Fiware-Correlator and Ngsiv2-AttrsFormat; Fiware-Service is the
 * subscription's tenant unless replaced, Fiware-ServicePath likewise; other names are appended). Orion treats a body as JSON only
 * with `Content-Type: application/json` (src/lib/rest/rest.cpp: exact match after cutting `;...`).
 */
export const ORION_3_10_CUSTOM_NOTIFICATION = {
  version: '3.10.1',
  standardHeaders: ['User-Agent', 'Host', 'Fiware-Service', 'Fiware-ServicePath', 'X-Auth-Token', 'Accept', 'Expect', 'Content-Length', 'Content-Type', 'Fiware-Correlator', 'Ngsiv2-AttrsFormat'],
  /** Any other header name is sent as given (appended), these two never. */
  notReplaceable: ['Fiware-Correlator', 'Ngsiv2-AttrsFormat'],
  macrosInHeaderNames: true,
  valuesUrlDecoded: true,
} as const;

/**
 * How OPA-Envoy builds `input.parsed_body`. Source: open-policy-agent/opa-envoy-plugin @ v0.68.0-envoy
 * (b7dea113), envoyauth/request.go `getParsedBody`: parsed when the content-type contains
 * `application/json`; a body cut short (shorter than its Content-Length) is not parsed
 * (`truncated_body: true`); a body that is not JSON fails the check (an error, so the request is denied).
 */
export const OPA_ENVOY_0_68_BODY = { version: '0.68.0', parsedWhenContentTypeContains: 'application/json', truncatedParsed: false } as const;

/**
 * How the UltraLight IoT Agent turns its MQTT and AMQP transports off. Source: telefonicaid/iotagent-ul @
 * 2.4.0 (78b91d47), lib/configService.js: both variables are in the transport's variable list (so
 * setting one creates `config.mqtt` / `config.amqp`), and `disabled` is set when the value
 * `.trim().toLowerCase() === 'true'`; lib/bindings/MQTTBinding.js and AMQPBinding.js `start` return
 * at once when `disabled` ("MQTT is disabled"), without connecting to a broker.
 */
export const IOTAGENT_UL_2_4_TRANSPORT_SWITCHES = {
  version: '2.4.0',
  variables: { mqtt: 'IOTA_MQTT_DISABLED', amqp: 'IOTA_AMQP_DISABLED' },
  disables: (value: string | undefined) => value !== undefined && value.trim().toLowerCase() === 'true',
} as const;

/**
 * Keycloak 24.0 imports realm files at start (`start --import-realm`, from /opt/keycloak/data/import)
 * only then, and skips a realm that exists ("If a realm already exists in the server, the import
 * operation is skipped", Red Hat build of Keycloak 24.0 Server Guide, "Importing a realm during
 * startup", https://docs.redhat.com/en/documentation/red_hat_build_of_keycloak/24.0/html/server_guide/importexport-importing-a-realm-during-startup).
 * So a realm added after Keycloak started needs either a restart or the admin API; the pilots' realm
 * imports use the admin API and keep the skip rule.
 */
export const KEYCLOAK_24_IMPORT_AT_START = { version: '24.0', readsAt: 'start', existingRealm: 'skipped' } as const;

/**
 * Keycloak 24.0's admin CLI, shipped in the server image as /opt/keycloak/bin/kcadm.sh: a session with
 * `config credentials --server <url> --realm master --user <user> --password <password>`; `--config
 * <file>` instead of ~/.keycloak/kcadm.config; `get realms --fields realm --format csv --noquotes`
 * lists the realms the user may see, one name a line; `create realms -f <file>` POSTs a realm
 * representation (Red Hat build of Keycloak 24.0 Server Administration Guide, "Admin CLI" and "Realm
 * operations", https://docs.redhat.com/en/documentation/red_hat_build_of_keycloak/24.0/html/server_administration_guide/admin_cli).
 * The requests: POST <server>/realms/<realm>/protocol/openid-connect/token, GET and POST <server>/admin/realms.
 */
export const KCADM_24 = {
  path: '/opt/keycloak/bin/kcadm.sh',
  /**
   * What else the image holds (keycloak/keycloak quarkus/container/Dockerfile, 24.x: ubi9-micro plus
   * java-17-openjdk-headless and glibc-langpack-en): bash and coreutils, no grep, curl or package manager.
   */
  imageCommands: ['bash', 'sleep'],
  commands: {
    'config credentials': { options: ['--server', '--realm', '--user', '--password'], request: { method: 'POST', path: '/realms/master/protocol/openid-connect/token' } },
    'get realms': { options: ['--fields', '--format', '--noquotes'], request: { method: 'GET', path: '/admin/realms' } },
    'create realms': { options: ['-f'], request: { method: 'POST', path: '/admin/realms' } },
  },
  globalOptions: ['--config'],
} as const;

/**
 * Grafana 10.4's SQL datasources interpolate a variable into the query text as its value when it is
 * single-valued; a multi-value (or "Include All") variable becomes a quoted, comma-separated list
 * (https://grafana.com/docs/grafana/v10.4/datasources/postgres/template-variables/, "Disabling quoting
 * for multi-value variables"). A query variable's options are the first column of its query's rows.
 */
export const GRAFANA_10_SQL_VARIABLES = { singleValue: 'as is', multiValue: 'quoted, comma-separated' } as const;
