import { isIpAllowed, isValidAllowlistEntry } from './ip-allowlist';

describe('ip allow-list', () => {
  it('should match exact addresses and CIDR ranges', () => {
    expect(isIpAllowed('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(isIpAllowed('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
    expect(isIpAllowed('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(isIpAllowed('2001:db8::1', ['2001:db8::/32'])).toBe(true);
  });

  it('should treat IPv4-mapped IPv6 as IPv4', () => {
    expect(isIpAllowed('::ffff:127.0.0.1', ['127.0.0.0/8'])).toBe(true);
    expect(isIpAllowed('::ffff:127.0.0.1', ['127.0.0.1'])).toBe(true);
  });

  it('should refuse garbage', () => {
    expect(isIpAllowed('not-an-ip', ['0.0.0.0/0'])).toBe(false);
    expect(isValidAllowlistEntry('10.0.0.0/33')).toBe(false);
    expect(isValidAllowlistEntry('example.com')).toBe(false);
    expect(isValidAllowlistEntry('192.168.1.0/24')).toBe(true);
  });
});
