import type http from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * The shortest prefix an entry may have: a proxy is one address or a small network. A /0 (or /1 + /1)
 * would let anyone name the caller in the access log and pick fresh rate-limit keys.
 */
const MIN_PREFIX = { ipv4: 8, ipv6: 32 } as const;

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Which direct peers are proxies whose X-Forwarded-For is believed. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const named = NAMED[entry];
      if (named) {
        for (const range of named) this.add(range, false);
      } else this.add(entry, true);
    }
  }

  private add(entry: string, checkWidth: boolean): void {
    const [address, prefix, ...rest] = entry.split('/') as [string, string | undefined];
    const family = isIP(address);
    if (family === 0 || rest.length > 0) throw new Error(`${entry} is not an IP address or CIDR (or loopback, private)`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      this.list.addAddress(address, type);
      return;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`${entry}: /${prefix} is not a prefix length`);
    if (checkWidth && bits < MIN_PREFIX[type]) {
      throw new Error(`${entry} is too wide to be a proxy (${type === 'ipv4' ? 'IPv4' : 'IPv6'} prefixes must be /${MIN_PREFIX[type]} or longer): name the proxies' own addresses or subnet`);
    }
    this.list.addSubnet(address, bits, type);
  }

  trusts(address: string | undefined | null): boolean {
    if (!address || this.empty) return false;
    const ip = plain(address);
    const family = isIP(ip);
    return family !== 0 && this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * The caller's address: the direct peer, unless that is a trusted proxy; then X-Forwarded-For read
   * from the right, skipping trusted proxies, and the first address that is not one is the caller
   * (what a client writes at the left cannot pass for its address). Every hop trusted: the left-most.
   */
  callerAddress(req: http.IncomingMessage): string | null {
    const peer = req.socket.remoteAddress ? plain(req.socket.remoteAddress) : null;
    if (!this.trusts(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => plain(h.trim())).filter((h) => h !== '');
    let caller = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) break; // not an address: what lies beyond it cannot be believed
      caller = hop;
      if (!this.trusts(hop)) break;
    }
    return caller;
  }
}

/**
 * Parses TRUSTED_PROXIES: comma-separated addresses, CIDRs (at least /8 for IPv4, /32 for IPv6),
 * `loopback` or `private`. Throws naming a bad entry.
 */
export function parseTrustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
  new TrustedProxies(entries);
  return entries;
}
