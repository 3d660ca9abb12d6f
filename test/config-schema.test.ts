import * as fs from 'fs';
import * as path from 'path';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { JSON_SCHEMA_FILES, renderJsonSchema } from '../lib/config/json-schema';
import { AWS_REGIONS } from '../lib/config/regions';
import { InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { instanceArchitecture } from '../lib/config/schema';
import { formatCidr, parseCidr, splitCidr } from '../lib/config/cidr';
import { REPO_ROOT } from './fixtures/demo-paths';

test.each(Object.entries(JSON_SCHEMA_FILES))('committed schema/%s is current (run `npm run schema`)', (file, schema) => {
  const committed = fs.readFileSync(path.join(REPO_ROOT, 'schema', file), 'utf8');
  expect(committed).toBe(renderJsonSchema(schema, file.replace('.schema.json', ' config')));
});

test('every allowed region is a region aws-cdk-lib knows', () => {
  const known = new Set(RegionInfo.regions.map((r) => r.name));
  expect(AWS_REGIONS.filter((r) => !known.has(r))).toEqual([]);
});

describe('CIDR arithmetic', () => {
  test('parses canonical blocks only', () => {
    expect(parseCidr('10.40.0.0/16')).toEqual({ network: 0x0a280000, prefix: 16 });
    for (const bad of ['10.40.0.1/16', '10.40.0.0/33', '256.0.0.0/8', '10.40.0/16', 'x']) expect(parseCidr(bad)).toBeUndefined();
  });

  test('splits into equal consecutive blocks, rounding parts up to a power of two', () => {
    expect(splitCidr(parseCidr('10.40.64.0/18')!, 3).map(formatCidr)).toEqual(['10.40.64.0/20', '10.40.80.0/20', '10.40.96.0/20']);
  });
});

test('instance architecture from the family name agrees with aws-cdk-lib', () => {
  const types = ['m7g.xlarge', 'm6g.large', 'c7gn.2xlarge', 'r8gd.xlarge', 't4g.small', 'x2gd.large', 'im4gn.large', 'is4gen.large', 'a1.large', 'hpc7g.4xlarge',
    'm7i.xlarge', 'm6i.large', 'm7a.large', 'c5.xlarge', 't3.medium', 'g4dn.xlarge', 'g5.xlarge', 'inf2.xlarge', 'r6id.large', 'm5zn.large'];
  for (const type of types) {
    const cdk = new InstanceType(type).architecture === InstanceArchitecture.ARM_64 ? 'arm64' : 'amd64';
    expect(`${type}: ${instanceArchitecture(type)}`).toBe(`${type}: ${cdk}`);
  }
});
