/**
 * The IoT, IoT data and Greengrass calls device retirement makes, one call (or one paged listing)
 * each, so the handler decides the order. Handlers take the interface; the real one uses the AWS
 * SDK the Lambda runtime ships (`clientConfig` lets tests point it at a local endpoint).
 */
import { Client, pages, Sdk } from './sdk-pages';

export interface DeviceRegistry {
  /** Certificate ARNs attached to the thing; empty when the thing does not exist. */
  principalsOf(thingName: string): Promise<string[]>;
  /** Starts detaching the certificate from the thing (asynchronous at AWS IoT). */
  detachPrincipal(thingName: string, certificateArn: string): Promise<void>;
  /** Detaches the certificate's policies, deactivates and deletes it; a certificate already gone counts as done. */
  releaseCertificate(certificateId: string): Promise<void>;
  /** Deletes the thing's classic and named shadows. */
  deleteShadows(thingName: string): Promise<string[]>;
  /** Removes the thing's queued and in-progress job executions; returns their job ids. */
  removePendingJobs(thingName: string): Promise<string[]>;
  /** Names of the thing groups the thing is in. */
  groupsOf(thingName: string): Promise<string[]>;
  removeFromGroup(thingName: string, group: string): Promise<void>;
  /** Deletes the Greengrass core device record (its deployment status and components list). */
  deleteCoreDevice(thingName: string): Promise<void>;
  deleteThing(thingName: string): Promise<void>;
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

/** The real registry; `greengrassConfig` may point Greengrass elsewhere (tests: moto has no Greengrass v2). */
export function awsDeviceRegistry(clientConfig: object = {}, greengrassConfig: object = clientConfig): DeviceRegistry {
  const iotSdk = require('@aws-sdk/client-iot') as Sdk;
  const dataSdk = require('@aws-sdk/client-iot-data-plane') as Sdk;
  const greengrassSdk = require('@aws-sdk/client-greengrassv2') as Sdk;
  const iot = new iotSdk.IoTClient(clientConfig) as Client;
  const data = new dataSdk.IoTDataPlaneClient(clientConfig) as Client;
  const greengrass = new greengrassSdk.GreengrassV2Client(greengrassConfig) as Client;
  const call = (name: string, input: object) => iot.send(new iotSdk[`${name}Command`](input));
  return {
    async principalsOf(thingName) {
      const principals = await idempotent(() => pages((nextToken) => call('ListThingPrincipals', { thingName, nextToken }), (p) => (p.principals as string[] | undefined) ?? []), []);
      return principals.filter((p) => p.includes(':cert/'));
    },
    async detachPrincipal(thingName, principal) {
      await idempotent(() => call('DetachThingPrincipal', { thingName, principal }), {});
    },
    async releaseCertificate(certificateId) {
      const described = await idempotent(() => call('DescribeCertificate', { certificateId }), undefined);
      const target = (described?.certificateDescription as { certificateArn?: string } | undefined)?.certificateArn;
      if (!target) return;
      const policies = await pages((marker) => call('ListAttachedPolicies', { target, marker }), (p) => (p.policies as { policyName: string }[] | undefined) ?? []);
      for (const policy of policies) await idempotent(() => call('DetachPolicy', { policyName: policy.policyName, target }), {});
      await idempotent(() => call('UpdateCertificate', { certificateId, newStatus: 'INACTIVE' }), {});
      await idempotent(() => call('DeleteCertificate', { certificateId }), {});
    },
    async deleteShadows(thingName) {
      const named = await idempotent(
        () => pages((nextToken) => data.send(new dataSdk.ListNamedShadowsForThingCommand({ thingName, nextToken })), (p) => (p.results as string[] | undefined) ?? []),
        [],
      );
      for (const shadowName of named) await idempotent(() => data.send(new dataSdk.DeleteThingShadowCommand({ thingName, shadowName })), {});
      await idempotent(() => data.send(new dataSdk.DeleteThingShadowCommand({ thingName })), {});
      return ['(classic)', ...named];
    },
    async removePendingJobs(thingName) {
      const removed: string[] = [];
      for (const status of ['QUEUED', 'IN_PROGRESS']) {
        const executions = await idempotent(
          () => pages((nextToken) => call('ListJobExecutionsForThing', { thingName, status, nextToken }), (p) => (p.executionSummaries as { jobId: string; jobExecutionSummary?: { executionNumber?: number } }[] | undefined) ?? []),
          [],
        );
        for (const e of executions) {
          const executionNumber = e.jobExecutionSummary?.executionNumber;
          // force: an IN_PROGRESS execution can only be deleted forcibly; the device is gone anyway.
          await idempotent(() => call('DeleteJobExecution', { jobId: e.jobId, thingName, executionNumber, force: true }), {});
          removed.push(e.jobId);
        }
      }
      return removed;
    },
    async groupsOf(thingName) {
      return idempotent(() => pages((nextToken) => call('ListThingGroupsForThing', { thingName, nextToken }), (p) => ((p.thingGroups as { groupName: string }[] | undefined) ?? []).map((g) => g.groupName)), []);
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
