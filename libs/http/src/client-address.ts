import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';

export interface AddressedRequest {
  /** Null once Node has let a finished or cut request's socket go. */
  readonly socket: { readonly remoteAddress?: string } | null;
  readonly headers: IncomingHttpHeaders;
}

/**
 * `::ffff:10.0.0.1` (a dual-stack socket's IPv4 peer) as `10.0.0.1`, so one client has one key;
 * a hop some proxies write with its port (`10.0.0.1:5555`, `[2001:db8::1]:443`) without it.
 */
function plain(address: string): string {
  const bare = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(address)?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address)?.[1] ?? address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped ? mapped[1]! : bare;
}

/**
 * Who sent a request, for per-address limits (ADR 0149). Behind a proxy the socket's address is
 * the proxy's for every client, and the limits would hold all of them to one budget. The proxies named
 * in `VANGUARD_TRUSTED_PROXIES` (addresses or CIDR ranges, comma-separated) are believed about who
 * they forwarded for: `X-Forwarded-For` is read right to left, past the trusted hops, to the first
 * address none of them is. A connection from anyone else is its socket's address, whatever
 * headers it sends, so a client cannot choose its own key.
 */
export class ClientAddresses {
  private constructor(private readonly trusted: BlockList | null) {}

  /** Refuses, naming it, an entry that is neither an address nor a range: a typo must not trust no one silently. */
  static parse(spec: string | undefined): ClientAddresses {
    const entries = (spec ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    if (entries.length === 0) return new ClientAddresses(null);
    const trusted = new BlockList();
    for (const entry of entries) {
      const [address = '', bits, extra] = entry.split('/');
      const family = isIP(address);
      // Digits only: Number('') is 0, and `10.0.0.0/` would have trusted every address.
      const prefix = bits !== undefined && /^\d{1,3}$/.test(bits) ? Number(bits) : undefined;
      const maxBits = family === 4 ? 32 : 128;
      if (family === 0 || extra !== undefined || (bits !== undefined && (prefix === undefined || prefix > maxBits)))
        throw new Error(`VANGUARD_TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range (10.0.0.0/8, ::1)`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) trusted.addAddress(address, type);
      else trusted.addSubnet(address, prefix, type);
    }
    return new ClientAddresses(trusted);
  }

  of(req: AddressedRequest): string {
    let address = plain(req.socket?.remoteAddress ?? 'unknown');
    if (!this.trusted || !this.isTrusted(address)) return address;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => plain(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      // Not an address (squid's `unknown`, a hop the client wrote that a proxy passed on): the proxy
      // that handed it over is the best key there is, shared by everyone it forwards so.
      if (isIP(hop) === 0) return address;
      address = hop;
      if (!this.isTrusted(hop)) return hop;
    }
    return address;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted!.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

let current: { readonly spec: string | undefined; readonly addresses: ClientAddresses } | undefined;

/** The process's setting, read again when the environment changes it (tests start apps with their own). */
function fromEnvironment(): ClientAddresses {
  const spec = process.env['VANGUARD_TRUSTED_PROXIES'];
  if (current === undefined || current.spec !== spec) current = { spec, addresses: ClientAddresses.parse(spec) };
  return current.addresses;
}

/** The calling client's address under `VANGUARD_TRUSTED_PROXIES` (ClientAddresses). */
export function clientAddress(req: AddressedRequest): string {
  return fromEnvironment().of(req);
}

/** Read at start-up (configureHttpApp), so a bad setting stops the service rather than its first request. */
export function checkTrustedProxies(): void {
  fromEnvironment();
}
