/**
 * The platform config schema: one source for validation, the TypeScript types (z.infer) and the
 * JSON Schema editors use (scripts/export-json-schema.ts). No CDK imports: config validates alone.
 */
import { z } from 'zod';
import { cidrContains, cidrsOverlap, parseCidr, splitBits } from './cidr';
import { AWS_REGIONS } from './regions';
import { acmCertificateArnProblem, iamArnProblem } from './arn';
import { availabilityZonesOf } from './availability-zones';
import { branchNameProblem, GIT_REF_PATTERN, refNameProblem } from './git-ref';
import { fileNameProblem, repoPathProblem } from './repo-path';
import { setOf } from './set-list';
import { publicSourceCidrProblem, vpcCidrProblem } from './vpc-ranges';
import { missingForDelivery } from '../lifecycle/maturity';
import { JENKINS_CORE } from '../ci/jenkins-plugins';
import { repositoryParts } from '../git-repository';

/** An object that rejects unknown fields and says which ones it allows. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; allowed: ${allowed}` : undefined,
  });
}

/** Names that must be valid at once as ECR path segments, S3 key prefixes, k8s labels and stack ids. */
function resourceName(what: string, maxLength: number) {
  const rule = `${what} must be 2-${maxLength} characters: lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen (valid for ECR, S3, Kubernetes and CloudFormation names)`;
  return z
    .string()
    .min(2, { error: rule })
    .max(maxLength, { error: rule })
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: rule });
}

export const PilotName = resourceName('a pilot name', 24)
  .refine((n) => n !== 'platform', { error: '"platform" is reserved for the platform\'s own registries' })
  .refine((n) => n !== 'master', { error: '"master" is reserved: it is Keycloak\'s admin realm, and each pilot gets a realm of its name' });
export const ComponentName = resourceName('a component name', 40);

const Cidr = z.string().refine((c) => parseCidr(c) !== undefined, {
  error: 'must be an IPv4 CIDR such as 10.40.0.0/16: decimal without leading zeros, host bits zero',
});

/** CPU architectures a component builds for (Docker platform names). */
export const Architecture = z.enum(['amd64', 'arm64']);
/** Artefact kinds: container images and Helm charts (both ECR) and blobs (S3). */
export const ArtefactKind = z.enum(['image', 'chart', 'blob']);

function uniqueList<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item)
    .min(1, { error: `list at least one ${what}` })
    .refine((xs) => new Set(xs).size === xs.length, { error: `${what}s must not repeat` });
}

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const GitRepository = z
  .string()
  .regex(/^(git@(?!-)[\w.-]+:(?!-)[\w./-]+|ssh:\/\/(?![\w.]*@?-)[\w.@:-]+\/[\w./-]+|https:\/\/(?!-)[\w.-]+(:\d+)?\/[\w./-]+)$/, {
    error: 'must be a git URL: git@host:group/repo.git (preferred, read-only deploy key), ssh://... or https://..., with no host or path starting with - (git would read it as an option)',
  });

/**
 * A string checked by a rule function that returns what is wrong (or undefined). `editorPattern`
 * is a coarser regular expression for the JSON Schema editors use; the rule function decides.
 */
function checked(problem: (value: string) => string | undefined, editorPattern: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const message = problem(value);
      if (message) ctx.addIssue({ code: 'custom', message });
    })
    .meta({ pattern: editorPattern });
}

/** A relative path inside a repository, handed to command-line tools: no globs, no option-like parts. */
const RepoPath = checked((p) => repoPathProblem(p, { glob: false }), '^(?![/-])[\\w.@+/-]+$');
/** A relative path pattern inside a repository (Ant globs `*`, `**`, `?` allowed). */
const RepoPathPattern = checked((p) => repoPathProblem(p, { glob: true }), '^(?![/-])[\\w.@+*?/-]+$');
/** An IAM role or user ARN. */
const PrincipalArn = checked((arn) => iamArnProblem(arn, ['role', 'user']), '^arn:aws:iam::\\d{12}:(role|user)/');

/** A container image pinned to a tag or digest (never implicitly `latest`). */
const ImageReference = z
  .string()
  .regex(/^[a-z0-9]+([._\/-][a-z0-9]+)*(:\d+)?(\/[a-z0-9._-]+)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    error: 'must be an image with an explicit tag or digest, e.g. node:20.18-bookworm',
  })
  .refine((image) => !image.endsWith(':latest'), { error: 'must not use the moving tag latest' });

/** A shell command run in a pinned container image. */
const ContainerCommand = strictObject({
  /** Container image the command runs in, pinned to a tag. */
  image: ImageReference,
  /** Shell command run at the repository root. */
  command: z.string().min(1),
});

/**
 * User ids Jenkins will not persist (User.ILLEGAL_PERSISTED_USERNAMES in jenkins-2.555.3: anonymous,
 * SYSTEM, unknown; compared ignoring case), the built-in group every logged-in user holds
 * (`authenticated`, SecurityRealm.AUTHENTICATED_AUTHORITY2) and the platform's own administrator.
 */
export const RESERVED_JENKINS_USERS = ['admin', 'anonymous', 'authenticated', 'system', 'unknown'] as const;

/** A Jenkins user id as the local security realm's default IdStrategy (CaseInsensitive) keys it. */
export function jenkinsUserKey(id: string): string {
  return id.toLowerCase();
}

