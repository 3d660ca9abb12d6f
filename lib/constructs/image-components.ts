/**
 * EC2 Image Builder component documents (schemaVersion 1.0: phases build / validate / test, steps
 * with name, action, inputs) for the platform's golden images: the agents' tools at pinned
 * versions, their hardening, the test that checks every version, and the controller's pinned
 * plugin set. Pure functions: data in, YAML out; test/images checks each against Image Builder's
 * documented actions.
 */
import { stringify } from 'yaml';
import { JENKINS_PLUGINS, pluginSpecs } from '../ci/jenkins-plugins';
import { ArchitectureName } from '../config/schema';

/** Tool versions baked into every agent image; the test component fails when one differs. */
export const AGENT_TOOLS = {
  /** Amazon Linux 2023 release the packages come from (dnf --releasever): the same packages every build. */
  amazonLinuxRelease: '2023.9.20251208',
  /** Amazon Corretto 21 (the agent's JVM; the controller runs JDK 21 too). */
  corretto: '21',
  /** docker/buildx release (multi-architecture builds and pushes). */
  buildx: '0.30.1',
  /** Helm (chart package/push, delivery upgrade/rollback). */
  helm: '3.19.4',
  /** kubectl, one minor of the cluster's Kubernetes (1.35). */
  kubectl: '1.35.0',
  /** AWS CLI v2. */
  awsCli: '2.32.16',
} as const;

export type AgentTools = typeof AGENT_TOOLS;

/**
 * Version of each golden image: its recipe and components carry it (the image is `<name>/<version>/<build>`).
 * Image Builder versions are immutable: change a document or recipe here and raise its version
 * too, or synth refuses (once `npm run images:lock` recorded the version after its deploy).
 */
export const GOLDEN_IMAGE_VERSIONS = {
  /** The agent AMIs: tools, hardening, version test, recipe. */
  agent: '1.0.1',
  /** The controller image: plugin closure, container recipe (parent image from ci.jenkins.image). */
  controller: '1.1.0',
} as const;

type Step = { readonly name: string; readonly action: string; readonly inputs: unknown; readonly onFailure?: 'Abort' | 'Continue' | 'Ignore' };
interface ComponentDocument {
  readonly name: string;
  readonly description: string;
  readonly schemaVersion: '1.0';
  readonly phases: readonly { readonly name: 'build' | 'validate' | 'test'; readonly steps: readonly Step[] }[];
}

// Under pipefail a reader that stops early (`head`, `grep -q`) can kill the writer with SIGPIPE and
// fail the step (exit 141): the readers below read their whole input.
const bash = (name: string, commands: readonly string[]): Step => ({ name, action: 'ExecuteBash', inputs: { commands: ['set -euo pipefail', ...commands] } });

/** Release binaries' names for an image architecture. */
const goArch = (arch: ArchitectureName) => (arch === 'arm64' ? 'arm64' : 'amd64');
const awsArch = (arch: ArchitectureName) => (arch === 'arm64' ? 'aarch64' : 'x86_64');

/**
 * Downloads a release binary and checks it against the checksum its project publishes next to it;
 * a mismatch stops the build.
 */
function fetchVerified(url: string, sumUrl: string, target: string): string[] {
  return [
    `curl -fsSL --retry 3 -o ${target} '${url}'`,
    `echo "$(curl -fsSL --retry 3 '${sumUrl}' | awk '{print $1}')  ${target}" | sha256sum -c -`,
  ];
}

/** A shell check that `command` prints `expected`; it fails the image test otherwise. */
const expectVersion = (label: string, command: string, expected: string) =>
  `v="$(${command})"; case "$v" in *'${expected}'*) echo "${label} ok: $v";; *) echo '${label}: expected ${expected}, found' "$v" >&2; exit 1;; esac`;

/** The AWS CLI v2 at a pinned version, from AWS's own release archive. */
function awsCliInstall(arch: ArchitectureName, version: string): string[] {
  return [
    `curl -fsSL --retry 3 -o /tmp/awscliv2.zip 'https://awscli.amazonaws.com/awscli-exe-linux-${awsArch(arch)}-${version}.zip'`,
    'unzip -q /tmp/awscliv2.zip -d /tmp && /tmp/aws/install --update && rm -rf /tmp/aws /tmp/awscliv2.zip',
  ];
}

/**
 * Build (inside the container, FROM the pinned Jenkins image, as root): the AWS CLI the start
 * script fetches the controller's configuration with (lib/constructs/jenkins-controller.ts), at the
 * agents' pinned version; test: that version answers. The Debian image gets unzip from its own
 * release when it lacks it.
 */
export function controllerToolsDocument(tools: AgentTools = AGENT_TOOLS): string {
  const doc: ComponentDocument = {
    name: 'iiot-jenkins-controller-tools',
    description: 'The AWS CLI the controller fetches its configuration with, at the pinned version',
    schemaVersion: '1.0',
    phases: [
      {
        name: 'build',
        steps: [
          bash('AwsCli', [
            'command -v unzip >/dev/null || { apt-get update -q && apt-get install -y -q --no-install-recommends unzip && rm -rf /var/lib/apt/lists/*; }',
            ...awsCliInstall('amd64', tools.awsCli),
          ]),
        ],
      },
      { name: 'test', steps: [bash('AwsCliVersion', [expectVersion('aws', 'aws --version 2>&1', `aws-cli/${tools.awsCli} `)])] },
    ],
  };
  return stringify(doc);
}

