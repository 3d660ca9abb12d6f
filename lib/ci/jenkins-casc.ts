/**
 * Jenkins Configuration-as-Code generated from the platform model: security, one EC2 Fleet cloud
 * per agent fleet, credentials, a folder per pilot and one multibranch job per component whose
 * pipeline is defined inline (see component-pipeline.ts). Values known only at deploy time
 * (ASG names, role ARNs, secrets) are `${VAR}` references JCasC resolves from the controller's
 * environment; everything else is literal, so the document is deterministic.
 */
import { stringify } from 'yaml';
import { block, str } from '../groovy/groovy';
import { DELIVERY_PARAMETERS } from './delivery-pipeline';
import { AwsCredentialIds } from './pipeline-credentials';
import { ComponentSpec, FLEETS, FleetName, PlatformSpec } from '../config/schema';

/** What the controller's environment must provide for this document, by variable name. */
export const CascVariables = {
  adminPassword: 'JENKINS_ADMIN_PASSWORD',
  agentSshKey: 'AGENT_SSH_PRIVATE_KEY',
  fleetGroup: (fleet: FleetName) => `FLEET_${envName(fleet)}_ASG`,
  publisherRole: (owner: string) => `IIOT_PUBLISHER_ROLE_${envName(owner)}`,
  promoterRole: (owner: string) => `IIOT_PROMOTER_ROLE_${envName(owner)}`,
  deployerRole: (pilot: string) => `IIOT_DEPLOYER_ROLE_${envName(pilot)}`,
  reporterRole: (owner: string) => `IIOT_REPORTER_ROLE_${envName(owner)}`,
  userPassword: (user: string) => `JENKINS_USER_${envNameExact(user)}_PASSWORD`,
  buildStatsUrl: 'IIOT_BUILD_STATS_URL',
  clusterName: 'IIOT_CLUSTER_NAME',
  // Names hold no `--`, so `__` keeps acme + line-monitor apart from acme-line + monitor.
  repositoryKey: (owner: string, component: string) => `REPO_KEY_${envName(owner)}__${envName(component)}`,
} as const;

/** Jenkins users besides admin: every approver named in a component's `cd.approvers`, sorted. */
export function approvers(owners: readonly CiOwner[]): string[] {
  return [...new Set(owners.flatMap((o) => o.components.flatMap((c) => c.cd?.approvers ?? [])))].sort();
}

/** Full name of the delivery (CD) job of a component. */
export const deliveryJobName = (owner: string, component: string) => `/${owner}/${component}-delivery`;

/** Jenkins credential id of a component's read-only repository key. */
export const repositoryCredentialId = (owner: string, component: string) => `${owner}-${component}-read`;

export interface CiOwner {
  /** Pilot name, or `platform`. */
  readonly name: string;
  readonly displayName: string;
  readonly components: readonly ComponentSpec[];
}

export interface JenkinsCascProps {
  readonly ci: PlatformSpec['ci'];
  readonly region: string;
  readonly owners: readonly CiOwner[];
  /** The Jenkinsfile of a component. */
  readonly pipelineOf: (owner: CiOwner, component: ComponentSpec) => string;
  /** The delivery Jenkinsfile of a component with CD. */
  readonly deliveryOf: (owner: CiOwner, component: ComponentSpec) => string;
}

function envName(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * An environment name for a user id, distinct for ids Jenkins tells apart (ids ignore case, so
 * upper-casing is safe): every other character becomes `_` and its hex code, `_` itself included.
 */
function envNameExact(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A JCasC variable reference: the one `${...}` in the document JCasC may resolve. */
function cascReference(variable: string): string {
  return `\u0000casc:${variable}\u0000`;
}

/**
 * JCasC resolves `${...}` in every scalar (SecretSourceResolver: commons-text StringSubstitutor,
 * escape `^`), so every string of the document is escaped (`^${` stays literal: Groovy and shell
 * get theirs, and a `${...}` in a display name never pulls a secret in), and only the references
 * made by {@link cascReference} come out as `${VAR}`.
 */
function escapedForCasc(node: unknown): unknown {
  if (typeof node === 'string') return node.replace(/\$\{/g, '^${').replace(/\u0000casc:(\w+)\u0000/g, '${$1}');
  if (Array.isArray(node)) return node.map(escapedForCasc);
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, escapedForCasc(v)]));
  return node;
}

/**
 * The credentials of an owner's folder, as Job DSL (cloudbees-folder FolderCredentialsProperty):
 * visible to that folder's jobs only. The components' read-only deploy keys, and AWS credentials
 * without an access key, which the controller resolves by assuming the role with its own task role
 * (aws-credentials AWSCredentialsImpl: blank keys use the SDK's default provider chain).
 */
