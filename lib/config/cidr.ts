/** IPv4 CIDR arithmetic for config validation and subnet allocation (no AWS, no CDK). */
export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
}

// Canonical decimal only: a leading zero (010.0.0.0, /016) reads as octal to some tools and as decimal to others.
const OCTET = '(0|[1-9]\\d{0,2})';
const CIDR_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(\\d|[1-9]\\d)$`);

/** Parses `a.b.c.d/n`; returns undefined when it is not a canonical IPv4 CIDR (host bits must be zero). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR_PATTERN.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((address & hostMask(prefix)) !== 0) return undefined;
  return { network: address, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const a = cidr.network;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${cidr.prefix}`;
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}

function lastAddress(cidr: Ipv4Cidr): number {
  return (cidr.network + hostMask(cidr.prefix)) >>> 0;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** Extra prefix bits needed to cut a block into `parts` equal pieces. */
export function splitBits(parts: number): number {
  return Math.ceil(Math.log2(parts));
}

/** Cuts `cidr` into `parts` equal, consecutive blocks (the smallest power of two that fits). */
export function splitCidr(cidr: Ipv4Cidr, parts: number): Ipv4Cidr[] {
  const prefix = cidr.prefix + splitBits(parts);
  const size = 2 ** (32 - prefix);
  return Array.from({ length: parts }, (_, i) => ({ network: (cidr.network + i * size) >>> 0, prefix }));
}
