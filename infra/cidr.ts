/** IPv4 CIDR arithmetic for subnet planning and allowlist checks: plain functions, no Pulumi. */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when it is not an IPv4 CIDR whose host bits are all zero. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % blockSize(prefix) !== 0) return undefined;
  return { address, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefix}`;
}

/** The `index`-th block of `cidr` split into 2^newBits equal blocks (Terraform's `cidrsubnet`). */
export function subdivide(cidr: Cidr, newBits: number, index: number): Cidr {
  const prefix = cidr.prefix + newBits;
  if (prefix > 32) throw new RangeError(`${formatCidr(cidr)} cannot be split into /${prefix} blocks`);
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`${formatCidr(cidr)} has no block ${index} of size /${prefix}`);
  }
  return { address: cidr.address + index * blockSize(prefix), prefix };
}

/** Whether two blocks share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.address < b.address + blockSize(b.prefix) && b.address < a.address + blockSize(a.prefix);
}

/** Whether `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.address >= outer.address &&
    inner.address + blockSize(inner.prefix) <= outer.address + blockSize(outer.prefix)
  );
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}
