import { bundledJson } from './bundled-file';
import { ownEntry } from './http';

/**
 * Per pilot: the IoT policy its devices get, and per device generation the thing group a newly
 * provisioned device joins and the factory tests (with their current spec versions) it must have
 * passed. Synth writes it from the validated config into a file in each function's bundle: it grows
 * with the pilots, and Lambda caps the whole environment at 4 KB.
 */
export interface FleetGeneration {
  /** Gateways (Greengrass cores) or sensors (client devices): decides thing name and policy. */
  readonly kind: 'gateway' | 'sensor';
  /** Thing group a new device of this generation joins (its first channel's, or the generation's). */
  readonly group: string;
  /** Factory test id to the spec version its latest run must have been made against. */
  readonly requiredTests: Readonly<Record<string, string>>;
}

export interface Fleet {
  /** Name of the pilot's fleet provisioning template: the only template through which its devices provision. */
  readonly provisioningTemplate: string;
  /** Name of the IoT policy the pilot's gateway certificates carry (static ARNs of that pilot only). */
  readonly devicePolicy: string;
  /** Name of the IoT policy the pilot's sensor certificates carry. */
  readonly sensorPolicy: string;
  readonly generations: Readonly<Record<string, FleetGeneration>>;
}

export type FleetDirectory = Readonly<Record<string, Fleet>>;

/** The variable naming the directory's file in the bundle. */
export const FLEETS_FILE_ENV = 'FLEETS_FILE';
const FLEETS_FILE = 'fleets.json';

/**
 * What a function that reads the directory gets (PlatformFunction `environment`, with the
 * function's other variables, and `files`). The directory holds plain names only (policies and
 * groups are named from platform and pilot), so it is written at synth.
 */
export function fleetDirectoryBundle(
  fleets: FleetDirectory,
  environment: Readonly<Record<string, string>> = {},
): { environment: Record<string, string>; files: Record<string, string> } {
  return { environment: { ...environment, [FLEETS_FILE_ENV]: FLEETS_FILE }, files: { [FLEETS_FILE]: JSON.stringify(fleets) } };
}

/** The directory from the bundle file the environment names; an absent or broken file is a deployment bug, so it throws. */
export function fleetDirectoryFromEnv(env: NodeJS.ProcessEnv): FleetDirectory {
  return bundledJson<FleetDirectory>(FLEETS_FILE_ENV, env[FLEETS_FILE_ENV]);
}

/** The pilot's fleet, or undefined when the pilot has none. */
export function fleetOf(fleets: FleetDirectory, pilot: string): Fleet | undefined {
  return ownEntry(fleets, pilot);
}

/** The generation of a pilot's fleet, or why the pair is not a fleet. */
export function fleetGeneration(fleets: FleetDirectory, pilot: string, generation: string): { generation: FleetGeneration } | { problem: string } {
  const fleet = fleetOf(fleets, pilot);
  if (!fleet) return { problem: `unknown pilot "${pilot}"; pilots with edge fleets: ${Object.keys(fleets).join(', ') || '(none)'}` };
  const found = ownEntry(fleet.generations, generation);
  if (!found) return { problem: `pilot ${pilot} has no device generation "${generation}"; it has ${Object.keys(fleet.generations).join(', ')}` };
  return { generation: found };
}
