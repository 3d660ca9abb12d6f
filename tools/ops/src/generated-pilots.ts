/**
 * A copy of a platform config folder with generated pilots added until there are `total`: each has a
 * multi-architecture image + chart component with unit tests and a webhook (so it has Jenkins jobs,
 * a deploy key and a webhook repository) and a firmware blob component. For scale benchmarks and tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export function platformWithPilots(configDir: string, total: number): string {
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
        `  - { name: firmware, repository: "git@github.com:example/${name}-firmware.git", architectures: [arm64], artefacts: [blob], webhook: true }`,
        '',
      ].join('\n'),
    );
  }
  return dir;
}
