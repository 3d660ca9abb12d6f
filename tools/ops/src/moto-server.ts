/** A throw-away `moto_server` on 127.0.0.1: a local imitation of the AWS APIs for deploy rehearsals. */
import { ChildProcess, spawn } from 'child_process';
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

/** Starts moto on a free port with `account` as the account every call runs in, and waits until it answers. */
export async function startMotoServer(account: string, timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: account },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const endpoint = `http://localhost:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log}`);
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop(child);
        throw new Error(`moto_server did not answer on port ${port} within ${timeoutMs} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { endpoint, stop: () => stop(child) };
}

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