export const ComponentSchema = strictObject({
  /** Component name; ECR repositories are `<owner>/<tier>/<name>`. */
  name: ComponentName,
  /** Where CI clones the component from. */
  repository: GitRepository,
  /** Branch whose pushes trigger builds. */
  branch: checked(branchNameProblem, GIT_REF_PATTERN).default('main'),
  /** Architectures the component is built for; each gets a build on the matching agent fleet. */
  architectures: uniqueList(Architecture, 'architecture'),
  /** Which registries the component publishes to. */
  artefacts: uniqueList(ArtefactKind, 'artefact kind').default(['image']),
  /** Other pilots whose developers may pull this component's prod artefacts. */
  sharedWith: setOf(PilotName, 'pilot').default([]),
  /** Dockerfile of the component's image, relative to the repository root. */
  dockerfile: RepoPath.default('Dockerfile'),
  /**
   * Unit tests CI runs (in `image`, on every architecture) before anything is pushed.
   * @default - no unit tests: the component stays below maturity level 2
   */
  tests: strictObject({
    ...ContainerCommand.shape,
    /** Where the command writes JUnit XML (a glob relative to the repository root). */
    junitReport: RepoPathPattern,
  }).optional(),
  /**
   * Blob build (firmware, packages): `command` runs in `image` on every architecture with `ARCH`
   * set, and writes `<outputDir>/<generation>/<ARCH>/<file>`; CI publishes every file under
   * `outputDir` to the dev blob bucket as `<component>/<version>/<path below outputDir>`.
   * @default - no blob build: a component publishing blobs stays below maturity level 2
   */
  blobs: strictObject({
    ...ContainerCommand.shape,
    /** Directory the command writes the blobs to, relative to the repository root (no glob). */
    outputDir: z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w.\/@+-]+$/, { error: 'must be a directory inside the repository (no leading /, no .., no glob)' }),
  }).optional(),
  /** Whether the repository's push webhook points at the platform's relay (maturity level 1). */
  webhook: z.boolean().default(false),
  /**
   * Continuous delivery (maturity levels 4-7); only for components at level 3 or above.
   * @default - no CD
   */
  cd: strictObject({
    /** Helm chart in the repository, packaged by CI and deployed to the pilot's staging namespace (level 4). */
    chart: RepoPath,
    /** Integration tests run against staging after each deploy (level 5). */
    integrationTests: ContainerCommand.optional(),
    /** Jenkins users who approve promotion to production (level 6). */
    approvers: setOf(
      z
        .string()
        .regex(/^[\w.@-]+$/, { error: 'must be a Jenkins user id' })
        .refine((id) => !(RESERVED_JENKINS_USERS as readonly string[]).includes(jenkinsUserKey(id)), {
          error: `is reserved in Jenkins (ids are compared ignoring case): not ${RESERVED_JENKINS_USERS.join(', ')}`,
        }),
      'approver',
    ).default([]),
    /** HTTP path the deployment serves its health on; production deploys roll back when it fails (level 7). */
    healthPath: z.string().regex(/^\/[\w./-]*$/, { error: 'must be an absolute URL path such as /health' }).optional(),
  }).optional(),
});

/** A list of components whose names are unique within their owner. */
const ComponentList = z
  .array(ComponentSchema)
  .superRefine((components, ctx) => {
    const seen = new Set<string>();
    components.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate component name "${c.name}"` });
      seen.add(c.name);
    });
  })
  .default([]);

const EnvironmentSchema = strictObject({
  /** AWS account id, quoted in YAML so leading zeros survive. */
  account: z.string({ error: 'must be a 12-digit account id in quotes, e.g. "123456789012"' }).regex(/^\d{12}$/, {
    error: 'must be exactly 12 digits',
  }),
  region: z.enum(AWS_REGIONS, { error: `must be a commercial AWS region: ${AWS_REGIONS.join(', ')}` }),
  /** Explicit availability zones so synth never looks them up. */
  availabilityZones: z
    .array(z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, { error: 'must be an availability zone name such as eu-central-1a' }))
    .min(2, { error: 'list at least 2 availability zones (EKS needs two)' })
    .max(6)
    .refine((azs) => new Set(azs).size === azs.length, { error: 'availability zones must not repeat' }),
});

/** Subnet planes: one CIDR each, cut evenly across the availability zones. */
export const SUBNET_PLANES = ['public', 'endpoints', 'ci', 'cd', 'cluster'] as const;
export type SubnetPlane = (typeof SUBNET_PLANES)[number];

const NetworkSchema = strictObject({
  /** The VPC's IPv4 block, /16 to /24. */
  cidr: Cidr.refine((c) => {
    const p = parseCidr(c)?.prefix ?? 0;
    return p >= 16 && p <= 24;
  }, { error: 'the VPC CIDR prefix must be between /16 and /24' }).superRefine((c, ctx) => {
    const cidr = parseCidr(c);
    const message = cidr && vpcCidrProblem(cidr);
    if (message) ctx.addIssue({ code: 'custom', message });
  }),
  /** NAT gateways (one per AZ at most); CI agents need egress to clone and fetch. */
  natGateways: z.int().min(1, { error: 'at least 1 NAT gateway: agents and nodes need egress' }),
  /** Days VPC flow logs are kept. */
  flowLogRetentionDays: z.literal(LOG_RETENTION_DAYS, { error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` }).default(365),
  /**
   * One CIDR per plane inside the VPC CIDR, not overlapping: `public` (NAT, load balancers),
   * `endpoints` (interface endpoints), `ci` (build agents), `cd` (deploy agents), `cluster` (EKS).
   */
  subnets: strictObject({
    public: Cidr,
    endpoints: Cidr,
    ci: Cidr,
    cd: Cidr,
    cluster: Cidr,
  }),
});

const RegistrySettingsSchema = strictObject({
  /** Dev-tier images kept per repository (newest first); older ones expire. */
  devImagesKept: z.int().min(1).max(10000).default(50),
  /** Days an untagged dev-tier image survives. */
  devUntaggedDays: z.int().min(1).max(3650).default(7),
  /** Days a replaced dev-tier blob version survives. */
  devBlobVersionDays: z.int().min(1).max(3650).default(30),
});

const HostName = z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, { error: 'must be a DNS host name such as iiot.example.com' });

/** Kubernetes versions the platform can run: each has its `@aws-cdk/lambda-layer-kubectl-vNN` installed. */
export const KUBERNETES_VERSIONS = ['1.35', '1.36'] as const;
/** The newest of them: what a platform gets unless its config says otherwise. */
export const DEFAULT_KUBERNETES_VERSION = KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1];

const InstanceTypeName = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: 'must be an EC2 instance type such as m7g.xlarge' });

/**
 * CPU architecture of an EC2 instance type, from its family name: Graviton families carry a `g`
 * right after the generation digit (m7g, c6gn, r8gd, t4g, x2gd, im4gn, is4gen), plus the first-generation `a1`.
 */
