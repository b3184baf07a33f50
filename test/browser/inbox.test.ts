/**
 * The inbox in a real browser (Debian's Chromium through playwright-core) against a gateway and an emulator as
 * `npm start` wires them, with npm start's seed messages: the conversations render, a sent message ticks to
 * DELIVERED without a reload, an inbound message appears, MMS images load, a double click sends once, an
 * opted-out number's userError sits under To. Every step is a screenshot in test-artifacts/browser/inbox/.
 * The page may ask nothing of any host but the gateway. Prints the first render and the inbox's JS (gzip).
 */
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { basicAuth } from '../support/emulator.js';
import { startWiredStack, type Stack } from '../support/gateway.js';
import { chromiumAvailable, eventually, foreignRequests, launchPage, screenshots } from '../support/browser.js';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

/** The inbox's budget for its JavaScript, gzip (issue 13). */
const JS_BUDGET_BYTES = 150 * 1024;

/** Sends an inbound message through the emulator, which posts it to the gateway once received. */
async function inbound(stack: Stack, from: string, body: string): Promise<void> {
  const response = await fetch(`${stack.emu.url}/emulator/inbound`, {
    method: 'POST',
    headers: { authorization: basicAuth(stack.emu.account), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ From: from, To: '+15005550006', Body: body }).toString(),
  });
  expect(response.status).toBe(201);
  stack.emu.clock.advance(1_000);
}

/** The status a message bubble shows, by its body. */
const statusOf = (page: Page, body: string): Promise<string | null> => page.locator('li.bubble', { hasText: body }).first().getAttribute('data-status', { timeout: 1_000 }).catch(() => null);

describeBrowser('the inbox in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];
  const shot = screenshots('inbox');
  const scripts = new Map<string, Buffer>();

  beforeAll(async () => {
    stack = await startWiredStack({}, { seed: true });
    // As npm start does: the emulator's number sends its inbound messages to the gateway.
    stack.emu.setSmsUrl(`${stack.url}/twilio/inbound`);
    ({ browser, page } = await launchPage());
    foreign = foreignRequests(page, stack.url);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) void response.body().then((body) => scripts.set(response.url(), body), () => undefined);
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the seed conversations, newest first, soon after navigation', async () => {
    await page.goto(`${stack.url}/`);
    const conversations = page.getByRole('navigation', { name: 'Conversations' }).locator('button.conversation');
    await conversations.first().waitFor();
    const parties = await conversations.locator('.party').allTextContents();
    expect(parties).toEqual(['+1 415 555 0104 · WhatsApp', '+1 415 555 0103', '+1 415 555 0102', '+1 415 555 0101']);
    const firstRender = await page.evaluate<number>("performance.getEntriesByName('inbox:conversations')[0]?.startTime ?? -1");
    // Every script the page names (its entry and the chunks it preloads) has arrived.
    const named = await page.locator('script[src], link[rel=modulepreload]').count();
    await eventually('the page\'s scripts', () => scripts.size >= named);
    const jsGzip = [...scripts.values()].reduce((sum, body) => sum + gzipSync(body).length, 0);
    process.stderr.write(`inbox: conversations rendered ${firstRender.toFixed(0)} ms after navigation; JS ${(jsGzip / 1024).toFixed(1)} KB gzip in ${scripts.size} files\n`);
    expect(firstRender).toBeGreaterThan(0);
    expect(jsGzip).toBeLessThanOrEqual(JS_BUDGET_BYTES);
    // Marks the page: a reload would lose it.
    await page.evaluate("window.__sameDocument = true");
    await shot(page, 'conversations');
  });

  it('renders an MMS conversation with its pictures', async () => {
    await page.getByRole('button', { name: /415 555 0103/ }).click();
    const images = page.locator('li.bubble img');
    await images.first().waitFor();
    expect(await images.count()).toBe(2);
    await eventually('the pictures to load', async () => (await images.evaluateAll((all) => all.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0))) === true);
    await shot(page, 'mms');
  });

  it('previews a draft live, then sends it once on a double click', async () => {
    await page.getByRole('button', { name: '+ New message' }).click();
    await page.getByLabel('To', { exact: true }).fill('+14155550100');
    const body = 'Café opens at 10 ✓ see you';
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(body);
    await page.getByText('UCS-2 because of').waitFor();
    expect(await page.locator('.preview').textContent()).toMatch(/UCS-2.*1 segment.*about \$0\.0079.*✓/);
    await shot(page, 'compose-preview');
    stack.emu.handler.resetCalls();
    await page.getByRole('button', { name: 'Send' }).dblclick();
    await page.locator('li.bubble', { hasText: body }).waitFor();
    expect(stack.emu.handler.calls.get('CreateMessage')).toBe(1);
    expect(await statusOf(page, body)).toBe('QUEUED');
    await shot(page, 'sent');
  });

  it('ticks the message to DELIVERED as the emulator moves it on, without a reload', async () => {
    const body = 'Café opens at 10 ✓ see you';
    for (const [ms, status] of [[1_000, 'SENDING'], [1_000, 'SENT'], [3_000, 'DELIVERED']] as const) {
      stack.emu.clock.advance(ms);
      await eventually(`status ${status}`, async () => (await statusOf(page, body)) === status);
    }
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);
    await shot(page, 'delivered');
  });

  it('shows an inbound message as it arrives', async () => {
    await inbound(stack, '+14155550111', 'Is the shop open on Sunday?');
    const conversation = page.getByRole('button', { name: /415 555 0111/ });
    await conversation.waitFor();
    expect(await page.locator('button.conversation .party').first().textContent()).toBe('+1 415 555 0111');
    await conversation.click();
    await page.locator('li.bubble.in', { hasText: 'Is the shop open on Sunday?' }).waitFor();
    await shot(page, 'inbound');
  });

  it("puts an opted-out number's userError under To", async () => {
    await page.getByRole('button', { name: '+ New message' }).click();
    const to = page.getByLabel('To', { exact: true });
    await to.fill('+15005550004');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Hello again');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually('To marked invalid', async () => (await to.getAttribute('aria-invalid')) === 'true');
    const describedBy = (await to.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/unsubscribed/i);
    await shot(page, 'opted-out');
  });

  it('opens the offline explorer and runs a query and a subscription', async () => {
    await page.goto(`${stack.url}/graphql`);
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor();
    const response = page.locator('.graphiql-response');
    // Monaco draws spaces as no-break spaces.
    const shown = async (): Promise<string> => ((await response.textContent()) ?? '').replace(/\u00a0/g, ' ');
    // A click before GraphiQL has its editor and schema ready does nothing: click until the answer shows.
    await eventually('the query result', async () => {
      if (/"messages"/.test((await response.textContent()) ?? '')) return true;
      await run.click();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return /"messages"/.test((await response.textContent()) ?? '');
    }, 20_000);
    await shot(page, 'explorer-query');
    await page.getByRole('tab', { name: /^Inbox/ }).click();
    await run.click();
    await eventually('the subscription to start', async () => (await run.getAttribute('aria-label'))?.includes('Stop') === true || /Stop/.test((await run.getAttribute('title')) ?? ''), 5_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await inbound(stack, '+14155550112', 'Hello from the explorer test');
    await eventually('the event in the response', async () => /Hello from the explorer test/.test(await shown()), 15_000);
    await shot(page, 'explorer-subscription');
  }, 60_000);

  it('asked no host but the gateway, and threw no error', () => {
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
