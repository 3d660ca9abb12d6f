/**
 * Physical names of a pilot's edge resources. The shared provisioning hook, IAM conditions and
 * operators all derive them from pilot, generation and serial, so they are deterministic and
 * never need a cross-stack reference. No CDK imports: Lambda code bundles this file too.
 */
// `_` separates the parts: pilot and generation names cannot contain it, so `acme_*` never
// matches the things of a pilot named `acme-north`, and a channel never reads as a generation.
export const EdgeNames = {
  /**
   * `acme_press-gw-v1` or, per channel, `acme_press-gw-v2_beta`; with optional updates the devices
   * sit in `...:held` or `...:opted-in` under it (`:` never occurs in pilot, generation or channel names).
   */
  thingGroup: (pilot: string, generation: string, channel?: string, audience?: Audience) =>
    [pilot, generation, channel].filter(Boolean).join('_') + (audience ? `:${audience}` : ''),
  /** `acme_SN1234`: the pilot prefix lets IAM and IoT policies scope a pilot's things with `acme_*`. */
  thingName: (pilot: string, serial: string) => `${pilot}_${serial}`,
  /** Local client devices (sensors) of a pilot are things named `acme_sensor-...`. */
  sensorPrefix: (pilot: string) => `${pilot}_sensor-`,
  /** `acme_sensor-TH-0042`: a sensor's thing. */
  sensorThingName: (pilot: string, serial: string) => `${pilot}_sensor-${serial}`,
  /** Greengrass component names are account-wide: `acme.line-monitor`. */
  component: (pilot: string, component: string) => `${pilot}.${component}`,
  /** Local and cloud MQTT topics of a pilot's telemetry: `dt/acme/...`. */
  telemetryTopicPrefix: (pilot: string) => `dt/${pilot}/`,
  /**
   * `demo_acme_token-exchange`: the role alias of a pilot's core devices, which operators hand to
   * the Greengrass installer and the pilot's deployments set (nucleus `iotRoleAlias`). Role
   * aliases are account- and region-wide: at most 24 + 24 + 16 of the 128 characters IoT allows.
   */
  roleAlias: (platform: string, pilot: string) => `${platform}_${pilot}_token-exchange`,
  /**
   * `demo_acme_device-policy`: the IoT policy of a pilot's gateway certificates. IoT policy names
   * are account- and region-wide, so the platform name is part of it; at most 24 + 24 + 16 of the
   * 128 characters IoT allows (`[\w+=,.@-]+`).
   */
  devicePolicy: (platform: string, pilot: string) => `${platform}_${pilot}_device-policy`,
  /** `demo_acme_sensor-policy`: the IoT policy of a pilot's sensor certificates. */
  sensorPolicy: (platform: string, pilot: string) => `${platform}_${pilot}_sensor-policy`,
  /**
   * `demo_acme`: the pilot's fleet provisioning template, which its devices' Greengrass fleet
   * provisioning plugin names (`provisioningTemplate`). IoT allows 1-36 of `[0-9A-Za-z_-]`
   * (CreateProvisioningTemplate); platform and pilot are up to 24 each, so the config refuses a
   * pair longer than that (lib/config/derived-names.ts). `demo_*` covers this platform's templates
   * only: platform names hold no `_`.
   */
  provisioningTemplate: (platform: string, pilot: string) => `${platform}_${pilot}`,
  /**
   * `demo_edge-provisioning-hook`: the shared pre-provisioning hook function, which every pilot's
   * template names by ARN (at most 24 + 23 of the 64 characters Lambda allows).
   */
  provisioningHook: (platform: string) => `${platform}_edge-provisioning-hook`,
  /** `/iiot/demo/edge-pilot/`: the IAM path of the pilots' edge roles, which the shared functions may assume. */
  pilotRolePath: (platform: string) => `/iiot/${platform}/edge-pilot/`,
  /**
   * `demo_acme_retirement`: the role one shared edge function assumes to act on one pilot's things.
   * At most 24 + 24 + 11 + 2 = 61 of the 64 characters IAM allows in a role name.
   */
  pilotRole: (platform: string, pilot: string, purpose: PilotRolePurpose) => `${platform}_${pilot}_${purpose}`,
  /** `demo_edge-retirement`: the role of the shared function, the only one a pilot's role of that purpose trusts. */
  sharedRole: (platform: string, purpose: PilotRolePurpose) => `${platform}_edge-${purpose}`,
};

/** Which shared edge function a pilot's role serves. */
export type PilotRolePurpose = 'retirement' | 'association';

/** With optional updates: devices whose owner accepted non-critical updates, and the others. */
export type Audience = 'opted-in' | 'held';