export function instanceArchitecture(instanceType: string): ArchitectureName {
  const family = instanceType.split('.')[0];
  return family === 'a1' || /^[a-z]+\d+g/.test(family) ? 'arm64' : 'amd64';
}

const NodeGroupSchema = strictObject({
  /** Instance types, all of the group's architecture; several spread capacity risk. */
  instanceTypes: setOf(InstanceTypeName, 'instance type').min(1, { error: 'list at least one instance type' }),
  minSize: z.int().min(0),
  maxSize: z.int().min(1).max(100),
  /** @default minSize */
  desiredSize: z.int().min(0).optional(),
}).superRefine((group, ctx) => {
  if (group.minSize > group.maxSize) {
    ctx.addIssue({ code: 'custom', path: ['minSize'], message: `must not exceed maxSize (${group.maxSize})` });
  }
  const desired = group.desiredSize;
  if (desired !== undefined && (desired < group.minSize || desired > group.maxSize)) {
    ctx.addIssue({ code: 'custom', path: ['desiredSize'], message: `must lie between minSize (${group.minSize}) and maxSize (${group.maxSize})` });
  }
});

const ClusterSchema = strictObject({
  /** Kubernetes version; the matching kubectl layer is wired in. */
  kubernetesVersion: z
    .enum(KUBERNETES_VERSIONS, { error: `must be one of ${KUBERNETES_VERSIONS.join(', ')} (versions with a kubectl layer installed), quoted` })
    .default(DEFAULT_KUBERNETES_VERSION),
  /** IAM roles that administer the cluster (operators). */
  adminRoles: setOf(checked((arn) => iamArnProblem(arn, ['role']), '^arn:aws:iam::\\d{12}:role/'), 'role').default([]),
  /** CIDRs allowed to the public API endpoint; empty keeps the endpoint private (reachable from the CD plane only). */
  publicEndpointCidrs: setOf(
    Cidr.superRefine((c, ctx) => {
      const cidr = parseCidr(c);
      const message = cidr && publicSourceCidrProblem(cidr);
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
    'CIDR',
  ).default([]),
  /** Public host name of the platform's API and Keycloak (`https://<host>/auth`); token issuers derive from it. */
  ingressHostname: HostName.optional(),
  /** ACM certificate for the platform's public HTTPS entry (the ingress gateway's load balancer); without it, HTTP only. */
  ingressCertificateArn: z
    .string()
    .regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, { error: 'must be an ACM certificate ARN' })
    .optional(),
  /** Managed node groups, one per architecture. */
  nodeGroups: strictObject({ amd64: NodeGroupSchema, arm64: NodeGroupSchema }),
}).superRefine((cluster, ctx) => {
  if (cluster.ingressCertificateArn && !cluster.ingressHostname) {
    ctx.addIssue({ code: 'custom', path: ['ingressHostname'], message: 'required with ingressCertificateArn: the host name the certificate is for' });
  }
  for (const arch of Architecture.options) {
    cluster.nodeGroups[arch].instanceTypes.forEach((type, i) => {
      if (instanceArchitecture(type) !== arch) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodeGroups', arch, 'instanceTypes', i],
          message: arch === 'arm64' ? 'is not a Graviton (arm64) instance type' : 'is an arm64 (Graviton) instance type; this group is x86 (amd64)',
        });
      }
    });
  }
});

/** Jenkins agent fleets: the label builds ask for is the fleet's name. */
export const FLEETS = ['linux-x64', 'linux-arm64', 'cd'] as const;
export type FleetName = (typeof FLEETS)[number];
/** Architecture of each fleet's instances (CD agents only run deploy tooling). */
export const FLEET_ARCHITECTURE: Readonly<Record<FleetName, ArchitectureName>> = { 'linux-x64': 'amd64', 'linux-arm64': 'arm64', cd: 'amd64' };

const FleetSchema = strictObject({
  instanceTypes: setOf(InstanceTypeName, 'instance type').min(1, { error: 'list at least one instance type' }),
  /** Upper bound the EC2 Fleet plugin may scale to; it scales to zero when idle. */
  maxSize: z.int().min(1).max(100),
  /** Spot capacity (price-capacity-optimized) instead of on-demand. */
  spot: z.boolean().default(false),
  /** Minutes an idle agent waits for work before it is terminated. */
  idleMinutes: z.int().min(1).max(240).default(10),
});

/** SSH public key types OpenSSH accepts as host keys. */
const HOST_KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;

/** The first string of an SSH public key blob (RFC 4253 section 6.6): its key type. */
function sshBlobType(base64: string): string | undefined {
  const blob = Buffer.from(base64, 'base64');
  if (blob.length < 4 || blob.toString('base64') !== base64) return undefined;
  const length = blob.readUInt32BE(0);
  return length <= blob.length - 4 ? blob.subarray(4, 4 + length).toString('latin1') : undefined;
}

/** One known_hosts line: host patterns, key type and the key, whose blob must name that type. */
const KnownHostsLine = z
  .string()
  .regex(new RegExp(`^[\\w.-]+(,[\\w.-]+)* (${HOST_KEY_TYPES.join('|')}) [A-Za-z0-9+/]+={0,2}$`), {
    error: `must be a known_hosts line "host[,host] type key" with type one of ${HOST_KEY_TYPES.join(', ')}`,
  })
  .refine((line) => { const [, type, key] = line.split(' '); return key !== undefined && sshBlobType(key) === type; }, { error: 'the key is not a base64 SSH public key of the type named before it' });

/** Host names a known_hosts line applies to. */
export function knownHostsHosts(line: string): string[] {
  return line.split(' ')[0].split(',');
}

/** The host of an SSH Git URL (`git@host:path` or `ssh://[user@]host[:port]/path`); undefined for HTTPS. */
export function sshGitHost(repository: string): string | undefined {
  return /^git@([\w.-]+):/.exec(repository)?.[1] ?? /^ssh:\/\/(?:[\w.-]+@)?([\w.-]+)(?::\d+)?\//.exec(repository)?.[1];
}

