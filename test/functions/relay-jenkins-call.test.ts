/**
 * The relay's call to Jenkins over real TLS: a local HTTPS server stands in for the load balancer's
 * relay listener. The call runs in a child process that trusts the test CA (NODE_EXTRA_CA_CERTS is
 * read at start-up only), so certificate and host name verification are the runtime's own.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { bundleFile } from './bundle-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-tls-'));
/** A self-signed certificate for `name` (key and cert in `dir`). */
function certificate(name: string): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
  return { key, cert };
}

async function jenkins(cert: { key: string; cert: string }, status = 200) {
  const requests: { method?: string; url?: string; host?: string }[] = [];
  const server = https.createServer({ key: fs.readFileSync(cert.key), cert: fs.readFileSync(cert.cert) }, (req, res) => {
    requests.push({ method: req.method, url: req.url, host: req.headers.host });
    res.writeHead(status, { connection: 'close' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { requests, port: (server.address() as AddressInfo).port, close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }) };
}

/** Runs the handler module's notifyJenkins in a fresh Node trusting `trust`; resolves the error message or 'ok'. */
function notify(port: number, trust: string): Promise<string> {
  const script = `
    const { awsRelayDependencies } = require(${JSON.stringify(path.join(__dirname, '../../lib/functions/webhook-relay-handler.ts'))});
    awsRelayDependencies({ REPOSITORIES_FILE: ${JSON.stringify(bundleFile('repositories.json', []))}, DELIVERY_TABLE: 't', REPLAY_WINDOW_SECONDS: '60', WEBHOOK_SECRET_ARN: 's',
      JENKINS_HOSTNAME: 'ci.example.com', JENKINS_LOAD_BALANCER: '127.0.0.1', JENKINS_PORT: '${port}' })
      .notifyJenkins('git@github.com:acme-industries/line-monitor.git')
      .then(() => console.log('ok'), (e) => console.log(e.message));`;
  // Asynchronous: the stand-in Jenkins runs in this process and must keep answering meanwhile.
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '-e', script],
      { encoding: 'utf8', timeout: 30_000, cwd: path.join(__dirname, '../..'), env: { ...process.env, NODE_EXTRA_CA_CERTS: trust, AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' } },
      (_error, stdout, stderr) => resolve((stdout || stderr).trim().split('\n').pop()!),
    ),
  );
}

describe('relay -> Jenkins over TLS', () => {
  const good = certificate('ci.example.com');
  const other = certificate('other.example.com');

  test('GET /git/notifyCommit with the repository URL, Host = the Jenkins name, on the relay port', async () => {
    const server = await jenkins(good);
    expect(await notify(server.port, good.cert)).toBe('ok');
    expect(server.requests).toEqual([{ method: 'GET', url: '/git/notifyCommit?url=git%40github.com%3Aacme-industries%2Fline-monitor.git', host: 'ci.example.com' }]);
    await server.close();
  });

  test('an untrusted certificate, or one for another name, gets no request', async () => {
    const untrusted = await jenkins(good);
    expect(await notify(untrusted.port, other.cert)).toMatch(/self.signed|unable to verify/i);
    await untrusted.close();
    const wrongName = await jenkins(other);
    expect(await notify(wrongName.port, other.cert)).toMatch(/altnames|does not match/i);
    expect(wrongName.requests).toEqual([]);
    await wrongName.close();
  });

  test('Jenkins answering an error is a failure the relay sees', async () => {
    const server = await jenkins(good, 403);
    expect(await notify(server.port, good.cert)).toBe('Jenkins answered 403');
    await server.close();
  });
});
