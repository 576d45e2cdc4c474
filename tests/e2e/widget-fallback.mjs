// The widget when WebSockets are blocked (a proxy refusing the upgrade): it keeps retrying with
// backoff (1, 2, 4 s ...), answers over the HTTP fallback meanwhile, and once the socket is let through
// it resumes without showing the HTTP answer twice, adding the balance card that answer could not carry. Input: {base, customer: {email, password}}.
import { input, scenario, signIn } from './browser.mjs';

await scenario('widget-fallback', async (page) => {
  let blocked = true;
  let refused = 0;
  await page.routeWebSocket(/\/api\/ai\/chat\/ws/, (ws) => {
    if (blocked) {
      refused++;
      ws.close({ code: 1011, reason: 'blocked by the test' });
    } else {
      ws.connectToServer();
    }
  });
  await signIn(page, '/demo/portal.html', input.customer, 'email');
  await page.waitForSelector('text=Welcome back');
  const widget = page.locator('[data-virtualbanker]');
  await widget.getByRole('button', { name: 'Chat with us' }).click();
  const dialog = widget.getByRole('dialog');
  await dialog.getByRole('button', { name: 'I agree' }).click();

  const panel = () => page.evaluate(() => ({ ...document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.panel').dataset }));
  const delays = [];
  const started = Date.now();
  while (delays.length < 3 && Date.now() - started < 20_000) {
    const { reconnectDelay } = await panel();
    if (reconnectDelay && reconnectDelay !== delays.at(-1)) delays.push(reconnectDelay);
    await page.waitForTimeout(100);
  }

  await dialog.getByRole('textbox', { name: 'Message' }).fill("What's my balance?");
  await dialog.getByRole('button', { name: 'Send' }).click();
  const answer = dialog.locator('[data-testid=bot-message][data-transport=http]');
  await answer.waitFor();
  const text = await answer.textContent();

  blocked = false;
  await page.waitForFunction(() => document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.panel').dataset.connection === 'open', null, { timeout: 40_000 });
  await page.waitForTimeout(1000); // room for the resumed events to arrive
  const shown = await dialog.locator('[data-testid=bot-message]').allTextContents();
  await dialog.locator('[data-testid=balance-card]').waitFor();
  return {
    delays: delays.map(Number),
    refused,
    http_answer: text,
    times_shown: shown.filter((t) => t === text).length,
    balance_card_total: await dialog.locator('[data-testid=balance-total]').textContent(),
    status: await panel(),
  };
});