/** Where build results go back to a Git host, as commit statuses component developers see without Jenkins. */
const CommitStatusHostSchema = strictObject({
  /** Host name exactly as in the components' repository URLs, e.g. github.com. */
  host: HostName,
  /** The commit status API the host speaks: GitHub's (`POST /repos/{owner}/{repo}/statuses/{sha}`) or GitLab's (`POST /projects/:id/statuses/:sha`). */
  api: z.enum(['github', 'gitlab'], { error: 'must be one of github, gitlab' }),
  /** API base URL, e.g. https://api.github.com, https://github.example.com/api/v3, https://gitlab.com/api/v4. */
  apiUrl: z.string().regex(/^https:\/\/[\w.-]+(:\d+)?(\/[\w.-]+)*$/, { error: 'must be an https:// API base URL without a trailing slash, such as https://api.github.com' }),
  /** Secrets Manager secret (name or ARN) whose string is a token allowed to set commit statuses (GitHub: repo:status / statuses write; GitLab: api). */
  tokenSecret: z.string().regex(/^(arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[\w/+=.@-]{1,512}$/, { error: 'must be a Secrets Manager secret name or ARN' }),
});

const CiSchema = strictObject({
  /** One entry per Git host the components live on (config validation requires it). */
  commitStatus: z.array(CommitStatusHostSchema).default([]),
  jenkins: strictObject({
    /** Controller image, pinned to the Jenkins LTS the plugin set is checked against (lib/ci/jenkins-plugins.ts). */
    image: ImageReference.refine((image) => image.includes(`:${JENKINS_CORE}-`) || image.endsWith(`:${JENKINS_CORE}`), {
      error: `must be tagged with Jenkins ${JENKINS_CORE}, the core the pinned plugins are checked against, e.g. jenkins/jenkins:${JENKINS_CORE}-lts-jdk21`,
    }),
    /** Host name users and the webhook relay reach Jenkins by; the certificate must cover it. */
    hostname: HostName,
    /** ACM certificate for the HTTPS listener, in the platform's region. */
    certificateArn: z.string().regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, {
      error: 'must be an ACM certificate ARN such as arn:aws:acm:eu-central-1:123456789012:certificate/<uuid>',
    }),
    /** Networks allowed to the Jenkins UI (the load balancer is internal). */
    allowedCidrs: setOf(Cidr, 'CIDR').min(1, { error: 'list the networks allowed to reach Jenkins' }),
  }),
  fleets: strictObject({ 'linux-x64': FleetSchema, 'linux-arm64': FleetSchema, cd: FleetSchema }),
  /** Golden images (Platform-Images). */
  images: strictObject({
    /** Newest images kept per recipe (agent AMIs, controller images); older ones are deleted, never the one in use. */
    keep: z.int().min(1).max(1000).default(5),
  }).default({ keep: 5 }),
  /**
   * Public host keys of the Git hosts Jenkins checks out from over SSH, as known_hosts lines
   * (`host[,host] type base64`; for GitHub, the keys docs.github.com publishes). Jenkins verifies
   * every SSH checkout against these and nothing else: never trust-on-first-use.
   */
  gitHostKeys: z.array(KnownHostsLine).min(1, { error: 'list the SSH host keys of every Git host the components use' }),
}).superRefine((ci, ctx) => {
  ci.commitStatus.forEach((h, i) => {
    const first = ci.commitStatus.findIndex((other) => other.host === h.host);
    if (first !== i) ctx.addIssue({ code: 'custom', path: ['commitStatus', i, 'host'], message: `host ${h.host} is listed already (entry #${first + 1})` });
  });
  for (const fleet of FLEETS) {
    ci.fleets[fleet].instanceTypes.forEach((type, i) => {
      if (instanceArchitecture(type) !== FLEET_ARCHITECTURE[fleet]) {
        ctx.addIssue({ code: 'custom', path: ['fleets', fleet, 'instanceTypes', i], message: `is not an ${FLEET_ARCHITECTURE[fleet]} instance type, as fleet ${fleet} needs` });
      }
    });
  }
});
// --- GitOps (Argo CD) ---------------------------------------------------------------------------
/** Where Argo CD finds the pilots' rendered manifests: one folder per pilot under `path`. */
const GitOpsSchema = strictObject({
  /** Git repository Argo CD syncs from (its read-only credentials are an Argo CD repository Secret). */
  repository: GitRepository,
  /** Branch, tag or commit Argo CD follows. */
  revision: checked(refNameProblem, GIT_REF_PATTERN).default('main'),
  /** Folder (relative, no `..`) holding `<pilot>/` folders of rendered manifests. */
  path: RepoPath.default('deploy/pilots'),
});
// --- end GitOps ----------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Edge: Greengrass fleets per pilot (device generations, channels, rollouts) and the platform's
// shared edge settings. The numeric limits are CloudFormation's for AWS::GreengrassV2::Deployment
// and AWS::IoT::JobTemplate, checked here so a bad rollout fails at synth, not at deploy.
// ---------------------------------------------------------------------------------------------

/** Greengrass component versions are semantic versions without pre-release or build parts here. */
const SemVer = z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be a semantic version MAJOR.MINOR.PATCH such as 1.4.0' });

/** True when `x` has at most `digits` digits after the decimal point. */
function hasAtMostDecimals(x: number, digits: number): boolean {
  return Number(x.toFixed(digits)) === x;
}

/** Largest integer CloudFormation accepts for the job counters (Java int). */
const INT32_MAX = 2147483647;

export const JOB_FAILURE_TYPES = ['FAILED', 'REJECTED', 'TIMED_OUT', 'ALL'] as const;

const AbortCriterionSchema = strictObject({
  /** Which failed executions count: FAILED, REJECTED, TIMED_OUT or ALL. */
  failureType: z.enum(JOB_FAILURE_TYPES, { error: `must be one of ${JOB_FAILURE_TYPES.join(', ')}` }),
  /** Cancel once this percentage of executed devices failed this way (0-100, two decimals at most). */
  thresholdPercentage: z
    .number()
    .min(0)
    .max(100)
    .refine((x) => hasAtMostDecimals(x, 2), { error: 'at most two digits after the decimal point (10.99, not 10.999)' }),
  /** Devices that must have executed before the threshold applies. */
  minExecutedThings: z.int().min(1).max(INT32_MAX),
});

