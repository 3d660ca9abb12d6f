/**
 * Which IPv4 ranges a VPC and the EKS public endpoint allow list may use. The VPC must be private
 * address space as the Amazon VPC User Guide ("VPC CIDR blocks") lists it for VPCs: RFC 1918
 * (10/8, 172.16/12, 192.168/16), the shared address space 100.64/10 (RFC 6598) and 198.19/16,
 * and must avoid 172.17.0.0/16, which AWS services and Docker's default bridge on the build agents
 * use. The EKS public endpoint allows public source addresses only, so its CIDRs must not lie
 * inside private or reserved space (RFC 6890).
 */
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseCidr } from './cidr';

const blocks = (...cidrs: string[]) => cidrs.map((c) => ({ text: c, cidr: parseCidr(c)! }));

export const VPC_RANGES = blocks('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.19.0.0/16');
const DOCKER_AND_AWS_SERVICES = blocks('172.17.0.0/16')[0];
const NOT_PUBLIC = blocks(
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
);

/** Why `cidr` may not be the VPC's block, or undefined when it may. */
export function vpcCidrProblem(cidr: Ipv4Cidr): string | undefined {
  if (!VPC_RANGES.some((r) => cidrContains(r.cidr, cidr))) {
    return `must lie inside private address space a VPC may use: ${VPC_RANGES.map((r) => r.text).join(', ')}`;
  }
  if (cidrsOverlap(cidr, DOCKER_AND_AWS_SERVICES.cidr)) {
    return 'must not overlap 172.17.0.0/16: AWS services and Docker\'s default bridge on the build agents use it';
  }
  return undefined;
}

/** Why `cidr` may not be a source of the public API endpoint, or undefined when it may. */
export function publicSourceCidrProblem(cidr: Ipv4Cidr): string | undefined {
  const inside = NOT_PUBLIC.find((r) => cidrContains(r.cidr, cidr));
  return inside ? `lies inside ${inside.text}, which is not public address space; the public endpoint only sees public source addresses` : undefined;
}
