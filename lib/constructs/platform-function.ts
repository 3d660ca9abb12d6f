import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, FileSystem, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';

const FUNCTIONS_DIR = path.join(__dirname, '..', 'functions');

export interface PlatformFunctionProps {
  /** Module under lib/functions, without extension, e.g. `test-record-api`. */
  readonly module: string;
  /**
   * Exported handler of the module.
   * @default 'handler'
   */
  readonly handler?: string;
  /** What the function does (also its role's description). */
  readonly description: string;
  /** Key of the function's log group; it must allow CloudWatch Logs (PlatformKey.allowCloudWatchLogs). */
  readonly logKey: kms.IKey;
  /**
   * Environment variables.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files put beside the handler in the bundle (name to content): data that grows with the
   * platform, which Lambda's 4 KB environment cannot hold. The handler finds them in its task root.
   * @default - the bundle only
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * Time one invocation may take.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Concurrent executions reserved (and capped): bounds what a flood of requests can cost.
   * @default 5
   */
  readonly reservedConcurrency?: number;
  /**
   * Memory of one invocation.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Network placement, for functions that call something inside the VPC.
   * @default - outside any VPC: the function calls only AWS regional APIs
   */
  readonly network?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroups: readonly ec2.ISecurityGroup[];
  };
}

/**
 * A Node.js Lambda as the platform runs them: bundled in-process by the installed esbuild (no
 * Docker, no subprocess, nothing on stderr), AWS SDK v3 left to the runtime, ARM, a retained
 * KMS-encrypted log group, a role of its own, capped concurrency.
 */
export class PlatformFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An own role instead of the AWS-managed basic execution policy: it writes to its log group only.
    const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    logGroup.grantWrite(role);
    super(scope, id, {
      code: lambda.Code.fromAsset(withFiles(bundled(props.module), props.files)),
      handler: `index.${props.handler ?? 'handler'}`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      environment: { ...props.environment },
      logGroup,
      role,
      vpc: props.network?.vpc,
      vpcSubnets: props.network?.subnets,
      securityGroups: props.network ? [...props.network.securityGroups] : undefined,
    });
    Validations.of(this).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: props.network
        ? "The function runs in its plane's subnets; the rule cannot see through the cross-stack subnet references."
        : 'Calls only AWS regional APIs with IAM; it reaches nothing inside the VPC, and pilots deploy without the network stack.',
    });
    if (props.network) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'AWS-maintained minimum for the network interfaces of a function in a VPC.',
      });
    }
  }
}

/** A copy of the bundle with the files added (the asset hash is the content's: deterministic). */
function withFiles(bundle: string, files: Readonly<Record<string, string>> | undefined): string {
  if (!files || Object.keys(files).length === 0) return bundle;
  const dir = FileSystem.mkdtemp('iiot-fn-files');
  fs.cpSync(bundle, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    if (path.basename(name) !== name || fs.existsSync(path.join(dir, name))) throw new Error(`bundle file ${name}: a plain file name not already in the bundle`);
    // A file is written at synth: a deploy-time value in it would stay an unresolved token.
    if (Token.isUnresolved(content)) throw new Error(`bundle file ${name}: holds a deploy-time value (a token); only values known at synth can be bundled`);
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Bundles are made once per module and process; the asset hash is the content's, so synth stays deterministic. */
const bundles = new Map<string, string>();

/**
 * Bundles are also kept between synths (node_modules/.cache), with the hash of every file esbuild
 * read: a bundle is reused only while all of them are unchanged, so it is what a fresh build gives.
 * Saves the in-process esbuild run of every function on every synth (about 0.6 s of a demo synth).
 */
const CACHE_DIR = path.join(FUNCTIONS_DIR, '..', '..', 'node_modules', '.cache', 'iiot-functions');

function bundled(module: string): string {
  const known = bundles.get(module);
  if (known) return known;
  const cacheDir = path.join(CACHE_DIR, `${sha256(FUNCTIONS_DIR).slice(0, 8)}-${module}`);
  const outdir = reusable(cacheDir) ?? build(module, cacheDir);
  bundles.set(module, outdir);
  return outdir;
}

/** The cached bundle's folder, when every input it was built from is unchanged. */
function reusable(cacheDir: string): string | undefined {
  try {
    const inputs: Record<string, string> = JSON.parse(fs.readFileSync(path.join(cacheDir, 'inputs.json'), 'utf8'));
    const fresh = Object.entries(inputs).every(([file, hash]) => sha256(fs.readFileSync(file)) === hash);
    return fresh ? path.join(cacheDir, 'bundle') : undefined;
  } catch {
    return undefined;
  }
}

function build(module: string, cacheDir: string): string {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), `iiot-fn-${module}-`));
  const result = buildSync({
    entryPoints: [path.join(FUNCTIONS_DIR, `${module}.ts`)],
    outfile: path.join(staging, 'bundle', 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    // The runtime ships AWS SDK v3; bundling it would pin a second copy.
    external: ['@aws-sdk/*', '@smithy/*'],
    // node_modules may be a link to another checkout; resolve within this one.
    preserveSymlinks: true,
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: FUNCTIONS_DIR,
  });
  const inputs = Object.fromEntries(
    Object.keys(result.metafile!.inputs).map((f) => {
      const file = path.resolve(FUNCTIONS_DIR, f);
      return [file, sha256(fs.readFileSync(file))];
    }),
  );
  fs.writeFileSync(path.join(staging, 'inputs.json'), JSON.stringify(inputs));
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.renameSync(staging, cacheDir);
    return path.join(cacheDir, 'bundle');
  } catch {
    // Another process put its (identical) bundle in place first, or the cache is not writable.
    return path.join(staging, 'bundle');
  }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