/** Build: the agent's tools at pinned versions, from one pinned Amazon Linux release. */
export function agentBuildDocument(arch: ArchitectureName, tools: AgentTools = AGENT_TOOLS): string {
  const ga = goArch(arch);
  const doc: ComponentDocument = {
    name: `iiot-agent-tools-${arch}`,
    description: 'Jenkins agent tools at pinned versions: Corretto, git, Docker with buildx, AWS CLI, Helm, kubectl',
    schemaVersion: '1.0',
    phases: [
      {
        name: 'build',
        steps: [
          bash('Packages', [
            `dnf -y --releasever=${tools.amazonLinuxRelease} upgrade`,
            `dnf -y --releasever=${tools.amazonLinuxRelease} install java-${tools.corretto}-amazon-corretto-headless git docker unzip tar`,
            'systemctl enable docker',
            'usermod -aG docker ec2-user',
          ]),
          bash('Buildx', [
            'mkdir -p /usr/local/lib/docker/cli-plugins',
            ...fetchVerified(
              `https://github.com/docker/buildx/releases/download/v${tools.buildx}/buildx-v${tools.buildx}.linux-${ga}`,
              `https://github.com/docker/buildx/releases/download/v${tools.buildx}/buildx-v${tools.buildx}.linux-${ga}.sha256`,
              '/usr/local/lib/docker/cli-plugins/docker-buildx',
            ),
            'chmod 0755 /usr/local/lib/docker/cli-plugins/docker-buildx',
          ]),
          bash('Helm', [
            ...fetchVerified(
              `https://get.helm.sh/helm-v${tools.helm}-linux-${ga}.tar.gz`,
              `https://get.helm.sh/helm-v${tools.helm}-linux-${ga}.tar.gz.sha256sum`,
              '/tmp/helm.tar.gz',
            ),
            `tar -xzf /tmp/helm.tar.gz -C /tmp && install -m 0755 /tmp/linux-${ga}/helm /usr/local/bin/helm && rm -rf /tmp/helm.tar.gz /tmp/linux-${ga}`,
          ]),
          bash('Kubectl', [
            ...fetchVerified(
              `https://dl.k8s.io/release/v${tools.kubectl}/bin/linux/${ga}/kubectl`,
              `https://dl.k8s.io/release/v${tools.kubectl}/bin/linux/${ga}/kubectl.sha256`,
              '/usr/local/bin/kubectl',
            ),
            'chmod 0755 /usr/local/bin/kubectl',
          ]),
          bash('AwsCli', awsCliInstall(arch, tools.awsCli)),
        ],
      },
    ],
  };
  return stringify(doc);
}

/** Hardening: SSH by key only (no passwords, no root), no stale host keys or logs in the image. */
export function agentHardeningDocument(): string {
  const doc: ComponentDocument = {
    name: 'iiot-agent-hardening',
    description: 'SSH by key only, no root login; IMDSv2 is enforced by the launch template and the build instance',
    schemaVersion: '1.0',
    phases: [
      {
        name: 'build',
        steps: [
          bash('Sshd', [
            "printf '%s\\n' 'PasswordAuthentication no' 'KbdInteractiveAuthentication no' 'PermitRootLogin no' 'PermitEmptyPasswords no' > /etc/ssh/sshd_config.d/00-iiot-hardening.conf",
            'sshd -t',
          ]),
        ],
      },
      {
        name: 'validate',
        steps: [bash('SshdEffective', ["sshd -T | grep -x 'passwordauthentication no' >/dev/null", "sshd -T | grep -x 'permitrootlogin no' >/dev/null"])],
      },
    ],
  };
  return stringify(doc);
}

/** Test (on an instance launched from the new image): every tool answers with its pinned version. */
export function agentTestDocument(tools: AgentTools = AGENT_TOOLS): string {
  const doc: ComponentDocument = {
    name: 'iiot-agent-tool-versions',
    description: 'Fails the image when a tool is missing or not at its pinned version',
    schemaVersion: '1.0',
    phases: [
      {
        name: 'test',
        steps: [
          bash('ToolVersions', [
            expectVersion('java', "java -version 2>&1 | awk 'NR == 1'", `"${tools.corretto}.`),
            expectVersion('git', 'git --version', 'git version '),
            expectVersion('buildx', 'docker buildx version', ` v${tools.buildx} `),
            // --short, not a Go template: AWSTOE reads {{ }} in a document as its own variables.
            expectVersion('helm', 'helm version --short', `v${tools.helm}+`),
            expectVersion('kubectl', 'kubectl version --client -o yaml | grep gitVersion', `v${tools.kubectl}`),
            expectVersion('aws', 'aws --version 2>&1', `aws-cli/${tools.awsCli} `),
            "sshd -T | grep -x 'passwordauthentication no' >/dev/null",
          ]),
        ],
      },
    ],
  };
  return stringify(doc);
}

/**
 * Build (inside the container, FROM the pinned Jenkins image): the pinned plugin closure into the
 * image's plugin reference directory, nothing resolved to "latest"; test: exactly those plugins.
 */
export function controllerPluginsDocument(): string {
  const count = Object.keys(JENKINS_PLUGINS).length;
  const doc: ComponentDocument = {
    name: 'iiot-jenkins-plugins',
    description: 'The pinned Jenkins plugin closure (lib/ci/jenkins-plugins.ts), installed at build time',
    schemaVersion: '1.0',
    phases: [
      {
        name: 'build',
        steps: [
          bash('Plugins', [
            `jenkins-plugin-cli --latest false --plugin-download-directory /usr/share/jenkins/ref/plugins --plugins ${pluginSpecs()}`,
            'chown -R 1000:1000 /usr/share/jenkins/ref/plugins',
          ]),
        ],
      },
      {
        name: 'test',
        steps: [bash('PluginCount', [`test "$(ls /usr/share/jenkins/ref/plugins/*.jpi | wc -l)" -eq ${count}`])],
      },
    ],
  };
  return stringify(doc);
}
