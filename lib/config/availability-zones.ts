/**
 * Availability zones per region (as of 2026-12-01), so synth never looks them up and a zone that
 * does not exist is refused before deploy. Letters are mapped per account in older regions, so a
 * region lists every letter some account sees (us-west-1 b/c for newer accounts, a/b for older;
 * ap-northeast-1 b for old accounts only). Source: the EC2 zone table of moto 5.2.1 (installed; a
 * test checks this table contains it) and the AWS "Regions and Availability Zones" page.
 */
import { AWS_REGIONS } from './regions';

type Region = (typeof AWS_REGIONS)[number];

const ABC = ['a', 'b', 'c'] as const;

const ZONE_LETTERS: Readonly<Record<Region, readonly string[]>> = {
  'af-south-1': ABC,
  'ap-east-1': ABC,
  'ap-east-2': ABC,
  'ap-northeast-1': ['a', 'b', 'c', 'd'],
  'ap-northeast-2': ['a', 'b', 'c', 'd'],
  'ap-northeast-3': ABC,
  'ap-south-1': ABC,
  'ap-south-2': ABC,
  'ap-southeast-1': ABC,
  'ap-southeast-2': ABC,
  'ap-southeast-3': ABC,
  'ap-southeast-4': ABC,
  'ap-southeast-5': ABC,
  'ap-southeast-6': ABC,
  'ap-southeast-7': ABC,
  'ca-central-1': ['a', 'b', 'd'],
  'ca-west-1': ABC,
  'eu-central-1': ABC,
  'eu-central-2': ABC,
  'eu-north-1': ABC,
  'eu-south-1': ABC,
  'eu-south-2': ABC,
  'eu-west-1': ABC,
  'eu-west-2': ABC,
  'eu-west-3': ABC,
  'il-central-1': ABC,
  'me-central-1': ABC,
  'me-south-1': ABC,
  'mx-central-1': ABC,
  'sa-east-1': ABC,
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'],
  'us-east-2': ABC,
  'us-west-1': ABC,
  'us-west-2': ['a', 'b', 'c', 'd'],
};

/** Every zone name of `region`, e.g. eu-central-1a, eu-central-1b, eu-central-1c. */
export function availabilityZonesOf(region: Region): string[] {
  return ZONE_LETTERS[region].map((letter) => `${region}${letter}`);
}
