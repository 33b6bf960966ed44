// Who is asking, for the public pages' throttles: X-Forwarded-For is read only through proxies the
// operator trusts, from the right; IPv6 clients count per /64.
import { describe, expect, it } from 'vitest';
import { addressBucket, clientAddressOf, DEFAULT_TRUSTED_PROXIES, trustedProxyList } from '../../src/lib/client-address.js';

const loopback = trustedProxyList(DEFAULT_TRUSTED_PROXIES);
const inCluster = trustedProxyList(['10.0.0.0/8', 'fd00::/8', '127.0.0.1']);

describe('the client behind trusted proxies', () => {
  it('ignores X-Forwarded-For from a client that is not a trusted proxy, whatever its address', () => {
    expect(clientAddressOf('203.0.113.9', '198.51.100.1', loopback)).toBe('203.0.113.9');
    // Private addresses are not trusted unless named: a LAN client, or every client behind Docker's NAT.
    expect(clientAddressOf('172.17.0.1', '198.51.100.1', loopback)).toBe('172.17.0.1');
    expect(clientAddressOf('10.1.2.3', '198.51.100.1', loopback)).toBe('10.1.2.3');
    expect(clientAddressOf('fd00::2', '198.51.100.1', loopback)).toBe('fd00::2');
  });

  it('takes the address a trusted proxy appended, not one the client sent ahead of it', () => {
    expect(clientAddressOf('127.0.0.1', '198.51.100.1', loopback)).toBe('198.51.100.1');
    expect(clientAddressOf('127.0.0.1', '1.2.3.4, 198.51.100.1', loopback)).toBe('198.51.100.1');
    expect(clientAddressOf('::1', 'spoofed, 198.51.100.1', loopback)).toBe('198.51.100.1');
  });

  it('walks back through a chain of trusted proxies to the first address that is not one', () => {
    expect(clientAddressOf('10.0.0.5', '1.2.3.4, 198.51.100.1, 10.0.0.9', inCluster)).toBe('198.51.100.1');
    expect(clientAddressOf('::ffff:10.0.0.5', '198.51.100.1', inCluster)).toBe('198.51.100.1'); // a dual-stack socket's IPv4 proxy
    expect(clientAddressOf('10.0.0.5', '10.0.0.7, 10.0.0.9', inCluster)).toBe('10.0.0.7'); // all proxies: the first
  });

  it('reads an IPv4 client on a dual-stack socket as its IPv4 address', () => {
    expect(clientAddressOf('::ffff:203.0.113.9', undefined, loopback)).toBe('203.0.113.9');
    expect(clientAddressOf('::ffff:127.0.0.1', '198.51.100.1', loopback)).toBe('198.51.100.1');
  });

  it('keeps a hop that is no address as a bucket of its own, and has an answer with no header', () => {
    expect(clientAddressOf('127.0.0.1', 'unknown', loopback)).toBe('unknown');
    expect(clientAddressOf('127.0.0.1', 'x'.repeat(100), loopback)).toBe('x'.repeat(64));
    expect(clientAddressOf('127.0.0.1', undefined, loopback)).toBe('127.0.0.1');
    expect(clientAddressOf(undefined, '198.51.100.1', loopback)).toBe('198.51.100.1'); // a request made in this process
    expect(clientAddressOf(undefined, undefined, loopback)).toBe('unknown');
  });
});

describe('the throttle bucket of an address', () => {
  it('is an IPv4 address itself', () => {
    expect(addressBucket('198.51.100.1')).toBe('198.51.100.1');
  });

  it("is an IPv6 address's /64, however the address is written", () => {
    const bucket = '2001:db8:1:2::/64';
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::10.0.0.1', '2001:db8:1:2::1%eth0']) {
      expect(addressBucket(address)).toBe(bucket);
    }
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(bucket);
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1')).toBe('fe80:0:0:0::/64');
  });
});
