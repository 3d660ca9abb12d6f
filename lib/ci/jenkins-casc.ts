/**
 * Jenkins Configuration-as-Code generated from the platform model: security, one EC2 Fleet cloud
 * per agent fleet, credentials, a folder per pilot and one multibranch job per component whose
 * pipeline is defined inline (see component-pipeline.ts). Values known only at deploy time
 * (ASG names, role ARNs, secrets) are `${VAR}` references JCasC resolves from the controller's
 * environment; everything else is literal, so the document is deterministic.
 */
import { stringify } from 'yaml';
import { block, str } from '../../tools/gitlab2jenkins/src/groovy';
import { ComponentSpec, FLEETS, FleetName, PlatformSpec } from '../config/schema';

/** What the controller's environment must provide for this document, by variable name. */
export const CascVariables = {
  adminPassword: 'JENKINS_ADMIN_PASSWORD',
  agentSshKey: 'AGENT_SSH_PRIVATE_KEY',
  fleetGroup: (fleet: FleetName) => `FLEET_${envName(fleet)}_ASG`,
  publisherRole: (owner: string) => `IIOT_PUBLISHER_ROLE_${envName(owner)}`,
  promoterRole: (owner: string) => `IIOT_PROMOTER_ROLE_${envName(owner)}`,
  deployerRole: 'IIOT_DEPLOYER_ROLE',
  userPassword: (user: string) => `JENKINS_USER_${envName(user)}_PASSWORD`,
  buildStatsFunction: 'IIOT_BUILD_STATS_FUNCTION',
  clusterName: 'IIOT_CLUSTER_NAME',
  repositoryKey: (owner: string, component: string) => `REPO_KEY_${envName(owner)}_${envName(component)}`,
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

/** JCasC resolves `${...}` everywhere; `^${` keeps it literal (Groovy and shell need theirs). */
function literalForCasc(text: string): string {
  return text.replace(/\$\{/g, '^${');
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
  const fleetLabelDescription: Record<FleetName, string> = {
    'linux-x64': 'x86-64 Linux builders',
    'linux-arm64': 'Graviton (arm64) Linux builders',
    cd: 'CD agents: the only CI identity the cluster admits',
  };
  const folders = owners.map(
    (owner) => `folder(${str(owner.name)}) {\n    displayName(${str(owner.displayName)})\n}`,
  );
  const jobs = owners.flatMap((owner) => owner.components.map((c) => literalForCasc(jobScript(owner, c, props.pipelineOf(owner, c)))));
  // Only components at maturity level 3+ have `cd` (config validation), so only they get a delivery job.
  const deliveries = owners.flatMap((owner) =>
    owner.components
      .filter((c) => c.cd)
      .map((c) =>
        literalForCasc(
          block(`pipelineJob(${str(deliveryJobName(owner.name, c.name).slice(1))})`, [
            `description(${str(`Delivery of ${owner.name}/${c.name}: staging, tests, approval, production`)})`,
            ...block('definition', [...block('cps', [`script(${str(props.deliveryOf(owner, c))})`, 'sandbox(true)'])]),
          ]).join('\n'),
        ),
      ),
  );
  const agentEnvironment = [
    ...owners.flatMap((o) => [CascVariables.publisherRole(o.name), CascVariables.promoterRole(o.name)]),
    CascVariables.deployerRole,
    CascVariables.clusterName,
    CascVariables.buildStatsFunction,
  ];

  return {
    jenkins: {
      systemMessage: 'IIoT platform CI. Configured as code: changes made here are overwritten on restart.',
      numExecutors: 0,
      mode: 'EXCLUSIVE',
      securityRealm: {
        local: {
          allowsSignup: false,
          users: [
            { id: 'admin', password: `\${${CascVariables.adminPassword}}` },
            ...approvers(owners).map((id) => ({ id, password: `\${${CascVariables.userPassword(id)}}` })),
          ],
        },
      },
      // Admin administers; approvers see jobs and answer the production input step, nothing more.
      authorizationStrategy: {
        globalMatrix: {
          entries: [
            { user: { name: 'admin', permissions: ['Overall/Administer'] } },
            ...approvers(owners).map((name) => ({ user: { name, permissions: ['Overall/Read', 'Job/Read', 'Job/Build'] } })),
          ],
        },
      },
      globalNodeProperties: [
        {
          envVars: {
            env: agentEnvironment.map((key) => ({ key, value: `\${${key}}` })),
          },
        },
      ],
      clouds: FLEETS.map((fleet) => ({
        eC2Fleet: {
          name: fleet,
          region: props.region,
          fleet: `\${${CascVariables.fleetGroup(fleet)}}`,
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
      labelAtoms: FLEETS.map((fleet) => ({ name: fleet, properties: [], description: fleetLabelDescription[fleet] })),
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
                  privateKeySource: { directEntry: { privateKey: `\${${CascVariables.agentSshKey}}` } },
                },
              },
              ...owners.flatMap((owner) =>
                owner.components.map((c) => ({
                  basicSSHUserPrivateKey: {
                    id: repositoryCredentialId(owner.name, c.name),
                    scope: 'GLOBAL',
                    username: 'git',
                    description: `Read-only deploy key of ${c.repository}`,
                    privateKeySource: { directEntry: { privateKey: `\${${CascVariables.repositoryKey(owner.name, c.name)}}` } },
                  },
                })),
              ),
            ],
          },
        ],
      },
    },
    unclassified: { location: { url: `https://${ci.jenkins.hostname}/` } },
    jobs: [{ script: folders.join('\n') }, ...[...jobs, ...deliveries].map((script) => ({ script }))],
  };
}

/** The JCasC document as YAML text. */
export function jenkinsCascYaml(props: JenkinsCascProps): string {
  return stringify(jenkinsCasc(props), { lineWidth: 0 });
}
