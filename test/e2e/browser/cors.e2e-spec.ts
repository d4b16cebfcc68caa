import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { TEST_DB } from '../../support/test-databases';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The browser's side is the same on both databases: once, in the SQLite pass (and only with Chromium).
const run = TEST_DB === 'sqlite' && existsSync(CHROMIUM) ? describe : describe.skip;

/** A page server on its own port of 127.0.0.1: another origin than the API's. */
async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>dashboard</title><p>dashboard</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

run('CORS in a real browser (contract §10)', () => {
  let ctx: TestContext;
  let browser: Browser;
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };

  beforeAll(async () => {
    allowed = await pageServer();
    other = await pageServer();
    ctx = await createTestContext({ env: { CORS_ORIGINS: allowed.origin } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
    allowed?.server.close();
    other?.server.close();
  });

  it('should let a page of an allowed origin call the API with a token and read the exposed headers', async () => {
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const result = await page.evaluate(
      async ({ api, token }) => {
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const created = await fetch(`${api}/api/v1/projects`, {
          method: 'POST',
          headers: { ...headers, 'Idempotency-Key': 'browser-1' },
          body: JSON.stringify({ name: 'From the browser' }),
        });
        const project = (await created.json()) as { project: { id: number } };
        const entry = await fetch(`${api}/api/v1/time-entries`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            project_id: project.project.id,
            start_time: '2024-01-15T09:00:00Z',
            end_time: '2024-01-15T10:00:00Z',
          }),
        });
        const one = await fetch(`${api}${entry.headers.get('Location')}`, { headers });
        const list = await fetch(`${api}/api/v1/projects`, { headers });
        const listed = (await list.json()) as { projects: Array<{ name: string }> };
        return {
          createdStatus: created.status,
          location: created.headers.get('Location'),
          projectId: project.project.id,
          oneStatus: one.status,
          etag: one.headers.get('ETag'),
          listStatus: list.status,
          names: listed.projects.map((p) => p.name),
          requestId: list.headers.get('X-Request-ID'),
          limit: list.headers.get('X-RateLimit-Limit'),
          // Not exposed: the browser hides it from the page.
          date: list.headers.get('Date'),
        };
      },
      { api: ctx.t.baseUrl, token: ADMIN_TOKEN },
    );
    expect(result.createdStatus).toBe(201);
    expect(result.location).toBe(`/api/v1/projects/${result.projectId}`);
    expect(result.oneStatus).toBe(200);
    expect(result.etag).toMatch(/^".+"$/);
    expect(result.listStatus).toBe(200);
    expect(result.names).toContain('From the browser');
    expect(result.requestId).toBeTruthy();
    expect(result.limit).toBe(String(ctx.t.config.rateLimit.perMinute));
    expect(result.date).toBeNull();
    await page.close();
  });

  it('should let the page read an error answer, 401 included', async () => {
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const result = await page.evaluate(async (api) => {
      const res = await fetch(`${api}/api/v1/projects`, { headers: { Authorization: 'Bearer tt_wrong' } });
      return {
        status: res.status,
        body: (await res.json()) as { error_code: string },
        id: res.headers.get('X-Request-ID'),
      };
    }, ctx.t.baseUrl);
    expect(result.status).toBe(401);
    expect(result.body.error_code).toBe('unauthorized');
    expect(result.id).toBeTruthy();
    await page.close();
  });

  it('should have the browser block a page of another origin', async () => {
    const page = await browser.newPage();
    await page.goto(other.origin);
    const outcome = await page.evaluate(
      async ({ api, token }) => {
        try {
          const res = await fetch(`${api}/api/v1/projects`, { headers: { Authorization: `Bearer ${token}` } });
          return `read ${res.status}`;
        } catch (error) {
          return `blocked: ${(error as Error).name}`;
        }
      },
      { api: ctx.t.baseUrl, token: ADMIN_TOKEN },
    );
    expect(outcome).toBe('blocked: TypeError');
    await page.close();
  });
});
