/**
 * The platform config schema: one source for validation, the TypeScript types (z.infer) and the
 * JSON Schema editors use (scripts/export-json-schema.ts). No CDK imports: config validates alone.
 */
import { z } from 'zod';
import { cidrContains, cidrsOverlap, parseCidr, splitBits } from './cidr';
import { AWS_REGIONS } from './regions';

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

export const PilotName = resourceName('a pilot name', 24).refine((n) => n !== 'platform', {
  error: '"platform" is reserved for the platform\'s own registries',
});
export const ComponentName = resourceName('a component name', 40);

const Cidr = z.string().refine((c) => parseCidr(c) !== undefined, {
  error: 'must be an IPv4 CIDR such as 10.40.0.0/16 with the host bits zero',
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
  .regex(/^(git@[\w.-]+:[\w./-]+|ssh:\/\/[\w.@:-]+\/[\w./-]+|https:\/\/[\w.-]+(:\d+)?\/[\w./-]+)$/, {
    error: 'must be a git URL: git@host:group/repo.git (preferred, read-only deploy key), ssh://... or https://...',
  });

export const ComponentSchema = strictObject({
  /** Component name; ECR repositories are `<owner>/<tier>/<name>`. */
  name: ComponentName,
  /** Where CI clones the component from. */
  repository: GitRepository,
  /** Branch whose pushes trigger builds. */
  branch: z.string().regex(/^[\w./-]+$/, { error: 'must be a git branch name' }).default('main'),
  /** Architectures the component is built for; each gets a build on the matching agent fleet. */
  architectures: uniqueList(Architecture, 'architecture'),
  /** Which registries the component publishes to. */
  artefacts: uniqueList(ArtefactKind, 'artefact kind').default(['image']),
  /** Other pilots whose developers may pull this component's prod artefacts. */
  sharedWith: z.array(PilotName).default([]),
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
  }, { error: 'the VPC CIDR prefix must be between /16 and /24' }),
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

// --- GitOps (Argo CD) ---------------------------------------------------------------------------
/** Where Argo CD finds the pilots' rendered manifests: one folder per pilot under `path`. */
const GitOpsSchema = strictObject({
  /** Git repository Argo CD syncs from (its read-only credentials are an Argo CD repository Secret). */
  repository: GitRepository,
  /** Branch, tag or commit Argo CD follows. */
  revision: z.string().regex(/^[\w./-]+$/, { error: 'must be a git branch, tag or commit' }).default('main'),
  /** Folder (relative, no `..`) holding `<pilot>/` folders of rendered manifests. */
  path: z
    .string()
    .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w.-]+(\/[\w.-]+)*$/, { error: 'must be a relative folder path inside the repository, such as deploy/pilots' })
    .default('deploy/pilots'),
});
// --- end GitOps ----------------------------------------------------------------------------------

export const PlatformFileSchema = strictObject({
  /** Platform name, used in tags. */
  name: resourceName('a platform name', 24),
  environment: EnvironmentSchema,
  network: NetworkSchema,
  registries: RegistrySettingsSchema.prefault({}),
  /** Argo CD's source for the pilots' workloads; without it no Argo CD objects are rendered. */
  gitops: GitOpsSchema.optional(),
  /** The platform's own components; their registries live under `platform/`. */
  components: ComponentList,
}).superRefine((platform, ctx) => {
  const { environment: env, network } = platform;
  env.availabilityZones.forEach((az, i) => {
    if (!az.startsWith(`${env.region}`) || az.length !== env.region.length + 1) {
      ctx.addIssue({ code: 'custom', path: ['environment', 'availabilityZones', i], message: `is not an availability zone of ${env.region}` });
    }
  });
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

const PrincipalArn = z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, {
  error: 'must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/acme-developers',
});

export const PilotFileSchema = strictObject({
  /** Pilot name: stacks are `Pilot-<name>-...`, registries `<name>/<tier>/<component>`. */
  name: PilotName,
  /** Human-readable site name. */
  displayName: z.string().min(1).max(100),
  /** The pilot's FIWARE tenant (`fiware-service` header); defaults to the name with `_` for `-`. */
  fiwareService: z
    .string()
    .regex(/^[a-z0-9_]{1,50}$/, { error: 'must be 1-50 lowercase letters, digits or underscores (FIWARE service rules)' })
    .optional(),
  /** IAM principals of the pilot's developers: read-only access to its registries. */
  developers: z.array(PrincipalArn).default([]),
  components: ComponentList,
}).superRefine((pilot, ctx) => {
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
    const owners: { path: (string | number)[]; components: ComponentSpec[] }[] = [
      { path: ['platform', 'components'], components: platform.components },
      ...pilots.map((p, i) => ({ path: ['pilots', i, 'components'], components: p.components })),
    ];
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

/** The tenant of a pilot: explicit, or its name with `_` for `-` (FIWARE services allow no hyphen). */
export function fiwareServiceOf(pilot: Pick<PilotFile, 'name' | 'fiwareService'>): string {
  return pilot.fiwareService ?? pilot.name.replace(/-/g, '_');
}

export type ComponentSpec = z.infer<typeof ComponentSchema>;
export type PlatformSpec = z.infer<typeof PlatformFileSchema>;
export type GitOpsSpec = z.infer<typeof GitOpsSchema>;
export type PilotFile = z.infer<typeof PilotFileSchema>;
export type ArchitectureName = z.infer<typeof Architecture>;
export type ArtefactKindName = z.infer<typeof ArtefactKind>;

/** A pilot after validation, with derived values resolved. */
export interface PilotSpec extends PilotFile {
  readonly fiwareService: string;
}
