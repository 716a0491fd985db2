import type http from 'node:http';
import { parseTrustedProxies, TrustedProxies } from './trusted-proxies';

const request = (peer: string, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as http.IncomingMessage;

describe('the caller address behind trusted proxies', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '192.168.1.5', 'loopback']);

  it.each([
    ['no proxies trusted: the peer, whatever X-Forwarded-For says', new TrustedProxies([]), '10.0.0.1', '203.0.113.7', '10.0.0.1'],
    ['an untrusted peer: the peer', proxies, '198.51.100.9', '203.0.113.7', '198.51.100.9'],
    ['a trusted peer: the address it forwards', proxies, '10.0.0.1', '203.0.113.7', '203.0.113.7'],
    ['the right-most untrusted address, inner proxies skipped', proxies, '10.0.0.1', '198.51.100.1, 203.0.113.7, 10.2.3.4, 192.168.1.5', '203.0.113.7'],
    ['a trusted peer on a dual-stack socket', proxies, '::ffff:10.0.0.1', '203.0.113.7', '203.0.113.7'],
    ['IPv4-mapped addresses in the header', proxies, '127.0.0.1', '::ffff:203.0.113.7', '203.0.113.7'],
    ['every hop trusted: the left-most', proxies, '10.0.0.1', '10.9.9.9, 192.168.1.5', '10.9.9.9'],
    ['a trusted peer without the header: the peer', proxies, '10.0.0.1', undefined, '10.0.0.1'],
    ['garbage in the header: the nearest hop believed', proxies, '10.0.0.1', '203.0.113.7, not-an-ip', '10.0.0.1'],
    ['several headers: read as one list', proxies, '10.0.0.1', ['198.51.100.1', '203.0.113.7'], '203.0.113.7'],
    ['an IPv6 client', proxies, '::1', '2001:db8::1', '2001:db8::1'],
  ] as const)('%s', (_what, list, peer, header, caller) => {
    expect(list.callerAddress(request(peer, header as string | string[] | undefined))).toBe(caller);
  });

  it('parses addresses, CIDRs and the names loopback and private; refuses anything else', () => {
    expect(parseTrustedProxies(' 10.0.0.0/8 ,fd12:3456::/32, private ')).toEqual(['10.0.0.0/8', 'fd12:3456::/32', 'private']);
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(() => parseTrustedProxies('proxy.local')).toThrow(/proxy.local is not an IP address/);
    expect(() => parseTrustedProxies('10.0.0.0/40')).toThrow(/not a prefix length/);
    expect(new TrustedProxies(['private']).trusts('172.20.1.1')).toBe(true);
    expect(new TrustedProxies(['private']).trusts('172.32.1.1')).toBe(false);
  });

  it('refuses prefixes wider than a proxy network: shorter than /8 (IPv4) or /32 (IPv6), /0 above all', () => {
    for (const wide of ['0.0.0.0/0', '::/0', '0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/7', 'fc00::/7', '2001:db8::/31']) {
      expect(() => parseTrustedProxies(wide)).toThrow(/too wide to be a proxy/);
    }
    expect(() => parseTrustedProxies('10.0.0.0/8/8')).toThrow(/not an IP address or CIDR/);
    expect(parseTrustedProxies('10.0.0.0/8, 2001:db8::/32, 192.0.2.1/32')).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1/32']);
  });
});
