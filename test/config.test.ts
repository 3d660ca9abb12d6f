import { Document } from 'yaml';
import { loadConfig } from '../lib/config/load-config';
import { configWith, problemsOf } from './fixtures/config-edit';
import { DEMO_CONFIG } from './fixtures/demo-paths';

describe('the demo config', () => {
  const model = loadConfig(DEMO_CONFIG);

  test('loads with two pilots in file order and defaults applied', () => {
    expect(model.pilots.map((p) => p.name)).toEqual(['acme', 'bravo']);
    expect(model.pilots[1].fiwareService).toBe('bravo');
    expect(model.pilots[1].components[1]).toMatchObject({ name: 'quality-model', branch: 'main', artefacts: ['image'] });
  });

  test('every demo pilot has at least two device generations with different rollout policies', () => {
    for (const pilot of model.pilots) {
      const generations = pilot.edge?.generations ?? [];
      expect(generations.length).toBeGreaterThanOrEqual(2);
      expect(new Set(generations.map((g) => JSON.stringify(g.rollout))).size).toBe(generations.length);
    }
    expect(model.pilots[0].edge?.generations[1]).toMatchObject({ channels: [{ name: 'stable', versions: {} }, { name: 'beta' }], updateNoticeSeconds: 300 });
    expect(model.pilots[1].edge?.generations[1].rollout.maximumPerMinute).toBe(1000);
  });
});