function folderCredentials(owner: CiOwner): string[] {
  const aws = (id: string, roleVariable: string, description: string) =>
    block('awsCredentialsImpl', [
      "scope('GLOBAL')",
      `id(${str(id)})`,
      `description(${str(description)})`,
      "accessKey('')",
      "secretKey('')",
      `iamRoleArn('${cascReference(roleVariable)}')`,
    ]);
  const credentials = [
    ...owner.components.flatMap((c) =>
      block('basicSSHUserPrivateKey', [
        "scope('GLOBAL')",
        `id(${str(repositoryCredentialId(owner.name, c.name))})`,
        "username('git')",
        `description(${str(`Read-only deploy key of ${c.repository}`)})`,
        // A PEM key holds no quote or backslash: it lands verbatim in the triple-quoted literal.
        ...block('privateKeySource', [...block('directEntryPrivateKeySource', [`privateKey('''${cascReference(CascVariables.repositoryKey(owner.name, c.name))}''')`])]),
      ]),
    ),
    ...aws(AwsCredentialIds.publish, CascVariables.publisherRole(owner.name), `Publishes ${owner.name}'s artefacts to its dev registries`),
    ...aws(AwsCredentialIds.report, CascVariables.reporterRole(owner.name), `Reports ${owner.name}'s build records to the build statistics`),
    ...(owner.components.some((c) => c.cd)
      ? [
          ...aws(AwsCredentialIds.deploy, CascVariables.deployerRole(owner.name), `Deploys ${owner.name}'s charts to its staging and production namespaces`),
          ...aws(AwsCredentialIds.promote, CascVariables.promoterRole(owner.name), `Promotes ${owner.name}'s released artefacts to its prod registries`),
        ]
      : []),
  ];
  return block('folderCredentialsProperty', [
    ...block('domainCredentials', [...block('domainCredentials', [...block('domain', ["name('')", "description('')"]), ...block('credentials', credentials)])]),
  ]);
}

/** The owner's approvers may see its folder's jobs and answer their input steps; nobody else's. */
function folderAuthorization(owner: CiOwner): string[] {
  const users = approvers([owner]);
  if (users.length === 0) return [];
  return block('authorizationMatrix', [
    // Global grants still apply (admin); parent folders have none (owner folders are top level).
    ...block('inheritanceStrategy', ['inheritingGlobal()']),
    ...block('entries', users.flatMap((name) => block('user', [`name(${str(name)})`, `permissions(['Job/Read', 'Job/Build'])`]))),
  ]);
}

/** The folder of an owner: its display name, credentials and approvers. */
function folderScript(owner: CiOwner): string {
  return block(`folder(${str(owner.name)})`, [`displayName(${str(owner.displayName)})`, ...block('properties', [...folderCredentials(owner), ...folderAuthorization(owner)])]).join('\n');
}

function jobScript(owner: CiOwner, component: ComponentSpec, pipeline: string): string {
  const release = 'v\\d+\\.\\d+';
  const heads = `${component.branch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|${release}|${release}\\.\\d+`;
  return [
    ...block(`multibranchPipelineJob(${str(`${owner.name}/${component.name}`)})`, [
      ...block('branchSources', [
        ...block('branchSource', [
          ...block('source', [
            ...block('git', [
              `id(${str(`${owner.name}-${component.name}`)})`,
              `remote(${str(component.repository)})`,
              `credentialsId(${str(repositoryCredentialId(owner.name, component.name))})`,
              ...block('traits', [
                'gitBranchDiscovery()',
                'gitTagDiscovery()',
                // The documented branch, release branches vX.Y and release tags vX.Y.Z only.
                ...block('headRegexFilter', [`regex(${str(`^(${heads})$`)})`]),
              ]),
            ]),
          ]),
          ...block('buildStrategies', [
            'buildRegularBranches()',
            ...block('buildTags', ["atLeastDays('-1')", "atMostDays('7')"]),
          ]),
        ]),
      ]),
      // Multibranch Pipeline Inline Definition: the pipeline comes from the platform, not the repository.
      ...block('factory', [
        ...block('inlineDefinitionBranchProjectFactory', [
          `markerFile(${str(component.artefacts.includes('image') ? component.dockerfile : 'README.md')})`,
          `script(${str(pipeline)})`,
          'sandbox(true)',
        ]),
      ]),
      ...block('orphanedItemStrategy', [...block('discardOldItems', ['numToKeep(20)'])]),
      // Pushes whose webhook was lost (Jenkins restarting, relay refused) are found by the next scan.
      ...block('triggers', [...block('periodicFolderTrigger', ["interval('1h')"])]),
    ]),
  ].join('\n');
}

