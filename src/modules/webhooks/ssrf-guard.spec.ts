import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockedAddressError, checkTargetUrl, guardedLookup, isPublicAddress, type Resolver } from './ssrf-guard';

const PUBLIC = { address: '93.184.216.34', family: 4 };
const LOOPBACK = { address: '127.0.0.1', family: 4 };

/** A resolver that gives each answer in turn (the last one again when they run out), counting calls. */
function scriptedResolver(...answers: Array<Array<{ address: string; family: number }>>) {
  let calls = 0;
  const resolver: Resolver = async () => answers[Math.min(calls++, answers.length - 1)];
  return { resolver, calls: () => calls };
}

const lookupOnce = (lookup: ReturnType<typeof guardedLookup>, options: { all?: boolean } = {}) =>
  new Promise<{ error: Error | null; address: unknown }>((resolve) =>
    lookup('rebind.test', options, (error, address) => resolve({ error, address })),
  );

describe('guardedLookup', () => {
  let sentinel: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    sentinel = createServer((_req, res) => res.end('ok'));
    sentinel.on('connection', () => connections++);
    sentinel.listen(0, '127.0.0.1');
    await once(sentinel, 'listening');
    port = (sentinel.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => sentinel.close(() => resolve())));

  /** An HTTP request through the guard, as the webhook sender makes it. */
  const send = (resolver: Resolver) =>
    new Promise<{ status?: number; error?: NodeJS.ErrnoException }>((resolve) => {
      const req = request(
        { host: 'rebind.test', port, path: '/', lookup: guardedLookup(resolver, []) as never, timeout: 2000 },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode });
        },
      );
      req.on('error', (error) => resolve({ error }));
      req.end();
    });

  it('should check every resolution, so a second answer that rebinds to loopback is refused', async () => {
    const { resolver, calls } = scriptedResolver([PUBLIC], [LOOPBACK]);
    const lookup = guardedLookup(resolver, []);
    expect(await lookupOnce(lookup)).toEqual({ error: null, address: PUBLIC.address });
    const second = await lookupOnce(lookup);
    expect(second.error).toBeInstanceOf(BlockedAddressError);
    expect(calls()).toBe(2);
  });

  it('should refuse an answer holding a public and a loopback record, in either order', async () => {
    for (const answer of [
      [PUBLIC, LOOPBACK],
      [LOOPBACK, PUBLIC],
    ]) {
      const lookup = guardedLookup(scriptedResolver(answer).resolver, []);
      expect((await lookupOnce(lookup)).error).toBeInstanceOf(BlockedAddressError);
      expect((await lookupOnce(lookup, { all: true })).error).toBeInstanceOf(BlockedAddressError);
    }
  });

  it('should let a socket reach no loopback listener through a rebinding or multi-record answer', async () => {
    connections = 0;
    for (const resolver of [
      scriptedResolver([LOOPBACK]).resolver,
      scriptedResolver([PUBLIC, LOOPBACK]).resolver,
      scriptedResolver([{ address: '::ffff:127.0.0.1', family: 6 }]).resolver,
      scriptedResolver([{ address: '::7f00:1', family: 6 }]).resolver,
      scriptedResolver([{ address: '64:ff9b::7f00:1', family: 6 }]).resolver,
    ]) {
      const outcome = await send(resolver);
      expect(outcome.status).toBeUndefined();
      expect(outcome.error?.code).toBe('ESSRFBLOCKED');
    }
    expect(connections).toBe(0);
  });

  it('should connect to an allow-listed host (the control for the test above)', async () => {
    connections = 0;
    const outcome = await new Promise<{ status?: number }>((resolve, reject) => {
      const req = request(
        {
          host: 'rebind.test',
          port,
          lookup: guardedLookup(scriptedResolver([LOOPBACK]).resolver, ['rebind.test']) as never,
        },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(outcome.status).toBe(200);
    expect(connections).toBe(1);
  });

  it('should fail a name that resolves to nothing', async () => {
    const lookup = guardedLookup(scriptedResolver([]).resolver, []);
    expect((await lookupOnce(lookup)).error?.message).toMatch(/did not resolve/);
  });
});

/** IPv6 forms of private IPv4 addresses, as WHATWG URL parsing and resolvers write them. */
const EMBEDDED_PRIVATE = [
  '::7f00:1', // IPv4-compatible ::127.0.0.1
  '::a00:1', // ::10.0.0.1
  '::a9fe:a9fe', // ::169.254.169.254 (metadata)
  '::ffff:7f00:1', // IPv4-mapped ::ffff:127.0.0.1
  '::ffff:c0a8:101', // ::ffff:192.168.1.1
  '::ffff:0:7f00:1', // IPv4-translated
  '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
  '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
  '2002:7f00:1::', // 6to4 of 127.0.0.1
  '2002:a00:1::1', // 6to4 of 10.0.0.1
  '2002:a9fe:a9fe::', // 6to4 of 169.254.169.254
  '::', // ::0.0.0.0
];

describe('isPublicAddress', () => {
  it.each(EMBEDDED_PRIVATE)('should refuse %s, which embeds a private or loopback IPv4 address', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254', // AWS metadata over IPv6
    'ff02::1',
    '2001:db8::1', // documentation
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
    '64:ff9b:1::a00:1', // local-use NAT64
    '::1:7f00:1', // reserved ::/8
    'not an address',
  ])('should refuse %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '2606:4700:4700::1111',
    '::ffff:808:808',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('should accept the public address %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('checkTargetUrl', () => {
  it.each(['http://[::127.0.0.1]/', 'http://[::7f00:1]/', ...EMBEDDED_PRIVATE.map((ip) => `https://[${ip}]:8443/x`)])(
    'should refuse %s, naming WEBHOOK_ALLOWED_PRIVATE_HOSTS',
    (url) => {
      expect(checkTargetUrl(url, ['127.0.0.1'])).toMatch(
        /is a private, loopback or link-local address; list .+ in WEBHOOK_ALLOWED_PRIVATE_HOSTS to allow it$/,
      );
    },
  );

  it('should say how to allow a refused host, naming it as it must be listed', () => {
    expect(checkTargetUrl('http://0x7f.1/', [])).toBe(
      'url host 127.0.0.1 is a private, loopback or link-local address; list 127.0.0.1 in WEBHOOK_ALLOWED_PRIVATE_HOSTS to allow it',
    );
    expect(checkTargetUrl('http://localhost./', [])).toBe(
      'url host localhost is a loopback name; list localhost in WEBHOOK_ALLOWED_PRIVATE_HOSTS to allow it',
    );
    expect(checkTargetUrl('http://[::7f00:1]/', ['::7f00:1'])).toBeNull();
  });

  it('should accept public hosts', () => {
    expect(checkTargetUrl('https://hooks.example.com/in', [])).toBeNull();
    expect(checkTargetUrl('http://[2606:4700:4700::1111]/', [])).toBeNull();
  });
});
