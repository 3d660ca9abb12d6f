import { ownEntry } from './http';

/**
 * Which device generations each pilot has, and the thing group a newly provisioned device of that
 * generation joins. Synth writes it into the functions' environment from the validated config.
 */
export type FleetDirectory = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const FLEETS_ENV = 'FLEETS';

/** The directory from the environment; an absent or broken value is a deployment bug, so it throws. */
export function fleetDirectoryFromEnv(env: NodeJS.ProcessEnv): FleetDirectory {
  const text = env[FLEETS_ENV];
  if (!text) throw new Error(`${FLEETS_ENV} is not set`);
  return JSON.parse(text) as FleetDirectory;
}

/** The thing group a new device of `pilot`/`generation` joins, or undefined when that is not a fleet. */
export function thingGroupOf(fleets: FleetDirectory, pilot: string, generation: string): string | undefined {
  const generations = ownEntry(fleets, pilot);
  return generations && ownEntry(generations, generation);
}

/** Why a pilot/generation pair is not a fleet, or undefined when it is. */
export function unknownFleet(fleets: FleetDirectory, pilot: string, generation: string): string | undefined {
  const generations = ownEntry(fleets, pilot);
  if (!generations) return `unknown pilot "${pilot}"; pilots with edge fleets: ${Object.keys(fleets).join(', ') || '(none)'}`;
  if (!thingGroupOf(fleets, pilot, generation)) return `pilot ${pilot} has no device generation "${generation}"; it has ${Object.keys(generations).join(', ')}`;
  return undefined;
}
