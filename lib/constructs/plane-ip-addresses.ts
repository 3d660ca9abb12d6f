import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { formatCidr, parseCidr, splitCidr } from '../config/cidr';

/**
 * VPC address plan with one operator-chosen CIDR per subnet group ("plane"), cut evenly across the
 * availability zones. Lets network teams reserve each plane's range up front instead of taking
 * whatever `cidrMask` packing produces.
 */
export class PlaneIpAddresses implements ec2.IIpAddresses {
  /**
   * @param vpcCidr the VPC's IPv4 block
   * @param planeCidrs CIDR per subnet group name; every group of the VPC must have one
   */
  constructor(
    private readonly vpcCidr: string,
    private readonly planeCidrs: Readonly<Record<string, string>>,
  ) {}

  public allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.vpcCidr };
  }

  public allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    const azs = [...new Set(input.requestedSubnets.map((s) => s.availabilityZone))];
    const allocatedSubnets = input.requestedSubnets.map((subnet) => {
      const plane = this.planeCidrs[subnet.configuration.name];
      const cidr = plane === undefined ? undefined : parseCidr(plane);
      if (!cidr) throw new Error(`No valid CIDR for subnet group "${subnet.configuration.name}"`);
      return { cidr: formatCidr(splitCidr(cidr, azs.length)[azs.indexOf(subnet.availabilityZone)]) };
    });
    return { allocatedSubnets };
  }
}
