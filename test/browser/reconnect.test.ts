/**
 * The inbox across a network drop: the browser reaches the gateway through a TCP proxy that the test cuts. An
 * inbound message that arrives while the inbox is cut off shows up once it is back, because it subscribes again
 * with `after` set to the last cursor it saw, and the gateway replays what it missed.
 */
import type { Browser, Page } from 'playwright-core';
import { basicAuth } from '../support/emulator.js';
import { startWiredStack, type Stack } from '../support/gateway.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { chromiumAvailable, eventually, foreignRequests, launchPage, screenshots } from '../support/browser.js';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser('the inbox after a network drop', () => {
  let stack: Stack;
  let proxy: TcpProxy;
  let browser: Browser;
  let page: Page;
  let foreign: string[];
  const shot = screenshots('reconnect');
  const resumes: Array<string | null> = [];

  const inbound = async (body: string): Promise<void> => {
    const response = await fetch(`${stack.emu.url}/emulator/inbound`, {
      method: 'POST',
      headers: { authorization: basicAuth(stack.emu.account), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: '+14155550120', To: '+15005550006', Body: body }).toString(),
    });
    expect(response.status).toBe(201);
    stack.emu.clock.advance(1_000);
  };
  const live = (page: Page) => page.locator('.live').getAttribute('class');

  beforeAll(async () => {
    stack = await startWiredStack({}, { seed: true });
    stack.emu.setSmsUrl(`${stack.url}/twilio/inbound`);
    proxy = await startTcpProxy(stack.url);
    ({ browser, page } = await launchPage());
    foreign = foreignRequests(page, proxy.url);
    // What each subscribe asked to resume after (graphql-ws frames the page sends).
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; payload?: { variables?: { after?: string | null } } };
        if (message.type === 'subscribe') resumes.push(message.payload?.variables?.after ?? null);
      }),
    );
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await stack?.stop();
  });

  it('gets what happened while it was away, resuming after its last cursor', async () => {
    await page.goto(`${proxy.url}/`);
    await eventually('the socket', async () => (await live(page))?.includes('live-live') === true);
    await inbound('Before the drop');
    await page.locator('button.conversation', { hasText: 'Before the drop' }).waitFor();

    await proxy.cut();
    await eventually('the inbox to notice', async () => (await live(page))?.includes('live-reconnecting') === true);
    await shot(page, 'reconnecting');
    await inbound('While you were away');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await proxy.restore();

    await page.locator('button.conversation', { hasText: 'While you were away' }).waitFor({ timeout: 20_000 });
    await eventually('live again', async () => (await live(page))?.includes('live-live') === true);
    expect(resumes[0]).toBeNull();
    expect(resumes.at(-1)).toMatch(/\S/);
    await page.locator('button.conversation', { hasText: 'While you were away' }).click();
    await shot(page, 'resumed');
    expect(foreign).toEqual([]);
  }, 60_000);
});
