import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promotionScript } from '../../lib/lifecycle/promotion-script';

/**
 * Runs the generated script with fake `aws` and `docker` commands that answer from a scenario and
 * log every call, so the tests see exactly what the script would do to the registries.
 */
function run(artefacts: ('image' | 'chart' | 'blob')[], scenario: Record<string, string>, version = '1.4.0') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-'));
  const log = path.join(dir, 'calls.log');
  const fake = (name: string, body: string) => {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
  };
  // describe-images: prod answers from PROD_HAS (space-separated kinds), dev returns a digest per repo.
  fake(
    'aws',
    `case "$*" in
  *"ecr describe-images"*"/prod/charts/"*) case " $PROD_HAS " in *" chart "*) echo sha256:chart; exit 0;; *) [ -f "${dir}/copied-chart" ] && { echo "\${COPIED_DIGEST:-sha256:chart}"; exit 0; }; exit 254;; esac;;
  *"ecr describe-images"*"/prod/"*) case " $PROD_HAS " in *" image "*) echo sha256:image; exit 0;; *) [ -f "${dir}/copied-image" ] && { echo "\${COPIED_DIGEST:-sha256:image}"; exit 0; }; exit 254;; esac;;
  *"ecr describe-images"*"/dev/charts/"*) echo sha256:chart;;
  *"ecr describe-images"*"/dev/"*) echo sha256:image;;
  *"list-objects-v2"*"-blobs-prod-"*) [ -n "$PROD_LIST_FAILS" ] && { echo AccessDenied >&2; exit 254; }; case " $PROD_HAS " in *" blob "*) echo "gauge/1.4.0/fw.bin";; *) echo None;; esac;;
  *"list-objects-v2"*"-blobs-dev-"*) echo "gauge/1.4.0/fw.bin";;
  *"head-object"*) echo 3sL4kqtJlcpXroDTDmJ;;
esac`,
  );
  fake('docker', `case "$*" in *"/prod/charts/"*) touch "${dir}/copied-chart";; *"/prod/"*) touch "${dir}/copied-image";; esac`);
  const script = path.join(dir, 'promote.sh');
  fs.writeFileSync(
    script,
    promotionScript({ owner: 'acme', component: 'gauge', artefacts, registry: '111111111111.dkr.ecr.eu-central-1.amazonaws.com', account: '111111111111', region: 'eu-central-1' }),
  );
  const result = spawnSync('sh', [script, version], { cwd: dir, encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir, ...scenario } });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: result.status, stderr: result.stderr, calls, copies: calls.filter((c) => c.startsWith('docker') || c.includes('put-object')) };
}

describe('promotion', () => {
  test('copies image and chart by digest when prod has neither', () => {
    const result = run(['image', 'chart'], { PROD_HAS: '' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.copies).toEqual([
      expect.stringMatching(/crane:v[\d.]+ copy 111111111111\.dkr\.ecr\.eu-central-1\.amazonaws\.com\/acme\/dev\/gauge@sha256:image \S+\/acme\/prod\/gauge:1\.4\.0$/),
      expect.stringMatching(/copy \S+\/acme\/dev\/charts\/gauge@sha256:chart \S+\/acme\/prod\/charts\/gauge:1\.4\.0$/),
    ]);
  });

  test('refuses a version whose image already exists in prod, and copies nothing', () => {
    const result = run(['image', 'chart'], { PROD_HAS: 'image' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/promotion refused: image acme\/prod\/gauge:1\.4\.0 already exists/);
    expect(result.copies).toEqual([]);
  });

  test('refuses when only the chart exists in prod: every check runs before the first copy', () => {
    const result = run(['image', 'chart'], { PROD_HAS: 'chart' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/chart acme\/prod\/charts\/gauge:1\.4\.0 already exists/);
    expect(result.copies).toEqual([]);
  });

  test('fails when the copy does not land with the same digest', () => {
    const result = run(['image'], { PROD_HAS: '', COPIED_DIGEST: 'sha256:other' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/image digest changed while copying/);
  });

  test('blobs: refused when prod holds the version; otherwise copied by object version with If-None-Match', () => {
    const refused = run(['blob'], { PROD_HAS: 'blob' });
    expect(refused.status).toBe(3);
    expect(refused.copies).toEqual([]);
    const copied = run(['blob'], { PROD_HAS: '' });
    expect(copied.status).toBe(0);
    expect(copied.calls).toContainEqual(expect.stringMatching(/get-object --bucket acme-blobs-dev-111111111111-eu-central-1 --key gauge\/1\.4\.0\/fw\.bin --version-id 3sL4kqtJlcpXroDTDmJ/));
    expect(copied.copies).toEqual([expect.stringMatching(/put-object --bucket acme-blobs-prod-111111111111-eu-central-1 --key gauge\/1\.4\.0\/fw\.bin --body blob\.tmp --if-none-match \*/)]);
  });

  test('a prod listing that fails refuses instead of reading as empty', () => {
    const result = run(['blob'], { PROD_HAS: '', PROD_LIST_FAILS: '1' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/cannot list prod blobs/);
    expect(result.copies).toEqual([]);
  });

  test('refuses a version that is not a release X.Y.Z, before any call', () => {
    const result = run(['image'], { PROD_HAS: '' }, '0.0.0-main.g0123456789ab');
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/only release versions X\.Y\.Z/);
    expect(result.calls).toEqual([]);
  });

  test('promotes only the digests staging deployed: a dev tag moved since then refuses, and copies nothing', () => {
    const moved = run(['image', 'chart'], { PROD_HAS: '', IMAGE_DIGEST: 'sha256:staged' });
    expect(moved.status).toBe(3);
    expect(moved.stderr).toMatch(/image acme\/dev\/gauge:1\.4\.0 is sha256:image, not the staged sha256:staged/);
    expect(moved.copies).toEqual([]);
    const same = run(['image', 'chart'], { PROD_HAS: '', IMAGE_DIGEST: 'sha256:image', CHART_DIGEST: 'sha256:chart' });
    expect(same.status).toBe(0);
  });

  test('refuses a version that is not a plain tag', () => {
    const result = run(['image'], { PROD_HAS: '' }, '1.4.0;rm -rf /');
    expect(result.status).toBe(3);
    expect(result.calls).toEqual([]);
  });
});
