import type { LookupAddress, LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const cidr = (text: string) => ipaddr.IPv6.parseCIDR(text);

/** IPv6 forms whose low 32 bits are the IPv4 address the packet really goes to. */
const IPV4_IN_LOW_BITS = [
  cidr('::/96'), // IPv4-compatible (deprecated): [::127.0.0.1] is written [::7f00:1]
  cidr('::ffff:0:0/96'), // IPv4-mapped
  cidr('::ffff:0:0:0/96'), // IPv4-translated (RFC 6145)
  cidr('64:ff9b::/96'), // NAT64 well-known prefix (RFC 6052)
];
/** 6to4 (RFC 3056): 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD. */
const SIX_TO_FOUR = cidr('2002::/16');
/** All the IPv6 address space IANA hands out for global unicast. */
const GLOBAL_UNICAST = cidr('2000::/3');

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = address.toByteArray();
  if (IPV4_IN_LOW_BITS.some((range) => address.match(range))) return new ipaddr.IPv4(bytes.slice(12));
  if (address.match(SIX_TO_FOUR)) return new ipaddr.IPv4(bytes.slice(2, 6));
  return null;
}

/**
 * Public unicast only: loopback, private, link-local (metadata), CGNAT, multicast, reserved... are
 * refused. An IPv6 address that embeds an IPv4 one is judged by that IPv4 address (a NAT64 form of
 * a public address is what DNS64 answers on IPv6-only networks); any other IPv6 address must be
 * global unicast (2000::/3, less Teredo, documentation and the like). The one rule for the check at
 * creation and the one at connection time, so both always agree.
 */
export function isPublicAddress(ip: string): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return false;
  }
  if (address.kind() === 'ipv4') return address.range() === 'unicast';
  const ipv6 = address as ipaddr.IPv6;
  const ipv4 = embeddedIPv4(ipv6);
  if (ipv4) return ipv4.range() === 'unicast';
  return ipv6.range() === 'unicast' && ipv6.match(GLOBAL_UNICAST);
}

function allowed(host: string, allowList: readonly string[]): boolean {
  return allowList.includes(host.toLowerCase().replace(/^\[|\]$/g, ''));
}

/**
 * Checks a webhook URL as written (no DNS lookup): http(s) only, and no loopback, private,
 * link-local or metadata address literal (WHATWG parsing normalises decimal, octal and hex forms)
 * nor `localhost`, unless the host is allow-listed. Returns the reason, or null when acceptable.
 */
export function checkTargetUrl(text: string, allowList: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must use http or https';
  if (url.username || url.password) return 'url must not contain credentials';
  // A fully qualified name may end in a dot (`localhost.`): the same host.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!host) return 'url must have a host';
  if (allowed(host, allowList)) return null;
  const unless = `list ${host} in WEBHOOK_ALLOWED_PRIVATE_HOSTS to allow it`;
  if (host === 'localhost' || host.endsWith('.localhost')) return `url host ${host} is a loopback name; ${unless}`;
  if (isIP(host) && !isPublicAddress(host)) {
    return `url host ${host} is a private, loopback or link-local address; ${unless}`;
  }
  return null;
}

export type Resolver = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

export class BlockedAddressError extends Error {
  readonly code = 'ESSRFBLOCKED';
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses the connection when any resolved address is not public
 * (defeats DNS rebinding: the check runs on the very addresses the socket will use).
 */
export function guardedLookup(resolver: Resolver, allowList: readonly string[]) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    resolver(hostname, { all: true, family: options.family })
      .then((addresses) => {
        if (addresses.length === 0) throw new Error(`${hostname} did not resolve`);
        if (!allowed(hostname, allowList) && addresses.some((a) => !isPublicAddress(a.address))) {
          throw new BlockedAddressError(`${hostname} resolves to a private, loopback or link-local address`);
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      })
      .catch((error: Error) => callback(error, ''));
  };
}
