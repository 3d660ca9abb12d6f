import * as fs from 'fs';
import * as path from 'path';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { JSON_SCHEMA_FILES, renderJsonSchema } from '../lib/config/json-schema';
import { AWS_REGIONS } from '../lib/config/regions';
import { formatCidr, parseCidr, splitCidr } from '../lib/config/cidr';
import { REPO_ROOT } from './fixtures/demo-platform';

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
