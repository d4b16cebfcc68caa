import { formatByteLimit, payloadTooLarge } from './body-limits';

describe('body limits', () => {
  it('should name a limit in MiB when it is whole mebibytes, else in bytes', () => {
    expect(formatByteLimit(1024 * 1024)).toBe('1 MiB');
    expect(formatByteLimit(10 * 1024 * 1024)).toBe('10 MiB');
    expect(formatByteLimit(1_500_000)).toBe('1500000-byte');
    expect(payloadTooLarge('The upload', 1_500_000).message).toBe('The upload exceeds the 1500000-byte limit.');
  });
});