const RolloutSchema = strictObject({
  /** Devices notified per minute when the rollout starts (1-1000). */
  baseRatePerMinute: z.int().min(1).max(1000),
  /** Factor the rate grows by each time the increase criterion is met (1.1-5, one decimal at most: the IoT jobs API's range). */
  incrementFactor: z
    .number()
    .min(1.1)
    .max(5)
    .refine((x) => hasAtMostDecimals(x, 1), { error: 'at most one digit after the decimal point (1.5, not 1.55)' }),
  /** When the rate grows: after this many devices were notified, or succeeded (exactly one). */
  rateIncrease: strictObject({
    notifiedThings: z.int().min(1).max(INT32_MAX).optional(),
    succeededThings: z.int().min(1).max(INT32_MAX).optional(),
  }).refine((c) => (c.notifiedThings === undefined) !== (c.succeededThings === undefined), {
    error: 'give exactly one of notifiedThings or succeededThings',
  }),
  /** Upper bound on the notification rate (1-1000). @default 1000 */
  maximumPerMinute: z.int().min(1).max(1000).default(1000),
  /** Minutes a device may stay IN_PROGRESS before its execution times out (1-10080, 7 days). */
  inProgressTimeoutMinutes: z.int().min(1).max(10080),
  /** When the rollout is cancelled; failed devices roll back. */
  abort: z
    .array(AbortCriterionSchema)
    .min(1, { error: 'list at least one abort criterion: a rollout that never stops on failures is not staged' })
    .refine((cs) => new Set(cs.map((c) => c.failureType)).size === cs.length, { error: 'one criterion per failure type' }),
}).superRefine((rollout, ctx) => {
  if (rollout.baseRatePerMinute > rollout.maximumPerMinute) {
    ctx.addIssue({ code: 'custom', path: ['baseRatePerMinute'], message: `must not exceed maximumPerMinute (${rollout.maximumPerMinute})` });
  }
});

/** `optional`: components are notified and may defer the update; `mandatory`: applied without asking. */
export const UPDATE_POLICIES = ['optional', 'mandatory'] as const;

const ChannelSchema = strictObject({
  /** Channel name, e.g. `stable`, `beta`; its thing group is `<pilot>_<generation>_<channel>`. */
  name: resourceName('a channel name', 16),
  /** Edge component versions this channel runs instead of the component's `version`. */
  versions: z.record(ComponentName, SemVer).default({}),
});

/** `gateway`: a Greengrass core device; `sensor`: a client device that connects through a gateway. */
export const DEVICE_KINDS = ['gateway', 'sensor'] as const;