/** [what is wrong, file, edit, expected message (file, field path, value and what is allowed)] */
const malformed: [string, string, (doc: Document) => void, RegExp][] = [
  ['missing field', 'platform.yaml', (d) => d.deleteIn(['environment', 'region']), /platform\.yaml:\d+:\d+ environment\.region = \(missing\): required field missing; must be a commercial AWS region/],
  ['unknown field', 'pilots/acme.yaml', (d) => d.set('colour', 'red'), /acme\.yaml:\d+:\d+ colour: unknown field colour; allowed: name, displayName, fiwareService, developers, components/],
  ['wrong type', 'platform.yaml', (d) => d.setIn(['network', 'natGateways'], 'one'), /network\.natGateways = "one": expected number, got string/],
  ['duplicate pilot', 'pilots/bravo.yaml', (d) => d.set('name', 'acme'), /bravo\.yaml:\d+:\d+ name = "acme": duplicate pilot name/],
  ['pilot name invalid for ECR/S3/k8s', 'pilots/acme.yaml', (d) => d.set('name', 'Acme_1'), /acme\.yaml:\d+:\d+ name = "Acme_1": a pilot name must be 2-24 characters: lowercase/],
  ['pilot name too long', 'pilots/acme.yaml', (d) => d.set('name', 'a'.repeat(25)), /name = "a{25}": a pilot name must be 2-24/],
  ['pilot name reserved', 'pilots/acme.yaml', (d) => d.set('name', 'platform'), /name = "platform": "platform" is reserved/],
  ['component name invalid', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'name'], 'line--monitor'), /components\[0\]\.name = "line--monitor": a component name must be/],
  ['duplicate component', 'pilots/acme.yaml', (d) => d.setIn(['components', 1, 'name'], 'line-monitor'), /components\[1\]\.name = "line-monitor": duplicate component name/],
  ['CIDR with host bits', 'platform.yaml', (d) => d.setIn(['network', 'cidr'], '10.40.0.1/16'), /network\.cidr = "10\.40\.0\.1\/16": must be an IPv4 CIDR/],
  ['VPC CIDR too large', 'platform.yaml', (d) => d.setIn(['network', 'cidr'], '10.0.0.0/8'), /network\.cidr = "10\.0\.0\.0\/8": the VPC CIDR prefix must be between \/16 and \/24/],
  ['overlapping plane CIDRs', 'platform.yaml', (d) => d.setIn(['network', 'subnets', 'cd'], '10.40.16.0/22'), /network\.subnets\.ci = "10\.40\.16\.0\/20": overlaps network\.subnets\.cd/],
  ['plane outside the VPC', 'platform.yaml', (d) => d.setIn(['network', 'subnets', 'cd'], '10.41.8.0/22'), /network\.subnets\.cd = "10\.41\.8\.0\/22": must lie inside the VPC CIDR 10\.40\.0\.0\/16/],
  ['plane too small for the zones', 'platform.yaml', (d) => d.setIn(['network', 'subnets', 'endpoints'], '10.40.4.0/28'), /network\.subnets\.endpoints = "10\.40\.4\.0\/28": is too small to cut into 2 subnets.*use \/27 or larger/],
  ['unknown architecture', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'architectures', 1], 'riscv64'), /components\[0\]\.architectures\[1\] = "riscv64": Invalid option: expected one of "amd64"\|"arm64"/],
  ['repeated architecture', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'architectures', 1], 'amd64'), /components\[0\]\.architectures = \["amd64","amd64"\]: architectures must not repeat/],
  ['no architecture', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'architectures'], d.createNode([])), /components\[0\]\.architectures = \[\]: list at least one architecture/],
  ['component shared with an unknown pilot', 'pilots/bravo.yaml', (d) => d.setIn(['components', 1, 'sharedWith', 0], 'zulu'), /bravo\.yaml:\d+:\d+ components\[1\]\.sharedWith\[0\] = "zulu": unknown pilot; known pilots: acme, bravo/],
  ['pilot shares with itself', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'sharedWith'], d.createNode(['acme'])), /components\[0\]\.sharedWith = \["acme"\]: a pilot does not share with itself/],
  ['account not 12 digits', 'platform.yaml', (d) => d.setIn(['environment', 'account'], '11111111111'), /environment\.account = "11111111111": must be exactly 12 digits/],
  ['account not quoted', 'platform.yaml', (d) => d.setIn(['environment', 'account'], 111111111111), /environment\.account = 111111111111: must be a 12-digit account id in quotes/],
  ['region not a region', 'platform.yaml', (d) => d.setIn(['environment', 'region'], 'eu-central-9'), /environment\.region = "eu-central-9": must be a commercial AWS region: af-south-1, /],
  ['zone outside the region', 'platform.yaml', (d) => d.setIn(['environment', 'availabilityZones', 1], 'us-east-1b'), /environment\.availabilityZones\[1\] = "us-east-1b": is not an availability zone of eu-central-1/],
  ['one zone only', 'platform.yaml', (d) => d.setIn(['environment', 'availabilityZones'], d.createNode(['eu-central-1a'])), /environment\.availabilityZones = \["eu-central-1a"\]: list at least 2 availability zones/],
  ['more NAT gateways than zones', 'platform.yaml', (d) => d.setIn(['network', 'natGateways'], 3), /network\.natGateways = 3: at most one NAT gateway per availability zone \(2\)/],
  ['flow log retention CloudWatch refuses', 'platform.yaml', (d) => d.setIn(['network', 'flowLogRetentionDays'], 100), /network\.flowLogRetentionDays = 100: must be one of 1, 3, 5/],
  ['duplicate FIWARE tenant', 'pilots/bravo.yaml', (d) => d.set('fiwareService', 'acme'), /bravo\.yaml:\d+:\d+ fiwareService = "acme": FIWARE tenant "acme" is already used by pilot "acme"/],
  ['FIWARE tenant with a hyphen', 'pilots/acme.yaml', (d) => d.set('fiwareService', 'acme-plant'), /fiwareService = "acme-plant": must be 1-50 lowercase letters, digits or underscores/],
  ['developer not an IAM ARN', 'pilots/acme.yaml', (d) => d.setIn(['developers', 0], 'acme-developers'), /developers\[0\] = "acme-developers": must be an IAM role or user ARN/],
  ['repository not a git URL', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'repository'], 'github.com/acme/x'), /components\[0\]\.repository = "github\.com\/acme\/x": must be a git URL/],
  ['unknown artefact kind', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'artefacts', 0], 'wheel'), /components\[0\]\.artefacts\[0\] = "wheel": Invalid option: expected one of "image"\|"chart"\|"blob"/],
  ['unsupported Kubernetes version', 'platform.yaml', (d) => d.setIn(['cluster', 'kubernetesVersion'], '1.29'), /cluster\.kubernetesVersion = "1\.29": must be one of 1\.35, 1\.36 \(versions with a kubectl layer installed\)/],
  ['node group min above max', 'platform.yaml', (d) => d.setIn(['cluster', 'nodeGroups', 'amd64', 'minSize'], 7), /cluster\.nodeGroups\.amd64\.minSize = 7: must not exceed maxSize \(6\)/],
  ['desired size outside the range', 'platform.yaml', (d) => d.setIn(['cluster', 'nodeGroups', 'arm64', 'desiredSize'], 9), /cluster\.nodeGroups\.arm64\.desiredSize = 9: must lie between minSize \(1\) and maxSize \(6\)/],
  ['non-Graviton type in the arm64 group', 'platform.yaml', (d) => d.setIn(['cluster', 'nodeGroups', 'arm64', 'instanceTypes', 0], 'm7i.xlarge'), /cluster\.nodeGroups\.arm64\.instanceTypes\[0\] = "m7i\.xlarge": is not a Graviton \(arm64\) instance type/],
  ['Graviton type in the x86 group', 'platform.yaml', (d) => d.setIn(['cluster', 'nodeGroups', 'amd64', 'instanceTypes', 1], 'c7g.large'), /cluster\.nodeGroups\.amd64\.instanceTypes\[1\] = "c7g\.large": is an arm64 \(Graviton\) instance type; this group is x86/],
  ['not an instance type', 'platform.yaml', (d) => d.setIn(['cluster', 'nodeGroups', 'amd64', 'instanceTypes', 0], 'xlarge'), /instanceTypes\[0\] = "xlarge": must be an EC2 instance type/],
  ['admin that is not a role', 'platform.yaml', (d) => d.setIn(['cluster', 'adminRoles', 0], 'arn:aws:iam::111111111111:user/bob'), /cluster\.adminRoles\[0\] = "arn:aws:iam::111111111111:user\/bob": must be an IAM role ARN/],
  ['ingress certificate without host name', 'platform.yaml', (d) => d.deleteIn(['cluster', 'ingressHostname']), /cluster\.ingressHostname = \(missing\): required with ingressCertificateArn/],
  ['negative retention', 'platform.yaml', (d) => d.setIn(['registries', 'devImagesKept'], 0), /registries\.devImagesKept = 0: must be at least 1/],
  // edge: CloudFormation's rollout and abort limits are enforced here, at synth
  ['edge component on an unknown generation', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'components', 0, 'generations', 1], 'press-gw-v9'), /acme\.yaml:\d+:\d+ edge\.components\[0\]\.generations\[1\] = "press-gw-v9": unknown device generation; this pilot's generations: press-gw-v1, press-gw-v2/],
  // The IoT jobs API (exponentialRate.incrementFactor) and Greengrass deployments accept 1.1-5.0.
  ['increment factor 1.0', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'incrementFactor'], 1), /edge\.generations\[0\]\.rollout\.incrementFactor = 1: must be at least 1\.1/],
  ['increment factor above 5', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'incrementFactor'], 5.5), /edge\.generations\[0\]\.rollout\.incrementFactor = 5\.5: must be at most 5/],
  ['increment factor with two decimals', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'incrementFactor'], 1.55), /edge\.generations\[0\]\.rollout\.incrementFactor = 1\.55: at most one digit after the decimal point \(1\.5, not 1\.55\)/],
  ['base rate 0', 'pilots/bravo.yaml', (d) => d.setIn(['edge', 'generations', 1, 'rollout', 'baseRatePerMinute'], 0), /bravo\.yaml:\d+:\d+ edge\.generations\[1\]\.rollout\.baseRatePerMinute = 0: must be at least 1/],
  ['base rate above 1000', 'pilots/bravo.yaml', (d) => d.setIn(['edge', 'generations', 1, 'rollout', 'baseRatePerMinute'], 1001), /rollout\.baseRatePerMinute = 1001: must be at most 1000/],
  ['base rate above the maximum rate', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'baseRatePerMinute'], 30), /rollout\.baseRatePerMinute = 30: must not exceed maximumPerMinute \(20\)/],
  ['abort threshold with three decimals', 'pilots/bravo.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'abort', 0, 'thresholdPercentage'], 2.505), /abort\[0\]\.thresholdPercentage = 2\.505: at most two digits after the decimal point/],
  ['abort threshold above 100 %', 'pilots/bravo.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'abort', 0, 'thresholdPercentage'], 101), /abort\[0\]\.thresholdPercentage = 101: must be at most 100/],
  ['abort on an unknown failure type', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'abort', 0, 'failureType'], 'CRASHED'), /abort\[0\]\.failureType = "CRASHED": must be one of FAILED, REJECTED, TIMED_OUT, ALL/],
  ['no abort criterion', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'abort'], d.createNode([])), /rollout\.abort = \[\]: list at least one abort criterion/],
  ['in-progress timeout beyond 7 days', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 1, 'rollout', 'inProgressTimeoutMinutes'], 10081), /inProgressTimeoutMinutes = 10081: must be at most 10080/],
  ['both rate-increase criteria', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'rollout', 'rateIncrease', 'notifiedThings'], 5), /rollout\.rateIncrease = .*: give exactly one of notifiedThings or succeededThings/],
  ['unknown update policy', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'updatePolicy'], 'deferred'), /updatePolicy = "deferred": must be one of optional, mandatory/],
  ['edge component that is not a pilot component', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'components', 0, 'component'], 'press-vision'), /edge\.components\[0\]\.component = "press-vision": unknown component; the pilot's components: line-monitor, press-firmware/],
  ['edge component without images', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'components', 0, 'component'], 'press-firmware'), /edge\.components\[0\]\.component = "press-firmware": must publish images/],
  ['edge component not built for the generation', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'architectures'], d.createNode(['amd64'])), /edge\.components\[0\]\.generations\[0\] = "press-gw-v1": runs on arm64 but line-monitor is built for amd64 only/],
  ['channel pins a component the generation does not run', 'pilots/bravo.yaml', (d) => d.setIn(['edge', 'generations', 1, 'channels', 1, 'versions', 'nonexistent'], '1.0.0'), /edge\.generations\[1\]\.channels\[1\]\.versions\.nonexistent = "1\.0\.0": is not an edge component of generation vision-box-v2/],
  ['version that is not semantic', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'components', 0, 'version'], 'v1.4'), /edge\.components\[0\]\.version = "v1\.4": must be a semantic version/],
  ['duplicate generation', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 1, 'name'], 'press-gw-v1'), /edge\.generations\[1\]\.name = "press-gw-v1": duplicate device generation/],
  ['firmware from a component without blobs', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'firmware', 'component'], 'line-monitor'), /firmware\.component = "line-monitor": must be one of the pilot's components publishing blobs/],
  ['component on a Git host without commit status', 'pilots/bravo.yaml', (d) => d.setIn(['components', 0, 'repository'], 'git@git.bravo.example:foods/cold-chain.git'), /bravo\.yaml:\d+:\d+ components\[0\]\.repository = "git@git\.bravo\.example:foods\/cold-chain\.git": Git host git\.bravo\.example has no entry in the platform's ci\.commitStatus \(hosts listed: github\.com, gitlab\.com\)/],
  ['commit status host listed twice', 'platform.yaml', (d) => d.setIn(['ci', 'commitStatus', 1, 'host'], 'github.com'), /platform\.yaml:\d+:\d+ ci\.commitStatus\[1\]\.host = "github\.com": host github\.com is listed already \(entry #1\)/],
  ['commit status API over http', 'platform.yaml', (d) => d.setIn(['ci', 'commitStatus', 0, 'apiUrl'], 'http://api.github.com'), /ci\.commitStatus\[0\]\.apiUrl = "http:\/\/api\.github\.com": must be an https:\/\/ API base URL/],
  ['commit status API of an unknown kind', 'platform.yaml', (d) => d.setIn(['ci', 'commitStatus', 0, 'api'], 'bitbucket'), /ci\.commitStatus\[0\]\.api = "bitbucket": must be one of github, gitlab/],
  ['generation without required factory tests', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'factoryTests'], d.createNode([])), /edge\.generations\[0\]\.factoryTests = \[\]: list the factory tests a device of this generation must pass/],
  ['offline sensor trust of 0 hours', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'offline'], d.createNode({ sensorTrustHours: 0 })), /edge\.generations\[0\]\.offline\.sensorTrustHours = 0: must be at least 1/],
  ['mandatory version of a component no optional generation runs', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'components', 0, 'generations'], d.createNode(['press-gw-v1'])), /edge\.components\[0\]\.mandatoryVersion = "1\.3\.2": applies only to generations with updatePolicy: optional/],
  ['edge component on a sensor generation', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'components', 0, 'generations', 1], 'press-sensor-v1'), /edge\.components\[0\]\.generations\[1\] = "press-sensor-v1": press-sensor-v1 is a sensor generation: sensors run no Greengrass components/],
  ['factory station not an IAM ARN', 'platform.yaml', (d) => d.setIn(['edge', 'factoryStations', 0], 'station-1'), /edge\.factoryStations\[0\] = "station-1": must be an IAM role or user ARN/],
];

