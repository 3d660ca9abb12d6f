/** Lambda entry of the webhook relay: wires the relay to Secrets Manager and the internal Jenkins. */
import { request } from 'https';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRelay } from './webhook-relay';

const secrets = new SecretsManagerClient({});
let cachedSecret: Promise<string> | undefined;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** GET notifyCommit on the internal load balancer, TLS-verified against the Jenkins host name. */
function notifyJenkins(repositoryUrl: string): Promise<void> {
  const hostname = requiredEnv('JENKINS_HOSTNAME');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: requiredEnv('JENKINS_LOAD_BALANCER'),
        servername: hostname,
        headers: { host: hostname },
        path: `/git/notifyCommit?url=${encodeURIComponent(repositoryUrl)}`,
        method: 'GET',
        timeout: 5000,
      },
      (res) => {
        res.resume();
        res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`Jenkins answered ${res.statusCode}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('Jenkins did not answer in 5 s')));
    req.on('error', reject);
    req.end();
  });
}

export const handler = createRelay({
  repositories: JSON.parse(requiredEnv('REPOSITORIES')) as string[],
  notifyJenkins,
  secret: () =>
    (cachedSecret ??= secrets
      .send(new GetSecretValueCommand({ SecretId: requiredEnv('WEBHOOK_SECRET_ARN') }))
      .then((r) => r.SecretString ?? '')),
});
