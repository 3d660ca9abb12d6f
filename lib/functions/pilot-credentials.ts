/**
 * Credentials of a pilot's edge role (lib/constructs/pilot-edge-role.ts) for a shared edge function:
 * one AssumeRole per pilot, reused until shortly before it expires, so a run over every pilot
 * assumes each role once.
 */
import { EdgeNames, PilotRolePurpose } from '../constructs/edge-names';
import { Client, Sdk } from './sdk-pages';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Renews this long before the credentials expire (an invocation never outlives it). */
const MARGIN_MS = 5 * 60_000;

/**
 * `(pilot) => credential provider` for the role `<rolesArnPrefix><platform>_<pilot>_<purpose>`;
 * the session is named for the purpose and pilot (CloudTrail shows whose devices were acted on).
 */
export function pilotCredentials(
  rolesArnPrefix: string,
  platformName: string,
  purpose: PilotRolePurpose,
  stsConfig: object = {},
): (pilot: string) => () => Promise<Credentials> {
  const stsSdk = require('@aws-sdk/client-sts') as Sdk;
  const sts = new stsSdk.STSClient(stsConfig) as Client;
  const cache = new Map<string, Promise<Credentials>>();
  const assume = async (pilot: string): Promise<Credentials> => {
    const out = await sts.send(
      new stsSdk.AssumeRoleCommand({ RoleArn: `${rolesArnPrefix}${EdgeNames.pilotRole(platformName, pilot, purpose)}`, RoleSessionName: `${purpose}-${pilot}` }),
    );
    const c = out.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date };
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
  };
  return (pilot) => async () => {
    const cached = await cache.get(pilot)?.catch(() => undefined);
    if (cached && cached.expiration.getTime() - Date.now() > MARGIN_MS) return cached;
    const fresh = assume(pilot);
    cache.set(pilot, fresh);
    return fresh;
  };
}