const DeviceGenerationSchema = strictObject({
  /** Generation name (a hardware revision); its thing group is `<pilot>_<name>`. */
  name: resourceName('a device generation name', 24),
  /**
   * Gateways run Greengrass (deployments of the pilot's components); sensors are things named
   * `<pilot>_sensor-<serial>` that reach AWS through a gateway and get firmware jobs through it.
   * @default gateway
   */
  kind: z.enum(DEVICE_KINDS, { error: `must be one of ${DEVICE_KINDS.join(', ')}` }).default('gateway'),
  /** CPU architecture of the hardware: picks the image each edge component runs. */
  architecture: Architecture,
  /**
   * Release channels, each its own thing group and deployment; new devices join the first.
   * Without channels the generation's group is the one deployment target.
   */
  channels: z
    .array(ChannelSchema)
    .default([])
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, { error: 'channel names must not repeat' }),
  /** Whether devices may defer an update (`optional`) or get it by mandate (`mandatory`). */
  updatePolicy: z.enum(UPDATE_POLICIES, { error: `must be one of ${UPDATE_POLICIES.join(', ')}` }),
  /** Seconds components get to acknowledge or defer an `optional` update. @default 60 */
  updateNoticeSeconds: z.int().min(1).max(86400).default(60),
  /** How a gateway of this generation keeps working without a connection to AWS. */
  offline: strictObject({
    /** Hours client device auth keeps trusting known sensors while offline (Greengrass' default is one minute). @default 24 */
    sensorTrustHours: z.int().min(1).max(8760).default(24),
    /** Disk spool for uplink messages while offline, in MiB (kept across restarts; oldest dropped when full). @default 64 */
    spoolMebibytes: z.int().min(1).max(10240).default(64),
  }).prefault({}),
  /** Staged rollout and abort rules for deployments and firmware jobs to this generation. */
  rollout: RolloutSchema,
  /**
   * Factory tests a device of this generation must have passed, each at its current spec version:
   * provisioning admits a device only when each test's latest run passed under that version.
   */
  factoryTests: z
    .array(strictObject({ testId: z.string().regex(/^[\w.-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ . or -' }), specVersion: z.string().regex(/^[\w.-]{1,32}$/, { error: 'must be 1-32 letters, digits, _ . or -' }) }))
    .min(1, { error: 'list the factory tests a device of this generation must pass' })
    .refine((ts) => new Set(ts.map((t) => t.testId)).size === ts.length, { error: 'each testId once' }),
  /**
   * Firmware image for OTA through an IoT Jobs template: a blob the component pipeline published.
   * Its prod blob key is `<component>/<version>/<generation>/<architecture>/<file>`.
   */
  firmware: strictObject({
    /** The component whose prod blobs hold the firmware. */
    component: ComponentName,
    /** Firmware version the jobs install. */
    version: SemVer,
    /** Version a device goes back to when a firmware job is cancelled: the job document carries it. */
    rollbackVersion: SemVer.optional(),
    /** With `updatePolicy: optional`: a critical firmware goes to every device, others only to opted-in ones. @default false */
    critical: z.boolean().default(false),
    /** File name under `<generation>/<architecture>/` in the version's artefacts. */
    file: z.string().regex(/^[\w.-]{1,100}$/, { error: 'must be a file name (letters, digits, _ . -)' }).superRefine((f, ctx) => {
      const message = fileNameProblem(f);
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
  }).optional(),
});

const EdgeComponentSchema = strictObject({
  /** One of the pilot's components publishing images; it runs under the Docker application manager. */
  component: ComponentName,
  /** Greengrass component version and prod image tag: what devices that accept updates run. */
  version: SemVer,
  /**
   * For generations with `updatePolicy: optional`: the version every device runs, opted in or not
   * (raise it to make an update mandatory). @default - `version` (every update is mandatory)
   */
  mandatoryVersion: SemVer.optional(),
  /** Device generations that run it. */
  generations: uniqueList(resourceName('a device generation name', 24), 'generation'),
});

const PilotEdgeSchema = strictObject({
  /** Hardware revisions in the field, each with its own thing group, rollout and update policy. */
  generations: z.array(DeviceGenerationSchema).min(1, { error: 'list at least one device generation' }),
  /** The pilot's components that run on its edge devices. */
  components: z.array(EdgeComponentSchema).default([]),
});

/** Cross-references inside a pilot's edge section: components, generations and channel pins. */
function checkPilotEdge(pilot: { components: ComponentSpec[]; edge?: z.infer<typeof PilotEdgeSchema> }, ctx: z.RefinementCtx): void {
  const edge = pilot.edge;
  if (!edge) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: ['edge', ...path], message });
  const components = new Map(pilot.components.map((c) => [c.name, c]));
  const generations = new Map<string, number>();
  edge.generations.forEach((g, i) => {
    if (generations.has(g.name)) issue(['generations', i, 'name'], `duplicate device generation "${g.name}"`);
    else generations.set(g.name, i);
  });
  const knownGenerations = [...generations.keys()].join(', ');
  const deployedTo = new Map<string, Set<string>>();
  edge.components.forEach((ec, i) => {
    const component = components.get(ec.component);
    if (deployedTo.has(ec.component)) issue(['components', i, 'component'], `"${ec.component}" is listed twice`);
    if (!component) {
      issue(['components', i, 'component'], `unknown component; the pilot's components: ${[...components.keys()].join(', ') || '(none)'}`);
    } else if (!component.artefacts.includes('image')) {
      issue(['components', i, 'component'], 'must publish images (artefacts: [image, ...]) to run on Greengrass devices');
    }
    deployedTo.set(ec.component, new Set(ec.generations));
    if (ec.mandatoryVersion && !ec.generations.some((name) => edge.generations.find((g) => g.name === name)?.updatePolicy === 'optional')) {
      issue(['components', i, 'mandatoryVersion'], 'applies only to generations with updatePolicy: optional; this component runs on none');
    }
    ec.generations.forEach((name, j) => {
      const g = generations.get(name);
      if (g === undefined) {
        issue(['components', i, 'generations', j], `unknown device generation; this pilot's generations: ${knownGenerations}`);
      } else if (edge.generations[g].kind === 'sensor') {
        issue(['components', i, 'generations', j], `${name} is a sensor generation: sensors run no Greengrass components`);
      } else if (component && !component.architectures.includes(edge.generations[g].architecture)) {
        issue(['components', i, 'generations', j], `runs on ${edge.generations[g].architecture} but ${ec.component} is built for ${component.architectures.join(', ')} only`);
      }
    });
  });
  edge.generations.forEach((g, i) => {
    g.channels.forEach((channel, c) => {
      for (const name of Object.keys(channel.versions)) {
        if (!deployedTo.get(name)?.has(g.name)) {
          issue(['generations', i, 'channels', c, 'versions', name], `is not an edge component of generation ${g.name}`);
        }
      }
    });
    if (g.firmware) {
      const component = components.get(g.firmware.component);
      if (!component?.artefacts.includes('blob')) {
        issue(['generations', i, 'firmware', 'component'], 'must be one of the pilot\'s components publishing blobs (artefacts: [blob])');
      }
    }
  });
}

/** AWS-provided Greengrass components every edge deployment carries, at pinned versions. */
const GreengrassVersionsSchema = strictObject({
  /**
   * aws.greengrass.Nucleus: pinned so adding a device never upgrades (and restarts) the fleet's cores.
   * 2.15.x: the newest disk spooler the developer guide lists (1.0.6) requires a nucleus below 2.16.0.
   */
  nucleus: SemVer.default('2.15.1'),
  /** aws.greengrass.DockerApplicationManager: pulls the container components' images. */
  dockerApplicationManager: SemVer.default('2.0.15'),
  /** aws.greengrass.TokenExchangeService: AWS credentials for components (ECR pulls). */
  tokenExchangeService: SemVer.default('2.0.3'),
  /** aws.greengrass.DiskSpooler: keeps uplink messages on disk while offline (1.0.6: nucleus >=2.11.0 <2.16.0). */
  diskSpooler: SemVer.default('1.0.6'),
  /** aws.greengrass.clientdevices.Auth: lets local devices connect to the core. */
  clientDeviceAuth: SemVer.default('2.5.1'),
  /** aws.greengrass.clientdevices.mqtt.Moquette: the local MQTT broker. */
  mqttBroker: SemVer.default('2.3.7'),
  /** aws.greengrass.clientdevices.mqtt.Bridge: relays local MQTT to AWS IoT Core when online. */
  mqttBridge: SemVer.default('2.3.2'),
  /** aws.greengrass.ShadowManager: local shadows, synced when online. */
  shadowManager: SemVer.default('2.3.9'),
});

const PlatformEdgeSchema = strictObject({
  /** IAM principals of the factory test stations: they may post and read factory test records. */
  factoryStations: setOf(PrincipalArn, 'principal').default([]),
  /** IAM principals of fleet operators: they may read test records and retire devices. */
  fleetOperators: setOf(PrincipalArn, 'principal').default([]),
  /** Versions of the AWS-provided components deployed to every core device. */
  greengrass: GreengrassVersionsSchema.prefault({}),
});
// ------------------------------------------ end edge ------------------------------------------

const EmailAddress = z.string().regex(/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i, { error: 'must be an e-mail address such as ops@example.com' });
const HttpsUrl = z.string().regex(/^https:\/\/[^\s/]+\/\S*$/, { error: 'must be an https:// URL such as https://hooks.example.com/alerts' });

const OperationsSchema = strictObject({
  /** Who the alert topic reaches: every alarm and cluster alert goes to all of them. */
  alerts: strictObject({
    /** E-mail subscribers (each confirms the subscription once). */
    emails: z.array(EmailAddress).default([]),
    /** Chat webhooks (SNS https subscriptions, e.g. a Slack or Teams workflow URL). */
    webhooks: z.array(HttpsUrl).default([]),
  }).refine((a) => a.emails.length + a.webhooks.length > 0, { error: 'list at least one e-mail or webhook: an alarm nobody receives is no alarm' }),
  backups: strictObject({
    /** Days a daily backup is kept. */
    retentionDays: z.int().min(7).max(36500).default(35),
    /** Months a monthly backup is kept (long-term copies beyond point-in-time recovery). */
    monthlyRetentionMonths: z.int().min(1).max(1200).default(12),
    /** Vault lock (compliance): nobody, not even an administrator, deletes recovery points before their retention ends. */
    vaultLock: z.boolean().default(false),
  }).prefault({}),
  budget: strictObject({
    /** The monthly cost `npm run cost` estimates for this config, in USD (copy it from its output). */
    monthlyEstimateUsd: z.number().min(1).max(10_000_000),
    /** Margin over the estimate before the budget alerts, in percent. */
    marginPercent: z.int().min(0).max(500).default(20),
  }),
});

export const PlatformFileSchema = strictObject({
  /** Platform name, used in tags. */
  name: resourceName('a platform name', 24),
  environment: EnvironmentSchema,
  network: NetworkSchema,
  registries: RegistrySettingsSchema.prefault({}),
  cluster: ClusterSchema,
  ci: CiSchema,
  /** Argo CD's source for the pilots' workloads; without it no Argo CD objects are rendered. */
  gitops: GitOpsSchema.optional(),
  /** Shared edge settings: factory stations, fleet operators, Greengrass component versions. */
  edge: PlatformEdgeSchema.prefault({}),
  /** IAM principals of the platform's own developers: read-only access to the `platform/` registries. */
  developers: setOf(PrincipalArn, 'principal').default([]),
  /** The platform's own components; their registries live under `platform/`. */
  components: ComponentList,
  /** Alert subscribers, backup retention and the monthly budget. */
  operations: OperationsSchema,
}).superRefine((platform, ctx) => {
  const { environment: env, network } = platform;
  const zones = availabilityZonesOf(env.region);
  env.availabilityZones.forEach((az, i) => {
    if (!zones.includes(az)) {
      ctx.addIssue({ code: 'custom', path: ['environment', 'availabilityZones', i], message: `is not an availability zone of ${env.region}; its zones: ${zones.join(', ')}` });
    }
  });
  const certificates: [string[], string | undefined][] = [
    [['ci', 'jenkins', 'certificateArn'], platform.ci.jenkins.certificateArn],
    [['cluster', 'ingressCertificateArn'], platform.cluster.ingressCertificateArn],
  ];
  for (const [path, arn] of certificates) {
    const message = arn && acmCertificateArnProblem(arn, env.account, env.region);
    if (message) ctx.addIssue({ code: 'custom', path, message });
  }
  if (network.natGateways > env.availabilityZones.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['network', 'natGateways'],
      message: `at most one NAT gateway per availability zone (${env.availabilityZones.length})`,
    });
  }
  // Refinements still run when a field failed its own check: compare only CIDRs that parsed.
  const vpc = parseCidr(network.cidr);
  const planes = SUBNET_PLANES.flatMap((plane) => {
    const cidr = parseCidr(network.subnets[plane]);
    return cidr ? [{ plane, cidr }] : [];
  });
  if (!vpc) return;
  const perAzBits = splitBits(env.availabilityZones.length);
  for (const [i, { plane, cidr }] of planes.entries()) {
    const path = ['network', 'subnets', plane];
    if (!cidrContains(vpc, cidr)) {
      ctx.addIssue({ code: 'custom', path, message: `must lie inside the VPC CIDR ${network.cidr}` });
    }
    if (cidr.prefix + perAzBits > 28) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `is too small to cut into ${env.availabilityZones.length} subnets of at least /28; use /${28 - perAzBits} or larger`,
      });
    }
    for (const other of planes.slice(i + 1)) {
      if (cidrsOverlap(cidr, other.cidr)) {
        ctx.addIssue({ code: 'custom', path, message: `overlaps network.subnets.${other.plane} (${network.subnets[other.plane]})` });
      }
    }
  }
});