/** The JCasC document (as a plain object). */
export function jenkinsCasc(props: JenkinsCascProps): Record<string, unknown> {
  const { ci, owners } = props;
  const jobs = owners.flatMap((owner) => owner.components.map((c) => jobScript(owner, c, props.pipelineOf(owner, c))));
  // Only components at maturity level 3+ have `cd` (config validation), so only they get a delivery job.
  const deliveries = owners.flatMap((owner) =>
    owner.components
      .filter((c) => c.cd)
      .map((c) =>
        block(`pipelineJob(${str(deliveryJobName(owner.name, c.name).slice(1))})`, [
          `description(${str(`Delivery of ${owner.name}/${c.name}: staging, tests, approval, production`)})`,
          // In the job definition, so `build job:` may pass them from the first run on (Jenkins drops undeclared parameters).
          ...block('parameters', DELIVERY_PARAMETERS.map((p) => `stringParam(${str(p.name)}, '', ${str(p.description)})`)),
          ...block('definition', [...block('cps', [`script(${str(props.deliveryOf(owner, c))})`, 'sandbox(true)'])]),
        ]).join('\n'),
      ),
  );
  // Role ARNs stay on the controller (for the folders' aws-credentials); agents get names only.
  const agentEnvironment = [
    CascVariables.clusterName,
    CascVariables.buildStatsUrl,
  ];

  return escapedForCasc({
    jenkins: {
      systemMessage: 'IIoT platform CI. Configured as code: changes made here are overwritten on restart.',
      numExecutors: 0,
      mode: 'EXCLUSIVE',
      securityRealm: {
        local: {
          allowsSignup: false,
          users: [
            { id: 'admin', password: cascReference(CascVariables.adminPassword) },
            ...approvers(owners).map((id) => ({ id, password: cascReference(CascVariables.userPassword(id)) })),
          ],
        },
      },
      // Admin administers; approvers may log in, and see and build only in their owner's folder (folderAuthorization).
      authorizationStrategy: {
        globalMatrix: {
          entries: [
            { user: { name: 'admin', permissions: ['Overall/Administer'] } },
            ...approvers(owners).map((name) => ({ user: { name, permissions: ['Overall/Read'] } })),
          ],
        },
      },
      globalNodeProperties: [
        {
          envVars: {
            env: agentEnvironment.map((key) => ({ key, value: cascReference(key) })),
          },
        },
      ],
      clouds: FLEETS.map((fleet) => ({
        eC2Fleet: {
          name: fleet,
          region: props.region,
          fleet: cascReference(CascVariables.fleetGroup(fleet)),
          labelString: fleet,
          fsRoot: '/home/ec2-user/jenkins',
          privateIpUsed: true,
          alwaysReconnect: false,
          idleMinutes: ci.fleets[fleet].idleMinutes,
          minSize: 0,
          maxSize: ci.fleets[fleet].maxSize,
          minSpareSize: 0,
          numExecutors: 1,
          addNodeOnlyIfRunning: true,
          restrictUsage: true,
          initOnlineTimeoutSec: 600,
          initOnlineCheckIntervalSec: 15,
          cloudStatusIntervalSec: 30,
          noDelayProvision: false,
          computerConnector: {
            sSHConnector: {
              credentialsId: 'agent-ssh',
              port: 22,
              javaPath: '/usr/bin/java',
              launchTimeoutSeconds: 120,
              // Agents are new instances: their host key is trusted on first connection.
              sshHostKeyVerificationStrategy: { manuallyTrustedKeyVerificationStrategy: { requireInitialManualTrust: false } },
            },
          },
        },
      })),
      // JCasC's LabelAtomConfigurator knows only `name` and `properties`.
      labelAtoms: FLEETS.map((fleet) => ({ name: fleet })),
    },
    credentials: {
      system: {
        domainCredentials: [
          {
            credentials: [
              {
                basicSSHUserPrivateKey: {
                  id: 'agent-ssh',
                  scope: 'SYSTEM',
                  username: 'ec2-user',
                  description: 'Controller to EC2 Fleet agents',
                  privateKeySource: { directEntry: { privateKey: cascReference(CascVariables.agentSshKey) } },
                },
              },
            ],
          },
        ],
      },
    },
    // Git over SSH trusts exactly the configured host keys (git-client: StrictHostKeyChecking=yes).
    security: {
      gitHostKeyVerificationConfiguration: {
        sshHostKeyVerificationStrategy: { manuallyProvidedKeyVerificationStrategy: { approvedHostKeys: ci.gitHostKeys.join('\n') } },
      },
    },
    unclassified: { location: { url: `https://${ci.jenkins.hostname}/` } },
    jobs: [...owners.map(folderScript), ...jobs, ...deliveries].map((script) => ({ script })),
  }) as Record<string, unknown>;
}

/** The JCasC document as YAML text. */
export function jenkinsCascYaml(props: JenkinsCascProps): string {
  return stringify(jenkinsCasc(props), { lineWidth: 0 });
}
