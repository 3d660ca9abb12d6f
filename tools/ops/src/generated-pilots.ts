/**
 * A copy of a platform config folder with generated pilots added until there are `total`: each has a
 * multi-architecture image + chart component with unit tests and a webhook (so it has Jenkins jobs,
 * a deploy key and a webhook repository) and a firmware blob component. Optionally the image + chart
 * component is delivered by CD (a deployer, a staging namespace), and the pilot has an edge fleet
 * (gateways running that component, sensors, firmware). For scale benchmarks and tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface GeneratedPilotOptions {
  /**
   * The image + chart component deploys to staging by CD.
   * @default false
   */
  readonly delivery?: boolean;
  /**
   * The pilot has an edge fleet: a gateway and a sensor generation.
   * @default false
   */
  readonly edge?: boolean;
}

export function platformWithPilots(configDir: string, total: number, options: GeneratedPilotOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iiot-pilots-${total}-`));
  fs.cpSync(configDir, dir, { recursive: true });
  const existing = fs.readdirSync(path.join(dir, 'pilots')).length;
  for (let i = existing + 1; i <= total; i++) {
    const name = `pilot-${String(i).padStart(3, '0')}`;
    fs.writeFileSync(
      path.join(dir, 'pilots', `${name}.yaml`),
      [
        `name: ${name}`,
        `displayName: Generated pilot ${i}`,
        'developers: [arn:aws:iam::111111111111:role/generated-developers]',
        'components:',
        `  - name: gateway`,
        `    repository: git@github.com:example/${name}-gateway.git`,
        '    architectures: [amd64, arm64]',
        '    artefacts: [image, chart]',
        '    tests: { image: "node:22.11.0-bookworm-slim", command: "npm ci && npm test", junitReport: reports/junit.xml }',
        '    webhook: true',
        ...(options.delivery ? ['    cd: { chart: deploy/chart }'] : []),
        `  - { name: firmware, repository: "git@github.com:example/${name}-firmware.git", architectures: [arm64], artefacts: [blob], webhook: true }`,
        ...(options.edge ? EDGE : []),
        '',
      ].join('\n'),
    );
  }
  return dir;
}

const ROLLOUT = '{ baseRatePerMinute: 5, incrementFactor: 1.5, rateIncrease: { succeededThings: 10 }, maximumPerMinute: 50, inProgressTimeoutMinutes: 60, abort: [{ failureType: FAILED, thresholdPercentage: 5, minExecutedThings: 10 }] }';
const EDGE = [
  'edge:',
  '  generations:',
  `    - { name: gw-v1, architecture: arm64, factoryTests: [{ testId: supply-voltage, specVersion: "1.0" }], updatePolicy: mandatory, rollout: ${ROLLOUT} }`,
  `    - { name: sensor-v1, kind: sensor, architecture: arm64, factoryTests: [{ testId: calibration, specVersion: "1.0" }], updatePolicy: mandatory, rollout: ${ROLLOUT} }`,
  '  components:',
  '    - { component: gateway, version: 1.0.0, generations: [gw-v1] }',
];