export const PilotFileSchema = strictObject({
  /** Pilot name: stacks are `Pilot-<name>-...`, registries `<name>/<tier>/<component>`. */
  name: PilotName,
  /** Human-readable site name. */
  displayName: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\p{Cc}]*$/u, { error: 'must be one line of text: no tabs, line breaks or other control characters' }),
  /** The pilot's FIWARE tenant (`fiware-service` header); defaults to the name with `_` for `-`. */
  fiwareService: z
    .string()
    .regex(/^[a-z0-9_]{1,50}$/, { error: 'must be 1-50 lowercase letters, digits or underscores (FIWARE service rules)' })
    .optional(),
  /** IAM principals of the pilot's developers: read-only access to its registries. */
  developers: setOf(PrincipalArn, 'principal').default([]),
  components: ComponentList,
  /** The pilot's edge fleet: device generations, channels, edge components and rollouts. */
  edge: PilotEdgeSchema.optional(),
}).superRefine((pilot, ctx) => {
  checkPilotEdge(pilot, ctx);
  pilot.components.forEach((c, i) => {
    if (c.sharedWith.includes(pilot.name)) {
      ctx.addIssue({ code: 'custom', path: ['components', i, 'sharedWith'], message: 'a pilot does not share with itself' });
    }
  });
});

/**
 * The whole platform: its file and every pilot file, with the checks that span files
 * (unique pilot names and tenants, sharing only with pilots that exist).
 */
