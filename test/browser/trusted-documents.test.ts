/**
 * The inbox against a gateway that runs only its trusted documents (TRUSTED_DOCUMENTS=only, the manifest codegen
 * wrote for web/): every query, mutation and subscription the inbox makes goes by hash, so it all still works,
 * while a document the gateway was not built with is refused.
 */
import type { Browser, Page } from 'playwright-core';
import { gql, startWiredStack, type Stack } from '../support/gateway.js';
import { chromiumAvailable, eventually, foreignRequests, launchPage, screenshots } from '../support/browser.js';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser('the inbox with TRUSTED_DOCUMENTS=only', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];
  const shot = screenshots('trusted-documents');

  beforeAll(async () => {
    stack = await startWiredStack({ TRUSTED_DOCUMENTS: 'only' }, { seed: true });
    ({ browser, page } = await launchPage());
    foreign = foreignRequests(page, stack.url);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('refuses a document that is not in the manifest', async () => {
    const refused = await gql(stack.url, '{ messages(first: 1) { nodes { sid } } }');
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('loads, previews, sends and follows a message to DELIVERED, all by hash', async () => {
    await page.goto(`${stack.url}/`);
    await page.locator('button.conversation').first().waitFor();
    expect(await page.locator('button.conversation').count()).toBe(4);
    await page.getByRole('button', { name: '+ New message' }).click();
    await page.getByLabel('To', { exact: true }).fill('+14155550100');
    const body = 'Sent by hash only';
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(body);
    await page.getByText('1 segment').waitFor();
    await page.getByRole('button', { name: 'Send' }).click();
    const bubble = page.locator('li.bubble', { hasText: body });
    await bubble.waitFor();
    for (const ms of [1_000, 1_000, 3_000]) stack.emu.clock.advance(ms);
    await eventually('DELIVERED', async () => (await bubble.getAttribute('data-status')) === 'DELIVERED');
    await shot(page, 'delivered-by-hash');
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
