/**
 * The inbox on a gateway with GATEWAY_API_KEYS: it asks for a key, keeps it in the tab (sessionStorage), and then
 * sends it on both transports (a conversation list over HTTP, live status over the socket). A wrong key is
 * refused with a message that says so.
 */
import type { Browser, Page } from 'playwright-core';
import { startWiredStack, type Stack } from '../support/gateway.js';
import { chromiumAvailable, eventually, launchPage, screenshots } from '../support/browser.js';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;
const KEY = 'inbox-key-0123456789';

describeBrowser('the inbox with caller auth', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const shot = screenshots('api-key');

  beforeAll(async () => {
    stack = await startWiredStack({ GATEWAY_API_KEYS: KEY }, { seed: true });
    ({ browser, page } = await launchPage());
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('asks for a key, says when it is refused, and works with the right one', async () => {
    await page.goto(`${stack.url}/`);
    const field = page.getByLabel('API key');
    await field.fill('wrong-key-0123456789');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('The gateway refused the key you gave').waitFor();
    await shot(page, 'refused');
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('button.conversation').first().waitFor();
    expect(await page.locator('button.conversation').count()).toBe(4);
    await eventually('the socket', async () => (await page.locator('.live').getAttribute('class'))?.includes('live-live') === true);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('inbox.apiKey')")).toBe(KEY);
    await shot(page, 'signed-in');
  });
});
