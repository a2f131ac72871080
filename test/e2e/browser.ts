/**
 * @module Headless Chromium for the console's browser tests: Debian's chromium (installed by
 * .ci/run) driven by playwright-core, with the flags this machine needs (no sandbox as root, no
 * background networking; playwright gives each launch a new empty profile), and every console error and page error collected.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Where the browser tests write their screenshots: `docs/screenshots/` (the README's images) only
 * when asked, by `npm run screenshots` (SCREENSHOTS_DIR), else a fresh temporary directory, so that
 * a test run does not leave the working tree changed.
 */
export function screenshotDir(): string {
  const asked = process.env.SCREENSHOTS_DIR;
  if (!asked) return mkdtempSync(join(tmpdir(), 'netpol-edge-screenshots-'));
  const dir = resolve(asked);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors, uncaught exceptions and failed requests, as text. */
  readonly errors: string[];
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new page (own context, so its own session storage) that records every error it sees. */
export async function openPage(browser: Browser, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return { page, context, errors };
}
