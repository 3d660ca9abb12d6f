/** A throw-away `moto_server` on 127.0.0.1: a local imitation of the AWS APIs for deploy rehearsals. */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';

export interface MotoServer {
  /**
   * The endpoint for AWS clients. It names `localhost`, not 127.0.0.1: moto's CloudFormation only
   * reads a TemplateURL from its own S3 when the URL contains "localhost" (CDK's URL is built
   * from the endpoint), otherwise it takes "127" for the bucket name.
   */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface MotoStartOptions {
  /** How long to wait for moto to answer. @default 30 s */
  readonly timeoutMs?: number;
  /**
   * Keep moto running until this process exits instead of until `stop()`: a watchdog shell ends it
   * (and removes its log) within seconds of that, so nothing outlives a killed caller. The child is
   * unreferenced, so it does not hold the caller's event loop open. @default - stopped by `stop()` only
   */
  readonly boundToProcess?: number;
}

/** Starts moto on a free port with `account` as the account every call runs in, and waits until it answers. */
export async function startMotoServer(account: string, options: MotoStartOptions = {}): Promise<MotoServer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const port = await freePort();
  // moto logs every request to stderr. A file, not a pipe: a caller blocked in spawnSync (the
  // rehearsal's CDK CLI runs) would not drain a pipe, and moto would hang once its buffer filled.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moto-'));
  const logFile = path.join(logDir, 'stderr.log');
  const logFd = fs.openSync(logFile, 'w');
  const [command, args] = options.boundToProcess === undefined
    ? ['moto_server', ['-H', '127.0.0.1', '-p', String(port)]]
    : ['sh', ['-c', WATCHDOG, 'moto-watchdog', String(port), String(options.boundToProcess), logDir]];
  const child = spawn(command, args, {
    env: { ...process.env, MOTO_ACCOUNT_ID: account },
    stdio: ['ignore', 'ignore', logFd],
  });
  fs.closeSync(logFd);
  if (options.boundToProcess !== undefined) child.unref();
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-4000) : '');
  const endpoint = `http://localhost:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop(child);
        fs.rmSync(logDir, { recursive: true, force: true });
        throw new Error(`moto_server did not answer on port ${port} within ${timeoutMs} ms:\n${log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { endpoint, stop: () => stop(child).then(() => fs.rmSync(logDir, { recursive: true, force: true })) };
}

/** moto on port $1 while process $2 lives, then its log folder $3 removed; a TERM (stop()) ends moto too. */
const WATCHDOG = 'moto_server -H 127.0.0.1 -p "$1" & m=$!; trap \'kill $m 2>/dev/null; exit 0\' TERM; while kill -0 "$2" 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 1; done; kill $m 2>/dev/null; wait $m; rm -rf "$3"';

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The resource types moto's CloudFormation has a model of (others it accepts but does not create),
 * asked of the moto installation itself; undefined when its Python cannot be asked.
 */
export function motoServedTypes(): ReadonlySet<string> | undefined {
  const r = spawnSync('python3', ['-c', 'import json; from moto.cloudformation.parsing import get_model_map; print(json.dumps(sorted(get_model_map())))'], { encoding: 'utf8' });
  return r.status === 0 ? new Set(JSON.parse(r.stdout) as string[]) : undefined;
}
