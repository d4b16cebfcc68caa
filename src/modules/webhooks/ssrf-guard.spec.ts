import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockedAddressError, guardedLookup, type Resolver } from './ssrf-guard';

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
