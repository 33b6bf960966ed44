// Who is asking: the address a public page's throttles count tries against. Behind a reverse proxy
// every request comes from the proxy, which names the client in X-Forwarded-For; but anyone can
// send that header, so it is read only from proxies the operator trusts (TRUSTED_PROXIES), and
// then from the right: each trusted proxy appends the address it saw, and the first address that
// is not a trusted proxy's is the client's. IPv6 clients are counted per /64, the block one
// customer's network gets, or anyone could take a new address for every try.
import { BlockList, isIP } from 'node:net';

/** Loopback only: a reverse proxy on the same machine, the deployment README describes. */
export const DEFAULT_TRUSTED_PROXIES = ['127.0.0.0/8', '::1/128'];

/** TRUSTED_PROXIES: comma-separated addresses or CIDR ranges (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`), or `none`. */
export function parseTrustedProxies(value: string): { ok: true; ranges: string[] } | { ok: false; error: string } {
  if (value.trim().toLowerCase() === 'none') return { ok: true, ranges: [] };
  const ranges = value.split(',').map((range) => range.trim()).filter((range) => range !== '');
  const bad = ranges.find((range) => rangeOf(range) === undefined);
  if (ranges.length === 0 || bad !== undefined) {
    return { ok: false, error: `${bad === undefined ? 'names no address' : `"${bad}" is not an IP address or CIDR range`}: use comma-separated addresses or ranges such as 127.0.0.1,10.0.0.0/8,fd00::/8, or none` };
  }
  return { ok: true, ranges };
}

type Range = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

function rangeOf(text: string): Range | undefined {
  const [address = '', prefixText, ...rest] = text.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The ranges as one list to check addresses against (parseTrustedProxies has vouched for each). */
export function trustedProxyList(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of ranges) {
    const range = rangeOf(text);
    if (range) list.addSubnet(range.address, range.prefix, range.family);
  }
  return list;
}

/** `::ffff:203.0.113.9` (an IPv4 client on a dual-stack socket) as the IPv4 address it is. */
export const plainAddress = (address: string): string => {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
};

const isTrusted = (address: string, trusted: BlockList): boolean => {
  const version = isIP(address);
  return version !== 0 && trusted.check(address, version === 4 ? 'ipv4' : 'ipv6');
};

/**
 * The client's address. `socket` undefined is a request made inside this process (tests), whose
 * header is taken as a trusted proxy's. A hop that is not an IP address is returned as it is (cut
 * to 64 characters): a bucket of its own.
 */
export function clientAddressOf(socket: string | undefined, forwardedFor: string | undefined, trusted: BlockList): string {
  const peer = socket === undefined ? undefined : plainAddress(socket);
  if (peer !== undefined && !isTrusted(peer, trusted)) return peer;
  const hops = (forwardedFor ?? '').split(',').map((hop) => plainAddress(hop.trim())).filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return hop.slice(0, 64);
    if (!isTrusted(hop, trusted)) return hop;
  }
  return hops[0] ?? peer ?? 'unknown';
}

/** What a throttle counts: an IPv4 address as it is, an IPv6 address by its /64. */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase().replace(/%.*$/, ''); // a zone id names a local interface
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
