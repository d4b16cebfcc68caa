import type { LookupAddress, LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Public unicast only: loopback, private, link-local (metadata), CGNAT, multicast, mapped... are refused. */
export function isPublicAddress(ip: string): boolean {
  try {
    let address = ipaddr.parse(ip);
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
      address = (address as ipaddr.IPv6).toIPv4Address();
    }
    return address.range() === 'unicast';
  } catch {
    return false;
  }
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
  if (host === 'localhost' || host.endsWith('.localhost')) return 'url must not point to localhost';
  if (isIP(host) && !isPublicAddress(host)) return 'url must not point to a private, loopback or link-local address';
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
