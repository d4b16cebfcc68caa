import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { TEST_DB } from '../../support/test-databases';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '../../../test-artifacts');
// The UI is the same on both databases: run it once, in the SQLite pass (and only with Chromium).
const run = TEST_DB === 'sqlite' && existsSync(CHROMIUM) ? describe : describe.skip;
if (TEST_DB === 'sqlite' && !existsSync(CHROMIUM)) {
  process.stdout.write(`SKIPPED: Swagger UI browser test (no Chromium at ${CHROMIUM}; apt-get install -y chromium)\n`);
}

run('Swagger UI in a real browser', () => {
  let ctx: TestContext;
  let browser: Browser;

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.t.post('/api/v1/projects', { name: 'Browser Project' }, { token: ADMIN_TOKEN });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('should authorize with a token and run GET /api/v1/projects from /api/docs', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    await page.goto(`${ctx.t.baseUrl}/api/docs`);
    await page.locator('button.authorize').first().click();
    const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' }).first();
    await bearer.locator('input').first().fill(ADMIN_TOKEN);
    await bearer.locator('button.authorize').click();
    await page.locator('button.btn-done').first().click();

    const operation = page.locator('#operations-Projects-listProjects');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    const body = await operation.locator('.live-responses-table .highlight-code').first().innerText();
    expect(body).toContain('"Browser Project"');
    expect(body).toContain('"pagination"');

    mkdirSync(ARTIFACTS, { recursive: true });
    await operation.screenshot({ path: join(ARTIFACTS, 'swagger-ui-list-projects.png') });
    expect(existsSync(join(ARTIFACTS, 'swagger-ui-list-projects.png'))).toBe(true);
  });
});
