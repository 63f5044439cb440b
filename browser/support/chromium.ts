import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); CHROMIUM_PATH names another. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The flags of issue 16: headless, no sandbox (root in CI), nothing fetched from the network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
] as const;

/** Where screenshots go (the closing note shows them). */
export const SCREENSHOTS = join(__dirname, '..', '..', '.ci', 'out');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
}

/**
 * Every JavaScript error, failed console message and CSP violation of a page, so a test can require
 * none. (A CSP violation is reported as a console error by Chromium.)
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // An API answer of 4xx is the page's business (it shows the problem), not a script error.
    if (message.type() === 'error' && !EXPECTED_REFUSAL.test(message.text()))
      errors.push(`console.error: ${message.text()}`);
  });
  return errors;
}

const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of 4\d\d/;

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `console-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
