import ipaddr from 'ipaddr.js';

/** True when `entry` is an IP address or a CIDR range (v4 or v6). */
export function isValidAllowlistEntry(entry: string): boolean {
  try {
    if (entry.includes('/')) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return true;
  } catch {
    return false;
  }
}

/** Whether `ip` matches an exact address or a CIDR of the list; IPv4-mapped IPv6 counts as IPv4. */
export function isIpAllowed(ip: string, allowlist: readonly string[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = normalise(ipaddr.parse(ip));
  } catch {
    return false;
  }
  return allowlist.some((entry) => {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        const normalisedRange = normalise(range);
        const prefix = normalisedRange.kind() !== range.kind() ? bits - 96 : bits;
        return address.kind() === normalisedRange.kind() && address.match(normalisedRange, prefix);
      }
      return normalise(ipaddr.parse(entry)).toString() === address.toString();
    } catch {
      return false;
    }
  });
}

function normalise(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}
