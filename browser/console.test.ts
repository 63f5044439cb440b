import type { Browser, Page } from 'playwright-core';
import { freePort, waitFor } from '@sessiond/test-utils';
import { ADMIN, basic, Stack } from '../faults/support/stack';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';

// Issue 16: the operator console, end to end in Debian's headless Chromium against the real stack
// (redis-server, the project's TACACS+ server as a process, the built auth-api with the console on
// its management listener). Every action goes through the page, as an operator would do it.

const ALICE = { username: 'alice', password: 'alice-pw', 'priv-lvl': 15 } as const;
const BOB = { username: 'bob', password: 'bob-pw', 'priv-lvl': 15 } as const;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let stack: Stack;
let browser: Browser;
let consoleUrl: string;
let tacacsSource: string;

/** A login through the public port, as a client would (the answer's status). */
async function login(username: string, password: string, agent = 'console-e2e'): Promise<Response> {
  return fetch(`${stack.api.url}/api/v1/auth/token-services`, {
    method: 'POST',
    headers: { Authorization: basic(username, password), 'User-Agent': agent },
  });
}

async function openConsole(errors: string[][]): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  errors.push(collectPageErrors(page));
  await page.goto(consoleUrl);
  return page;
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.press('#login-password', 'Enter');
}

beforeAll(async () => {
  const managementPort = await freePort();
  stack = await Stack.start({
    extraUsers: [ALICE, BOB],
    env: {
      MANAGEMENT_PORT: String(managementPort),
      CONSOLE: 'management',
      SESSION_LIMIT_PER_USER: '5',
      // The third wrong password of a user at an address throttles the pair (the unlock case).
      LOGIN_MAX_FAILURES: '3',
      // A stopped server is probed again a second after it was held down.
      TACACS_HOLD_DOWN_MS: '1000',
      AAA_TIMEOUT_MS: '500',
      AAA_RETRIES: '0',
    },
  });
  tacacsSource = stack.tacacs[0]?.address ?? '';
  consoleUrl = `http://127.0.0.1:${managementPort}/console/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the operator console in Chromium', () => {
  const pageErrors: string[][] = [];
  let page: Page;

  afterAll(() => {
    // No JavaScript error and no CSP violation on any page the tests opened.
    expect(pageErrors.flat()).toEqual([]);
  });

  it('is served with a strict CSP and no third-party origin', async () => {
    const res = await fetch(consoleUrl);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i); // no inline script
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
  });

  it('refuses a user who is not in ADMIN_USERS', async () => {
    const bobPage = await openConsole(pageErrors);
    await signIn(bobPage, BOB.username, BOB.password);
    await bobPage.waitForSelector('#login-error:has-text("ADMIN_USERS")');
    await screenshot(bobPage, 'non-admin');
    await bobPage.context().close();
  });

  it('logs in as admin and finds alice’s 3 sessions; revoking one changes the count', async () => {
    for (const agent of ['curl/8.5', 'Cisco Prime 3.10', 'python-requests/2.31']) {
      expect((await login(ALICE.username, ALICE.password, agent)).status).toBe(200);
    }
    page = await openConsole(pageErrors);
    await screenshot(page, 'login');
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.waitForSelector('#logout');
    await page.click('a[href="#sessions"]');
    await page.fill('#user-search', ALICE.username);
    await page.press('#user-search', 'Enter');
    await page.waitForSelector('#session-count:has-text("3 of 5")');
    expect(await page.locator('tr[data-session-id]').count()).toBe(3);
    await page.waitForSelector(`#top-users :text("${ALICE.username}")`);
    await screenshot(page, 'sessions');

    await page.locator('tr[data-session-id] button.revoke').first().click();
    // The confirm step: the same row's confirm button (never window.confirm).
    await page.locator('tr[data-session-id] button.confirm').first().click();
    await page.waitForSelector('#session-count:has-text("2 of 5")');
    expect(await page.locator('tr[data-session-id]').count()).toBe(2);
    await screenshot(page, 'sessions-after-revoke');

    await page.setViewportSize(PHONE);
    await screenshot(page, 'sessions-phone');
    await page.setViewportSize(DESKTOP);
  });

  it('shows a TACACS+ server go down when its process is stopped, and come back', async () => {
    await page.click('a[href="#health"]');
    const state = page.locator(`[data-source="${tacacsSource}"] [data-state]`);
    await waitFor(async () => (await state.getAttribute('data-state')) === 'up', {
      timeoutMs: 20_000,
      message: 'the TACACS+ server shown up',
    });
    await page.waitForSelector('#redis-state:has-text("up")');
    await screenshot(page, 'health-up');

    await stack.tacacs[0]?.kill();
    // auth-api learns of the outage from the next login (503 aaa_unavailable: the only AAA method).
    expect((await login(ALICE.username, ALICE.password)).status).toBe(503);
    await waitFor(
      async () => ['down', 'held-down'].includes((await state.getAttribute('data-state')) ?? ''),
      {
        timeoutMs: 20_000,
        message: 'the TACACS+ server shown down',
      },
    );
    await screenshot(page, 'health-down');

    await stack.tacacs[0]?.restart();
    // After the hold-down, a login probes the server and finds it back.
    await waitFor(async () => (await login(ALICE.username, ALICE.password)).status === 200, {
      timeoutMs: 20_000,
      message: 'a login through the restarted TACACS+ server',
    });
    await waitFor(async () => (await state.getAttribute('data-state')) === 'up', {
      timeoutMs: 20_000,
      message: 'the TACACS+ server shown up again',
    });
    await screenshot(page, 'health-back');
  });

  it('shows a burst of wrong passwords as invalid_credentials in the chart, with the latest refusals', async () => {
    await page.click('a[href="#refusals"]');
    for (let i = 0; i < 3; i += 1) {
      expect((await login('mallory', `wrong-${i}`, 'brute/1.0')).status).toBe(401);
    }
    const total = page.locator('#refusal-totals [data-cause="invalid_credentials"]');
    await waitFor(async () => /\b3\b/.test((await total.textContent()) ?? ''), {
      timeoutMs: 20_000,
      message: '3 invalid_credentials in the totals',
    });
    await page.waitForSelector('#latest-refusals tr:has-text("mallory")');
    expect(await page.locator('#refusals-chart').isVisible()).toBe(true);
    await screenshot(page, 'refusals');
  });

  it('unlocks a throttled user from the latest refusals', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login(BOB.username, `wrong-${i}`)).status).toBe(401);
    expect((await login(BOB.username, BOB.password)).status).toBe(429); // login_throttled
    const row = page.locator('#latest-refusals tr', { hasText: BOB.username }).filter({
      has: page.locator('button.unlock'),
    });
    await row.first().locator('button.unlock').click();
    await page.waitForSelector('#status:has-text("Unlocked bob")');
    await screenshot(page, 'refusals-unlocked');
    expect((await login(BOB.username, BOB.password)).status).toBe(200);
  });

  it('is usable with the keyboard alone: sign in, then reach every view', async () => {
    const keyboardPage = await openConsole(pageErrors);
    await keyboardPage.focus('#login-username');
    await keyboardPage.keyboard.type(ADMIN.username);
    await keyboardPage.keyboard.press('Tab');
    await keyboardPage.keyboard.type(ADMIN.password);
    await keyboardPage.keyboard.press('Enter');
    await keyboardPage.waitForSelector('#logout');
    for (const view of ['health', 'refusals', 'sessions']) {
      const link = keyboardPage.locator(`a[href="#${view}"]`);
      await link.focus();
      await keyboardPage.keyboard.press('Enter');
      await waitFor(async () => (await keyboardPage.evaluate(() => location.hash)) === `#${view}`, {
        timeoutMs: 5_000,
        message: `the ${view} view after Enter on its link`,
      });
    }
    await keyboardPage.context().close();
  });
});
