/**
 * The IoT and Greengrass registry calls device retirement makes. Handlers take the interface, so
 * unit tests pass a fake; the real one uses the AWS SDK the Lambda runtime ships.
 */
export interface DeviceRegistry {
  /** Certificate ARNs attached to the thing; empty when the thing does not exist. */
  certificatesOf(thingName: string): Promise<string[]>;
  /** Detaches the certificate from the thing and its policies, deactivates it, then deletes it. */
  releaseCertificate(thingName: string, certificateArn: string): Promise<void>;
  /** Names of the thing groups the thing is in. */
  groupsOf(thingName: string): Promise<string[]>;
  removeFromGroup(thingName: string, group: string): Promise<void>;
  /** Deletes the Greengrass core device record (its deployment status and components list). */
  deleteCoreDevice(thingName: string): Promise<void>;
  deleteThing(thingName: string): Promise<void>;
}

type Sdk = Record<string, new (input?: object) => unknown>;
interface Client {
  send(command: unknown): Promise<Record<string, unknown>>;
}

const notFound = (e: unknown) => (e as { name?: string }).name === 'ResourceNotFoundException';

/** Runs `call`; a resource that is already gone counts as done (retirement is retried safely). */
async function idempotent<T>(call: () => Promise<T>, whenGone: T): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (notFound(e)) return whenGone;
    throw e;
  }
}

export function awsDeviceRegistry(): DeviceRegistry {
  const iotSdk = require('@aws-sdk/client-iot') as Sdk;
  const greengrassSdk = require('@aws-sdk/client-greengrassv2') as Sdk;
  const iot = new iotSdk.IoTClient() as Client;
  const greengrass = new greengrassSdk.GreengrassV2Client() as Client;
  const call = (name: string, input: object) => iot.send(new iotSdk[`${name}Command`](input));
  return {
    async certificatesOf(thingName) {
      const out = await idempotent(() => call('ListThingPrincipals', { thingName }), {});
      return ((out.principals as string[] | undefined) ?? []).filter((p) => p.includes(':cert/'));
    },
    async releaseCertificate(thingName, certificateArn) {
      const certificateId = certificateArn.split('/').pop() ?? '';
      await idempotent(() => call('DetachThingPrincipal', { thingName, principal: certificateArn }), {});
      const attached = await idempotent(() => call('ListAttachedPolicies', { target: certificateArn }), {});
      for (const policy of (attached.policies as { policyName: string }[] | undefined) ?? []) {
        await idempotent(() => call('DetachPolicy', { policyName: policy.policyName, target: certificateArn }), {});
      }
      await idempotent(() => call('UpdateCertificate', { certificateId, newStatus: 'INACTIVE' }), {});
      await idempotent(() => call('DeleteCertificate', { certificateId }), {});
    },
    async groupsOf(thingName) {
      const out = await idempotent(() => call('ListThingGroupsForThing', { thingName }), {});
      return ((out.thingGroups as { groupName: string }[] | undefined) ?? []).map((g) => g.groupName);
    },
    async removeFromGroup(thingName, thingGroupName) {
      await idempotent(() => call('RemoveThingFromThingGroup', { thingName, thingGroupName }), {});
    },
    async deleteCoreDevice(coreDeviceThingName) {
      await idempotent(() => greengrass.send(new greengrassSdk.DeleteCoreDeviceCommand({ coreDeviceThingName })), {});
    },
    async deleteThing(thingName) {
      await idempotent(() => call('DeleteThing', { thingName }), {});
    },
  };
}