describe('malformed config fails with file, field, value and what is allowed', () => {
  test.each(malformed)('%s', (_what, file, edit, expected) => {
    expect(problemsOf(configWith({ [file]: edit }))).toMatch(expected);
  });

  test('YAML syntax errors carry line and column', () => {
    const dir = configWith({ 'pilots/acme.yaml': 'name: acme\ndisplayName: "unclosed\n' });
    expect(problemsOf(dir)).toMatch(/acme\.yaml:\d+:\d+: YAML syntax:/);
  });

  test('duplicate keys are errors, not silently merged', () => {
    const dir = configWith({ 'pilots/acme.yaml': 'name: acme\nname: acme2\ndisplayName: A\n' });
    expect(problemsOf(dir)).toMatch(/acme\.yaml:2:1: YAML syntax: Map keys must be unique/);
  });

  test('a file that is not a mapping', () => {
    expect(problemsOf(configWith({ 'pilots/acme.yaml': '- acme\n' }))).toMatch(/acme\.yaml: must be a YAML mapping/);
  });

  test('a folder without platform.yaml', () => {
    expect(problemsOf(configWith({ 'platform.yaml': null }))).toMatch(/platform\.yaml: not found: a platform config folder holds platform\.yaml and pilots\/<pilot>\.yaml/);
  });

  test('all problems are reported at once, not one per run', () => {
    const dir = configWith({
      'pilots/acme.yaml': (d) => {
        d.set('name', 'ACME');
        d.setIn(['components', 0, 'architectures', 0], 'x86');
      },
    });
    expect(problemsOf(dir)).toMatch(/\(2 problems\)[\s\S]*name = "ACME"[\s\S]*architectures\[0\] = "x86"/);
  });

  test('adding a pilot is adding a file', () => {
    const dir = configWith({ 'pilots/charlie.yaml': 'name: charlie\ndisplayName: Charlie Metals\ncomponents: []\n' });
    expect(loadConfig(dir).pilots.map((p) => p.name)).toEqual(['acme', 'bravo', 'charlie']);
  });
});
