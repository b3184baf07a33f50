/**
 * Browser tests' helpers: Debian's Chromium driven by playwright-core (DESIGN.md §6; `npx playwright install`
 * cannot work here), a guard that fails a test when a page asks any host but the gateway, and screenshots kept
 * under test-artifacts/browser/ (git-ignored) to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (CHROMIUM_PATH overrides). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** True when the browser tests can run; otherwise says so in one line (jest then skips them). */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  process.stderr.write(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)\n`);
  return false;
}

/**
 * Launches headless Chromium with the flags of DESIGN.md §6. playwright gives every launch a fresh, temporary
 * profile (its own --user-data-dir), removed on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Chromium, launched as above, and one page at the size every screenshot is taken at. */
export async function launchPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  return { browser, page: await browser.newPage({ viewport: { width: 1280, height: 800 } }) };
}

/**
 * Records every request a page makes (HTTP and WebSocket) to a host other than `gatewayUrl`'s. Pages embed a few
 * things as data: URLs (an icon, fonts): those are not requests to anyone.
 */
export function foreignRequests(page: Page, gatewayUrl: string): string[] {
  const { host } = new URL(gatewayUrl);
  const foreign: string[] = [];
  const check = (url: string): void => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).host !== host) foreign.push(url);
  };
  page.on('request', (request) => check(request.url()));
  page.on('websocket', (socket) => check(socket.url()));
  return foreign;
}

/** Takes numbered screenshots into test-artifacts/browser/<folder>/. */
export function screenshots(folder: string): (page: Page, name: string) => Promise<string> {
  const dir = new URL(`../../test-artifacts/browser/${folder}/`, import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  let taken = 0;
  return async (page, name) => {
    taken += 1;
    const path = `${dir}${String(taken).padStart(2, '0')}-${name}.png`;
    await page.screenshot({ path });
    return path;
  };
}

/** Waits until `check` holds, looking every 50 ms, up to `ms`; fails with `what`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
