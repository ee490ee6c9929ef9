/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, which the report tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Starts headless Debian Chromium (no sandbox, no GPU, no background network).
 * @throws Error naming the package to install when it is missing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Opens a report file in a new page, collecting console errors, page errors, failed requests (but
 * a video's own aborted range request) and any request that is not `file://` in `problems`.
 */
export async function openReportPage(browser: Browser, path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A video element aborts its request once it has what it needs (preload="metadata"): not a problem.
  page.on('requestfailed', (request) => !(request.resourceType() === 'media' && request.failure()?.errorText === 'net::ERR_ABORTED') && problems.push(`failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('request', (request) => !request.url().startsWith('file://') && problems.push(`network: ${request.url()}`));
  await page.goto(pathToFileURL(path).href);
  return { page, problems };
}