export const PlatformConfigSchema = z
  .object({ platform: PlatformFileSchema, pilots: z.array(PilotFileSchema) })
  .superRefine(({ platform, pilots }, ctx) => {
    const firstByName = new Map<string, number>();
    const firstByTenant = new Map<string, number>();
    pilots.forEach((pilot, i) => {
      const earlier = firstByName.get(pilot.name);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['pilots', i, 'name'], message: `duplicate pilot name, already used by pilot #${earlier + 1}` });
      } else firstByName.set(pilot.name, i);
      const tenant = fiwareServiceOf(pilot);
      const tenantOwner = firstByTenant.get(tenant);
      if (tenantOwner !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['pilots', i, pilot.fiwareService ? 'fiwareService' : 'name'],
          message: `FIWARE tenant "${tenant}" is already used by pilot "${pilots[tenantOwner].name}"`,
        });
      } else firstByTenant.set(tenant, i);
    });
    const owners: { path: (string | number)[]; components: ComponentSpec[]; developers: string[] }[] = [
      { path: ['platform', 'components'], components: platform.components, developers: platform.developers },
      ...pilots.map((p, i) => ({ path: ['pilots', i, 'components'], components: p.components, developers: p.developers })),
    ];
    for (const owner of owners) {
      owner.components.forEach((c, ci) => {
        if (c.blobs && !c.artefacts.includes('blob')) {
          ctx.addIssue({ code: 'custom', path: [...owner.path, ci, 'blobs'], message: 'a blob build needs blob in artefacts (artefacts: [..., blob])' });
        }
      });
    }
    // No CD before CI is complete (maturity level 3).
    for (const owner of owners) {
      owner.components.forEach((c, ci) => {
        const missing = c.cd ? missingForDelivery(c, owner) : [];
        if (missing.length > 0) {
          ctx.addIssue({ code: 'custom', path: [...owner.path, ci, 'cd'], message: `CD needs maturity level 3 first; missing: ${missing.join('; ')}` });
        }
      });
    }
    checkApprovers(owners, ctx);
    const hostsWithKeys = new Set(platform.ci.gitHostKeys.flatMap(knownHostsHosts));
    for (const owner of owners) {
      owner.components.forEach((c, ci) => {
        const host = sshGitHost(c.repository);
        if (host !== undefined && !hostsWithKeys.has(host)) {
          ctx.addIssue({ code: 'custom', path: [...owner.path, ci, 'repository'], message: `no SSH host key for ${host} in ci.gitHostKeys (platform.yaml): Jenkins would refuse the checkout` });
        }
      });
    }
    // Build results go back to every component's Git host as commit statuses.
    const statusHosts = platform.ci.commitStatus.map((h) => h.host);
    for (const owner of owners) {
      owner.components.forEach((c, ci) => {
        const { host } = repositoryParts(c.repository);
        if (!statusHosts.includes(host)) {
          ctx.addIssue({
            code: 'custom',
            path: [...owner.path, ci, 'repository'],
            message: `Git host ${host} has no entry in the platform's ci.commitStatus (hosts listed: ${statusHosts.join(', ') || '(none)'})`,
          });
        }
      });
    }
    for (const owner of owners) {
      owner.components.forEach((c, ci) =>
        c.sharedWith.forEach((target, ti) => {
          if (!firstByName.has(target)) {
            ctx.addIssue({
              code: 'custom',
              path: [...owner.path, ci, 'sharedWith', ti],
              message: `unknown pilot; known pilots: ${[...firstByName.keys()].join(', ') || '(none)'}`,
            });
          }
        }),
      );
    }
  });

/**
 * One Jenkins account per approver, in one owner's folder: an id (compared as Jenkins compares them,
 * ignoring case) spelled two ways, or approving for two owners, would be one account with both
 * owners' rights. The issue names the other place (`params.also`, resolved to file and line).
 */
function checkApprovers(owners: readonly { path: (string | number)[]; components: ComponentSpec[] }[], ctx: z.RefinementCtx): void {
  const first = new Map<string, { id: string; owner: number; path: (string | number)[] }>();
  owners.forEach((owner, oi) =>
    owner.components.forEach((c, ci) =>
      (c.cd?.approvers ?? []).forEach((id, ai) => {
        const path = [...owner.path, ci, 'cd', 'approvers', ai];
        const seen = first.get(jenkinsUserKey(id));
        if (!seen) first.set(jenkinsUserKey(id), { id, owner: oi, path });
        else if (seen.owner !== oi || seen.id !== id) {
          const why = seen.owner !== oi ? 'approves for another owner too' : `is the same Jenkins user as "${seen.id}" (ids ignore case)`;
          ctx.addIssue({ code: 'custom', path, message: `approver "${id}" ${why}; one account per approver and owner`, params: { also: seen.path } });
        }
      }),
    ),
  );
}

/** The tenant of a pilot: explicit, or its name with `_` for `-` (FIWARE services allow no hyphen). */
export function fiwareServiceOf(pilot: Pick<PilotFile, 'name' | 'fiwareService'>): string {
  return pilot.fiwareService ?? pilot.name.replace(/-/g, '_');
}

export type ComponentSpec = z.infer<typeof ComponentSchema>;
export type PlatformSpec = z.infer<typeof PlatformFileSchema>;
export type OperationsSpec = z.infer<typeof OperationsSchema>;
export type GitOpsSpec = z.infer<typeof GitOpsSchema>;
export type PilotFile = z.infer<typeof PilotFileSchema>;
export type ArchitectureName = z.infer<typeof Architecture>;
export type ArtefactKindName = z.infer<typeof ArtefactKind>;
export type PilotEdgeSpec = z.infer<typeof PilotEdgeSchema>;
export type JobFailureType = (typeof JOB_FAILURE_TYPES)[number];
export type UpdatePolicy = (typeof UPDATE_POLICIES)[number];
export type DeviceGenerationSpec = z.infer<typeof DeviceGenerationSchema>;
export type RolloutSpec = z.infer<typeof RolloutSchema>;
export type PlatformEdgeSpec = z.infer<typeof PlatformEdgeSchema>;

/** A pilot after validation, with derived values resolved. */
export interface PilotSpec extends PilotFile {
  readonly fiwareService: string;
}
