/**
 * The web console in headless Chromium against `wrangler dev`: the page and its security headers,
 * explaining a denied flow down to the deciding policy, and the query-token prompt. Any console
 * error, page error or failed request fails the test. Screenshots go to docs/screenshots/ with `npm run screenshots`, else to a temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrangler, type DevServer } from '../../scripts/wrangler-dev.js';
import { chromiumInstalled, CHROMIUM, launchChromium, openPage, screenshotDir } from './browser.js';

const ADMIN = 'console-admin-token';
const QUERY = 'console-query-token';
const SCREENSHOTS = screenshotDir();

describe('web console in a browser', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!chromiumInstalled()) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  describe('with no query token (the demo needs no setup)', () => {
    let server: DevServer | undefined;
    beforeAll(async () => {
      server = await startWrangler({ stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-console-')), vars: { ADMIN_TOKEN: ADMIN } });
    }, 120_000);
    afterAll(async () => server?.stop());

    it('serves the page with its security headers and no console error', async () => {
      const { page, errors, context } = await openPage(browser!);
      const response = await page.goto(`${server!.url}/ui/?view=explain`);
      const headers = response!.headers();
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['content-security-policy']).toContain("script-src 'self'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
      await expect.poll(() => page.locator('select', { hasText: '(active)' }).count()).toBe(1);
      // The demo's only version is picked, and a query token sees no admin action.
      expect(await page.getByRole('button', { name: 'Activate this version' }).count()).toBe(0);
      await context.close();
      expect(errors).toEqual([]);
    }, 60_000);

    it('explains a denied flow, names the deciding policy, and keeps the flow in the URL', async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const { page, errors, context } = await openPage(browser!, { colorScheme: scheme });
        await page.goto(`${server!.url}/?bundle=demo&view=explain`);
        await page.getByLabel('Source').fill('ns2/search');
        await page.getByLabel('Destination').fill('ns1/web');
        await page.getByLabel('Port').fill('80');
        await page.getByRole('button', { name: 'Explain' }).click();
        const explanation = page.getByRole('region', { name: 'Explanation' });
        await expect.poll(() => explanation.locator('.verdict-line').textContent()).toContain('denied');
        const ingress = explanation.locator('table.sides tr', { hasText: 'ingress' });
        expect(await ingress.textContent()).toContain('ns1/test-network-policy');
        expect(await ingress.textContent()).toContain('denied');
        expect(await explanation.locator('pre').textContent()).toContain('ingress DENIED');
        const url = new URL(page.url());
        expect(Object.fromEntries(url.searchParams)).toMatchObject({ view: 'explain', src: 'ns2/search', dst: 'ns1/web', port: '80' });
        await page.screenshot({ path: join(SCREENSHOTS, `explain${scheme === 'dark' ? '-dark' : ''}.png`), fullPage: true });

        // The shared link alone reproduces the explanation.
        const again = await context.newPage();
        await again.goto(page.url());
        await expect.poll(() => again.locator('.verdict-line').textContent()).toContain('denied');
        await context.close();
        expect(errors).toEqual([]);
      }
    }, 90_000);

    it('takes endpoints by labels and by IP, and says what is wrong with a bad one', async () => {
      const { page, errors, context } = await openPage(browser!);
      await page.goto(`${server!.url}/?bundle=demo&view=explain`);
      await page.getByLabel('Source').fill('ns3:app=frontend');
      await page.getByLabel('Destination').fill('10.1.1.10');
      await page.getByLabel('Port').fill('80');
      await page.getByRole('button', { name: 'Explain' }).click();
      await expect.poll(() => page.locator('.verdict-line').textContent()).toContain('allowed');
      expect(await page.locator('table.sides').textContent()).toContain('ns1/test-network-policy ingress rule 0 allows it');
      await page.getByLabel('Port').fill('99999');
      await page.getByRole('button', { name: 'Explain' }).click();
      expect(await page.getByRole('alert').textContent()).toContain('port: "99999" is not a port');
      await context.close();
      expect(errors).toEqual([]);
    }, 60_000);
  });

  describe('when the Worker requires a query token', () => {
    let server: DevServer | undefined;
    beforeAll(async () => {
      server = await startWrangler({
        stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-console-')),
        vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY },
      });
    }, 120_000);
    afterAll(async () => server?.stop());

    it('asks for it, shows nothing without it, keeps it in session storage only, and hides admin actions from it', async () => {
      const { page, errors, context } = await openPage(browser!);
      await page.goto(`${server!.url}/?bundle=demo&view=explain`);
      await expect.poll(() => page.getByRole('heading', { name: 'Token needed' }).count()).toBe(1);
      expect(await page.getByLabel('Source').count()).toBe(0);
      expect(await page.locator('select').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'token.png') });

      await page.getByLabel('Query token').fill('not-the-token');
      await page.getByRole('button', { name: 'Use token' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');

      await page.getByLabel('Query token').fill(QUERY);
      await page.getByRole('button', { name: 'Use token' }).click();
      await expect.poll(() => page.getByLabel('Source').count()).toBe(1);
      expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([1, 0, '']);
      expect(await page.getByRole('button', { name: /Activate/ }).count()).toBe(0);

      // A new tab of another session starts without it.
      const other = await openPage(browser!);
      await other.page.goto(`${server!.url}/`);
      await expect.poll(() => other.page.getByRole('heading', { name: 'Token needed' }).count()).toBe(1);
      await other.context.close();
      await context.close();
      expect([...errors, ...other.errors]).toEqual([]);
    }, 90_000);

    it('offers activation to an admin token only, when an older version is picked', async () => {
      const put = (body: string) =>
        fetch(`${server!.url}/v1/bundles/tokens`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' }, body });
      const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n';
      const v1 = ((await (await put(namespace)).json()) as { version: string }).version;
      expect((await put(`${namespace}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n`)).status).toBe(201);
      const { page, errors, context } = await openPage(browser!);
      await page.goto(`${server!.url}/?bundle=tokens&view=explain&version=${v1}`);
      await page.getByLabel('Query token').fill(ADMIN);
      await page.getByRole('button', { name: 'Use token' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Activate this version' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Activate this version' }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Activated' }).count()).toBe(1);
      const info = (await (await fetch(`${server!.url}/v1/bundles/tokens`, { headers: { authorization: `Bearer ${QUERY}` } })).json()) as { active: string };
      expect(info.active).toBe(v1);
      await context.close();
      expect(errors).toEqual([]);
    }, 90_000);
  });
});
