/**
 * A send that fails says so in the compose box, with the gateway's words: here the caller's send budget
 * (SEND_RATE_LIMIT=1), whose RATE_LIMITED error Apollo Client raises as an exception, not as `userErrors`.
 */
import type { Browser, Page } from 'playwright-core';
import { startWiredStack, type Stack } from '../support/gateway.js';
import { chromiumAvailable, launchPage, screenshots } from '../support/browser.js';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser('the inbox when a send fails', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const shot = screenshots('send-errors');

  beforeAll(async () => {
    stack = await startWiredStack({ SEND_RATE_LIMIT: '1' }, { seed: true });
    ({ browser, page } = await launchPage());
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the refusal next to the form and keeps the draft', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.url}/`);
    const send = async (body: string) => {
      await page.getByRole('button', { name: '+ New message' }).click();
      await page.getByLabel('To', { exact: true }).fill('+14155550100');
      await page.getByRole('textbox', { name: 'Message', exact: true }).fill(body);
      await page.getByRole('button', { name: 'Send' }).click();
    };
    await send('the one the budget allows');
    await page.getByText('the one the budget allows').first().waitFor();
    await send('one too many');
    await page.getByRole('alert').filter({ hasText: /rate limit/i }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe('one too many');
    expect(stack.emu.handler.calls.get('CreateMessage')).toBe(1);
    expect(errors).toEqual([]);
    await shot(page, 'rate-limited');
  });
});
