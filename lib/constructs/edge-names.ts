/**
 * Physical names of a pilot's edge resources. The shared provisioning hook, IAM conditions and
 * operators all derive them from pilot, generation and serial, so they are deterministic and
 * never need a cross-stack reference. No CDK imports: Lambda code bundles this file too.
 */
export const EdgeNames = {
  /** `acme-press-gw-v1` or, per channel, `acme-press-gw-v2-beta`. */
  thingGroup: (pilot: string, generation: string, channel?: string) => [pilot, generation, channel].filter(Boolean).join('-'),
  /** `acme-SN1234`: the pilot prefix lets IAM and IoT policies scope a pilot's things with `acme-*`. */
  thingName: (pilot: string, serial: string) => `${pilot}-${serial}`,
  /** Greengrass component names are account-wide: `acme.line-monitor`. */
  component: (pilot: string, component: string) => `${pilot}.${component}`,
  /** Local and cloud MQTT topics of a pilot's telemetry: `dt/acme/...`. */
  telemetryTopicPrefix: (pilot: string) => `dt/${pilot}/`,
};
